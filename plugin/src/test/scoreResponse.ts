import type { ScoredSeries, ScoreResponse } from '@tidemark/core';

const T0 = Date.UTC(2026, 0, 1);
const STEP = 60_000;

/** A scored series as the scorer returns it: a daily-ish wave, a band around it and one spike. */
export function scoredSeries(
  overrides: Partial<ScoredSeries> = {},
  length = 120,
  spikeAt = 80,
): ScoredSeries {
  const time = Array.from({ length }, (_, i) => T0 + i * STEP);
  const expected = time.map((_, i) => 50 + 10 * Math.sin(i / 10));
  const value = expected.map((e, i) => (i === spikeAt ? e + 40 : i === 30 ? null : e + Math.sin(i * 7) * 2));
  const score = value.map((v, i) =>
    v === null ? null : i === spikeAt ? 92 : Math.abs(Math.sin(i * 7)) * 20,
  );
  return {
    name: 'cpu usage_idle',
    tags: { host: 'a' },
    detector: 'robust',
    threshold: 70,
    time,
    value,
    expected,
    lower: expected.map((e) => e - 6),
    upper: expected.map((e) => e + 6),
    score,
    anomaly: score.map((s) => s !== null && s >= 70),
    regions: [
      {
        start: time[spikeAt]!,
        end: time[spikeAt]!,
        peakTime: time[spikeAt]!,
        peakScore: 92,
        detector: 'robust',
        explanation: 'value 98.7 above expected 52.7–64.7 (6.2σ), robust',
      },
    ],
    notices: [],
    ...overrides,
  };
}

export function scoreResponse(
  series: ScoredSeries[] = [scoredSeries()],
  notices: ScoreResponse['notices'] = [],
) {
  return { contractVersion: 1, series, notices } satisfies ScoreResponse;
}
