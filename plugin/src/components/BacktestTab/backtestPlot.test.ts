import type { BacktestResult, ScoredSeries } from '@tidemark/core';
import { backtestSeries, drawingIntervalMs } from './backtestPlot';

const drawn: ScoredSeries = {
  name: 'cpu usage_user',
  tags: { host: 'web-1' },
  detector: 'robust',
  threshold: 70,
  time: [0, 120_000, 240_000, 360_000],
  value: [1, 2, null, 4],
  expected: [1, 1, 1, 1],
  lower: [0, 0, 0, 0],
  upper: [2, 2, 2, 2],
  score: [10, 95, null, 20],
  anomaly: [false, true, false, false],
  regions: [],
  notices: [],
};
const result = {
  threshold: 55,
  series: [
    {
      name: 'cpu usage_user',
      tags: { host: 'web-1' },
      points: 6,
      flaggedPoints: 1,
      // One flagged point at the backtest's 1-minute step, between two drawn points.
      regions: [
        {
          start: 180_000,
          end: 180_000,
          peakTime: 180_000,
          peakScore: 60,
          detector: 'robust',
          explanation: 'x',
        },
      ],
      maintenance: [],
    },
  ],
} as unknown as BacktestResult;

describe('backtestSeries', () => {
  it('draws the backtest’s regions and threshold, flags the drawn steps they touch, hides the drawing’s scores', () => {
    const [series] = backtestSeries([drawn], result);
    expect(series!.regions).toEqual(result.series[0]!.regions);
    expect(series!.threshold).toBe(55);
    // 180 000 lies in the step [120 000, 240 000); the drawing's own flag at 120 000 is not kept otherwise.
    expect(series!.anomaly).toEqual([false, true, false, false]);
    expect(series!.score).toEqual([null, null, null, null]);
  });

  it('leaves a series the backtest did not flag unflagged', () => {
    const [series] = backtestSeries([{ ...drawn, tags: { host: 'web-2' } }], result);
    expect(series!.anomaly).toEqual([false, false, false, false]);
  });

  it('draws long ranges coarser than the detector’s interval', () => {
    expect(drawingIntervalMs(0, 60 * 60_000, 60_000)).toBe(60_000);
    expect(drawingIntervalMs(0, 30 * 86_400_000, 60_000)).toBe(1_728_000);
  });
});
