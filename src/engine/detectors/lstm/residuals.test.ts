import { type ResidualScoring, residualLookback, scoreResiduals } from './residuals';

const scoring: ResidualScoring = {
  priorSpread: 2,
  priorWeight: 4,
  residualWindow: 8,
  smoothingSpan: 3,
  minSpread: 0.01,
  meanSpreadShare: 0,
  threshold: null,
};

/** values = forecasts + residuals, forecasts all 100. */
function series(residuals: number[]): { values: Float64Array; forecasts: Float64Array } {
  return {
    values: Float64Array.from(residuals, (residual) => 100 + residual),
    forecasts: new Float64Array(residuals.length).fill(100),
  };
}

describe('scoreResiduals', () => {
  it('starts from the prior spread and blends in the median |residual| of the points before', () => {
    const { values, forecasts } = series([1, -1, 1, -1, 1, -1, 1, -1, 0]);
    const scores = scoreResiduals(values, forecasts, 0, 0, 9, scoring);
    expect(scores.spread[0]).toBe(2);
    // point 8 sees 8 residuals of size 1: σ̂ = 1.4826, blended with the prior 2 at weight 4
    expect(scores.spread[8]).toBeCloseTo((4 * 2 + 8 * 1.4826) / 12, 12);
    expect(Array.from(scores.expected)).toEqual(new Array(9).fill(100));
  });

  it('does not let a point widen its own spread, so a spike scores |residual| / spread', () => {
    const residuals = [0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 40];
    const { values, forecasts } = series(residuals);
    const scores = scoreResiduals(values, forecasts, 0, 0, 9, scoring);
    expect(scores.raw[8]).toBeCloseTo(40 / scores.spread[8]!, 12);
    expect(scores.spread[8]).toBeLessThan(2);
  });

  it('keeps evidence up for a few points after a spike (smoothing), then lets it decay', () => {
    const residuals = [0, 0, 0, 0, 30, 0, 0, 0, 0, 0];
    const { values, forecasts } = series(residuals);
    const { raw } = scoreResiduals(values, forecasts, 0, 0, 10, { ...scoring, priorWeight: 100 });
    expect(raw[4]).toBeCloseTo(30 / ((100 * 2) / 104), 12);
    expect(raw[5]).toBeGreaterThan(1);
    expect(raw[6]).toBeGreaterThan(0);
    expect(raw[5]!).toBeLessThan(raw[4]!);
    expect(raw[6]!).toBeLessThan(raw[5]!);
    expect(raw[7]).toBe(0);
  });

  it('gives NaN for gaps and points without a forecast, and skips them in the spread', () => {
    const { values, forecasts } = series([1, 1, 1, 1]);
    values[1] = Number.NaN;
    forecasts[2] = Number.NaN;
    const scores = scoreResiduals(values, forecasts, 0, 0, 4, { ...scoring, priorWeight: 0 });
    for (const k of [1, 2]) {
      expect(scores.expected[k]).toBeNaN();
      expect(scores.spread[k]).toBeNaN();
      expect(scores.raw[k]).toBeNaN();
    }
    expect(scores.spread[3]).toBeCloseTo(1.4826, 12);
  });

  // A forecaster that is exact between steps and times each step late: mostly-zero misses.
  it('keeps a spread set by the rare large misses with meanSpreadShare, where the median is 0', () => {
    const { values, forecasts } = series([0, 0, 0, 6, 0, 0, 0, 6, 0]);
    const alone = { ...scoring, priorSpread: 0, priorWeight: 0 };
    expect(scoreResiduals(values, forecasts, 0, 0, 9, alone).spread[8]).toBe(0.01);
    const withMean = scoreResiduals(values, forecasts, 0, 0, 9, { ...alone, meanSpreadShare: 0.5 });
    expect(withMean.spread[8]).toBeCloseTo(0.5 * 1.2533 * (12 / 8), 12);
  });

  it('floors the spread', () => {
    const { values, forecasts } = series([0, 0, 0, 0.5]);
    const scores = scoreResiduals(values, forecasts, 0, 0, 4, {
      ...scoring,
      priorSpread: 0,
      minSpread: 0.25,
    });
    expect(scores.spread[3]).toBe(0.25);
    expect(scores.raw[3]).toBe(2);
  });

  // With meanSpreadShare 1 the spread comes from the window's mean, which a running sum would make
  // depend on how many values passed through the window before.
  it.each([0, 1])(
    'scores a range exactly as the same points of the whole series, given the lookback (meanSpreadShare %p)',
    (meanSpreadShare) => {
      const within = { ...scoring, meanSpreadShare };
      const length = 600;
      // forecasts of 0, so the residuals keep all their bits (around 100 their sums would be exact)
      const values = Float64Array.from({ length }, (_, i) => Math.sin(i * 1.7) * (i % 13 === 0 ? 9.1 : 1.3));
      const forecasts = new Float64Array(length);
      const whole = scoreResiduals(values, forecasts, 0, 0, length, within);
      const from = 496; // two points after a large residual (494 = 13 × 38), which the smoothing carries
      const first = from - residualLookback(within);
      const part = scoreResiduals(values, forecasts.subarray(first), first, from, length, within);
      expect(Array.from(part.raw)).toEqual(Array.from(whole.raw.subarray(from)));
      expect(Array.from(part.spread)).toEqual(Array.from(whole.spread.subarray(from)));
      // one point less of lookback and the numbers change
      const short = scoreResiduals(values, forecasts.subarray(first + 1), first + 1, from, length, within);
      expect(Array.from(short.raw)).not.toEqual(Array.from(whole.raw.subarray(from)));
    },
  );

  it('scores residuals too large to sum exactly, the same from any start', () => {
    const within = { ...scoring, meanSpreadShare: 1, priorWeight: 0 };
    const residuals = Array.from({ length: 40 }, (_, i) => (i === 20 ? 1e300 : 1 + (i % 3)));
    const { values, forecasts } = series(residuals);
    const whole = scoreResiduals(values, forecasts, 0, 0, 40, within);
    // the huge miss sets the spread of the points after it, through the mean
    expect(whole.spread[21]).toBeGreaterThan(1e298);
    expect(whole.spread[29]).toBeLessThan(10);
    const first = 22 - residualLookback(within);
    const part = scoreResiduals(values, forecasts.subarray(first), first, 22, 40, within);
    expect(Array.from(part.spread)).toEqual(Array.from(whole.spread.subarray(22)));
  });
});
