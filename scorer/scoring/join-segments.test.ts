import type { ScoredSeries } from '@tidemark/core';
import { joinSegments } from './join-segments';

function part(time: number[], score: number[], regions: ScoredSeries['regions']): ScoredSeries {
  const column = time.map(() => 1);
  return {
    name: 's',
    tags: {},
    detector: 'robust',
    threshold: 80,
    time,
    value: column,
    expected: column,
    lower: column,
    upper: column,
    score,
    anomaly: score.map((s) => s >= 80),
    regions,
    notices: [{ severity: 'info', text: 'said once' }],
  };
}

const region = (start: number, end: number, peakTime: number, peakScore: number) => ({
  start,
  end,
  peakTime,
  peakScore,
  detector: 'robust' as const,
  explanation: `peak at ${peakTime}`,
});

describe('joinSegments', () => {
  it('joins columns in order, one region across the cut, notices once', () => {
    const joined = joinSegments([
      part([1, 2, 3], [10, 85, 90], [region(2, 3, 3, 90)]),
      part([4, 5, 6], [95, 10, 81], [region(4, 4, 4, 95), region(6, 6, 6, 81)]),
    ]);
    expect(joined.time).toEqual([1, 2, 3, 4, 5, 6]);
    expect(joined.score).toEqual([10, 85, 90, 95, 10, 81]);
    expect(joined.regions).toEqual([region(2, 4, 4, 95), region(6, 6, 6, 81)]);
    expect(joined.notices).toEqual([{ severity: 'info', text: 'said once' }]);
  });

  it('keeps regions apart when one ends before the cut', () => {
    const joined = joinSegments([
      part([1, 2, 3], [85, 10, 10], [region(1, 1, 1, 85)]),
      part([4], [90], [region(4, 4, 4, 90)]),
    ]);
    expect(joined.regions).toEqual([region(1, 1, 1, 85), region(4, 4, 4, 90)]);
  });
});
