import type { DetectorId } from '../contract';
import { findRegions } from './regions';

interface RegionCase {
  name: string;
  score: number[];
  /** 1 = anomalous. */
  anomaly: number[];
  /** [start, end, peak] indexes of the expected regions. */
  regions: Array<[number, number, number]>;
}

const cases: RegionCase[] = [
  { name: 'no anomalies, no regions', score: [1, 2, 3], anomaly: [0, 0, 0], regions: [] },
  { name: 'an empty series', score: [], anomaly: [], regions: [] },
  { name: 'one anomalous point', score: [1, 90, 2], anomaly: [0, 1, 0], regions: [[1, 1, 1]] },
  { name: 'a run at the start', score: [80, 95, 3, 1], anomaly: [1, 1, 0, 0], regions: [[0, 1, 1]] },
  { name: 'a run at the end is closed', score: [1, 2, 75, 88], anomaly: [0, 0, 1, 1], regions: [[2, 3, 3]] },
  { name: 'everything anomalous', score: [71, 99, 72], anomaly: [1, 1, 1], regions: [[0, 2, 1]] },
  {
    name: 'one normal point splits two regions',
    score: [80, 90, 10, 85, 70],
    anomaly: [1, 1, 0, 1, 1],
    regions: [
      [0, 1, 1],
      [3, 4, 3],
    ],
  },
  {
    name: 'a tie for the peak goes to the first',
    score: [90, 90, 80],
    anomaly: [1, 1, 1],
    regions: [[0, 2, 0]],
  },
  {
    name: 'a high score that is not flagged is not part of a region',
    score: [99, 75, 2],
    anomaly: [0, 1, 0],
    regions: [[1, 1, 1]],
  },
];

describe('findRegions', () => {
  it.each(cases)('$name', ({ score, anomaly, regions }) => {
    const times = score.map((_, i) => 1_000 + i * 60_000);
    const explained: number[] = [];
    const detector: DetectorId = 'robust';
    const found = findRegions({
      times,
      score,
      anomaly,
      detector,
      explain: (index) => {
        explained.push(index);
        return `peak at ${index}`;
      },
    });
    expect(found).toEqual(
      regions.map(([start, end, peak]) => ({
        start: times[start],
        end: times[end],
        peakTime: times[peak],
        peakScore: score[peak],
        detector,
        explanation: `peak at ${peak}`,
      })),
    );
    expect(explained).toEqual(regions.map(([, , peak]) => peak));
  });

  it('accepts flags as booleans or bytes and rounds the peak score to 0.1', () => {
    const times = [0, 1, 2];
    const score = Float64Array.from([10, 87.6543, 20]);
    const input = { times, score, detector: 'ensemble' as const, explain: () => 'x' };
    const fromBooleans = findRegions({ ...input, anomaly: [false, true, false] });
    const fromBytes = findRegions({ ...input, anomaly: Uint8Array.from([0, 1, 0]) });
    expect(fromBooleans).toEqual(fromBytes);
    expect(fromBooleans).toEqual([
      { start: 1, end: 1, peakTime: 1, peakScore: 87.7, detector: 'ensemble', explanation: 'x' },
    ]);
  });
});
