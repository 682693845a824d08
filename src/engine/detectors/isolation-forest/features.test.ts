import {
  baselineResiduals,
  completeRows,
  DEFAULT_FEATURE_OPTIONS,
  FEATURE_COUNT,
  FEATURE_NAMES,
  type FeatureScaling,
  featureRows,
  learnScaling,
} from './features';
import { labelledSeries } from './synthetic';

const options = DEFAULT_FEATURE_OPTIONS;

/** Feature rows of the whole series, with scaling learned on [0, end). */
function allRows(values: Float64Array, period: number | null, end = values.length) {
  const base = baselineResiduals(values, 0, values.length, period, options);
  const scaling = learnScaling(values, end, base);
  return { base, scaling, rows: featureRows(values, 0, values.length, base, scaling, options) };
}

const column = (rows: Float64Array, name: (typeof FEATURE_NAMES)[number], point: number) =>
  rows[point * FEATURE_COUNT + FEATURE_NAMES.indexOf(name)]!;

describe('feature rows', () => {
  it('has one column per named feature', () => {
    expect(FEATURE_COUNT).toBe(5);
    const { rows } = allRows(labelledSeries({ length: 300 }).values, 48);
    expect(rows).toHaveLength(300 * FEATURE_COUNT);
  });

  it.each([
    {
      name: 'a constant series',
      values: new Float64Array(200).fill(7),
      expected: () => ({ value: 0, diff: 0, residual: 0, residualMean: 0, volatility: 0 }),
    },
    {
      // Baseline without a season = median of the last `levelWindow` values; values' MAD is 50.
      name: 'a ramp',
      values: Float64Array.from({ length: 200 }, (_, i) => i),
      expected: (s: FeatureScaling) => ({
        value: (150 - 99.5) / (1.4826 * 50),
        diff: 1 / (1.4826 * 50),
        residual: (options.levelWindow + 1) / 2 / s.residualScale,
        residualMean: 0,
        volatility: 0,
      }),
    },
    {
      // A square wave of period 4 with a season of 4: the past season predicts it exactly.
      name: 'a square wave with its season',
      values: Float64Array.from({ length: 200 }, (_, i) => (i % 4 < 2 ? 1 : 3)),
      period: 4,
      expected: () => ({ value: 1 / 1.4826, diff: 2 / 1.4826, residual: 0, residualMean: 0, volatility: 0 }),
    },
  ])('known values at point 150 for $name', ({ values, period, expected }) => {
    const { rows, scaling } = allRows(values, period ?? null);
    for (const [name, value] of Object.entries(expected(scaling))) {
      expect([name, column(rows, name as (typeof FEATURE_NAMES)[number], 150)]).toEqual([
        name,
        expect.closeTo(value, 9),
      ]);
    }
  });

  it('is all NaN for a gap, and only NaN while its windows warm up', () => {
    const { values } = labelledSeries({ length: 600 });
    values[400] = Number.NaN;
    const { rows } = allRows(values, 48);
    expect(Array.from(rows.subarray(400 * FEATURE_COUNT, 401 * FEATURE_COUNT)).every(Number.isNaN)).toBe(
      true,
    );
    // Point 401: the diff skips back to point 399; every column is known.
    expect(Array.from(rows.subarray(401 * FEATURE_COUNT, 402 * FEATURE_COUNT)).every(Number.isFinite)).toBe(
      true,
    );
    // Point 10: no past season yet, so no residual; the raw value is still known.
    expect(Number.isFinite(column(rows, 'value', 10))).toBe(true);
    expect(column(rows, 'residual', 10)).toBeNaN();
    const { points } = completeRows(rows, 0);
    expect(points[0]).toBeGreaterThanOrEqual(48);
    expect(points[0]).toBeLessThan(48 + options.longWindow);
    expect(Array.from(points)).not.toContain(400);
  });

  it('is causal and exact: any range gives bit-identical rows to the full series', () => {
    const { values } = labelledSeries({ length: 1200 });
    values[700] = Number.NaN;
    const { rows, scaling } = allRows(values, 48, 800);
    for (const [from, to] of [
      [0, 1],
      [0, 1200],
      [500, 900],
      [650, 701],
      [1199, 1200],
    ] as const) {
      // Only values[≤ to − 1] are visible, and the baseline starts as late as allowed.
      const visible = values.slice(0, to);
      const start = Math.max(0, from - options.longWindow + 1);
      const base = baselineResiduals(visible, start, to, 48, options);
      const part = featureRows(visible, from, to, base, scaling, options);
      expect(part).toEqual(rows.subarray(from * FEATURE_COUNT, to * FEATURE_COUNT));
    }
  });

  it('refuses a baseline that does not reach back over the long window', () => {
    const { values } = labelledSeries({ length: 600 });
    const base = baselineResiduals(values, 400, 600, 48, options);
    const scaling = { center: 0, scale: 1, residualScale: 1 };
    expect(() => featureRows(values, 450, 600, base, scaling, options)).toThrow(RangeError);
    expect(() =>
      featureRows(values, 400 + options.longWindow - 1, 600, base, scaling, options),
    ).not.toThrow();
  });

  it('learns its scaling from [0, end) only', () => {
    const { values } = labelledSeries({ length: 1000 });
    const base = baselineResiduals(values, 0, 1000, 48, options);
    const early = learnScaling(values, 500, base);
    const later = values.slice();
    later.fill(1e6, 500);
    expect(learnScaling(later, 500, baselineResiduals(later, 0, 1000, 48, options))).toEqual(early);
    expect(early.center).toBeCloseTo(50, 0);
  });
});
