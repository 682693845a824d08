import { BAND_DIGITS, bandRounder, largestMagnitude } from './band-precision';
import { seededRandom } from './test-support';

describe('bandRounder', () => {
  it.each([
    [100, 52.31846138264819, 52.3185],
    [100, -0.000123456789, -0.0001],
    [99.9, 52.31846138264819, 52.31846],
    [1, 0.123456789, 0.123457],
    [0.0042, 0.00418765432109, 0.004187654],
    [3.2e9, 3_187_654_321.987, 3_187_654_000],
    [99_999, 12_345.678912, 12_345.68],
  ])('at magnitude %d rounds %d to %d', (magnitude, value, rounded) => {
    expect(bandRounder(magnitude)(value)).toBe(rounded);
  });

  it('stays within half a step of the value, keeps order, and prints short', () => {
    const random = seededRandom(3);
    for (const magnitude of [1e-7, 0.03, 1, 57.3, 1e4, 8.1e12]) {
      const round = bandRounder(magnitude);
      const step = 10 ** (Math.floor(Math.log10(magnitude)) - (BAND_DIGITS - 1));
      let previous = Number.NEGATIVE_INFINITY;
      const values = Array.from({ length: 500 }, () => (random() - 0.5) * 2 * magnitude).sort(
        (a, b) => a - b,
      );
      for (const value of values) {
        const rounded = round(value);
        expect(Math.abs(rounded - value)).toBeLessThanOrEqual(step / 2 + Math.abs(value) * 1e-15);
        expect(rounded).toBeGreaterThanOrEqual(previous);
        previous = rounded;
        const significant = String(Math.abs(rounded))
          .replace(/e.*$|\./g, '')
          .replace(/^0+|0+$/g, '');
        expect(significant.length).toBeLessThanOrEqual(BAND_DIGITS);
      }
    }
  });

  it('leaves values alone when the series has no usable magnitude, and never makes one infinite', () => {
    for (const magnitude of [0, Number.NaN, Number.POSITIVE_INFINITY, 1e-30]) {
      expect(bandRounder(magnitude)(1.23456789123)).toBe(1.23456789123);
    }
    expect(bandRounder(1)(1e308)).toBe(1e308);
  });
});

describe('largestMagnitude', () => {
  it('is the largest finite |value|, skipping gaps', () => {
    expect(largestMagnitude(Float64Array.of(3, Number.NaN, -7.5, Number.POSITIVE_INFINITY, 2))).toBe(7.5);
    expect(largestMagnitude(Float64Array.of(Number.NaN))).toBe(0);
  });
});
