import type { DetectorId, Region } from '../contract';

export interface RegionInput {
  times: ArrayLike<number>;
  score: ArrayLike<number>;
  anomaly: ArrayLike<number | boolean>;
  detector: DetectorId;
  /** The one-line explanation of the region's peak point. */
  explain(index: number): string;
}

/** Groups consecutive anomalous points into regions, each described by its peak-score point. */
export function findRegions({ times, score, anomaly, detector, explain }: RegionInput): Region[] {
  const regions: Region[] = [];
  let start = -1;
  let peak = -1;
  const close = (end: number) => {
    regions.push({
      start: times[start]!,
      end: times[end]!,
      peakTime: times[peak]!,
      peakScore: Math.round(score[peak]! * 10) / 10,
      detector,
      explanation: explain(peak),
    });
    start = -1;
  };
  for (let i = 0; i < times.length; i++) {
    if (anomaly[i]) {
      if (start < 0) {
        start = i;
        peak = i;
      } else if (score[i]! > score[peak]!) {
        peak = i;
      }
    } else if (start >= 0) {
      close(i - 1);
    }
  }
  if (start >= 0) close(times.length - 1);
  return regions;
}
