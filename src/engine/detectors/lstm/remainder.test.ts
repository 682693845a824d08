import { DEFAULT_BASELINE_OPTIONS, seasonalBaseline } from '../robust/baseline';
import { decompose, remainderBaseline } from './remainder';

const PERIOD = 24;
const values = Float64Array.from(
  { length: 400 },
  (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / PERIOD) + (i % 7),
);

describe('decompose', () => {
  it("splits the series into robust's seasonal baseline and what it leaves", () => {
    const { baseline, remainder } = decompose(values, 0, 400, remainderBaseline(PERIOD));
    const robust = seasonalBaseline(values, 0, 400, PERIOD, DEFAULT_BASELINE_OPTIONS);
    // robust's own baseline needs a season and then levelWindow offsets from the profile
    for (let i = PERIOD + DEFAULT_BASELINE_OPTIONS.levelWindow; i < 400; i++) {
      expect(baseline[i]).toBe(robust[i]);
      expect(remainder[i]).toBeCloseTo(values[i]! - robust[i]!, 12);
    }
  });

  it('uses the level alone in the first season, which has no profile yet', () => {
    const { baseline } = decompose(values, 0, 400, remainderBaseline(PERIOD));
    const level = seasonalBaseline(values, 0, PERIOD, null, DEFAULT_BASELINE_OPTIONS);
    expect(Number.isNaN(baseline[0]!)).toBe(true);
    for (let i = 1; i < PERIOD; i++) expect(baseline[i]).toBe(level[i]);
  });

  it('gives the same remainders whatever range is asked for, back to the last known one before it', () => {
    const gappy = values.slice();
    gappy.fill(Number.NaN, 100, 395);
    const whole = decompose(gappy, 0, 400, remainderBaseline(PERIOD));
    const range = decompose(gappy, 395, 400, remainderBaseline(PERIOD));
    for (let i = 395; i < 400; i++) expect(range.remainder[i]).toBe(whole.remainder[i]);
    // 395 has no baseline (no value in the 8 before it): the remainder gap filling carries is at 99
    expect(range.remainder[99]).toBe(whole.remainder[99]);
    expect(Number.isNaN(range.remainder[99]!)).toBe(false);
  });

  it('reads only the past: a change at i moves no baseline at or before i, only after', () => {
    const changed = values.slice();
    changed.fill(1e6, 296, 301); // five of the eight values the level reads
    const before = decompose(values, 0, 400, remainderBaseline(PERIOD)).baseline;
    const after = decompose(changed, 0, 400, remainderBaseline(PERIOD)).baseline;
    expect(after.subarray(0, 297)).toEqual(before.subarray(0, 297));
    expect(after[301]).not.toBe(before[301]);
  });

  it('without a season the baseline is the median of the last values', () => {
    const shape = remainderBaseline(null);
    expect(shape.period).toBeNull();
    const { baseline } = decompose(values, 0, 50, shape);
    expect(baseline[20]).toBe(seasonalBaseline(values, 20, 21, null, DEFAULT_BASELINE_OPTIONS)[0]);
  });
});
