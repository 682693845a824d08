import { seededRandom } from '../../test-support';
import { settledSeasonsFrom, youngSeasonDoubt } from './young-season';

describe('youngSeasonDoubt', () => {
  const period = 10;

  it('is the gap of two past seasons, and 0 once three exist', () => {
    const values = Float64Array.from({ length: 40 }, (_, i) => (i === 5 ? 100 : 1));
    expect(youngSeasonDoubt(values, 25, period, 6)).toBe(99);
    expect(youngSeasonDoubt(values, 35, period, 6)).toBe(0);
  });

  it('with one past season, is how far its value stood from its neighbours', () => {
    const values = Float64Array.from({ length: 20 }, (_, i) => (i === 5 ? 100 : i));
    expect(youngSeasonDoubt(values, 15, period, 6)).toBe(100 - 5);
    expect(youngSeasonDoubt(values, 12, period, 6)).toBe(0);
  });

  it('is 0 from settledSeasonsFrom on, missing values included', () => {
    const random = seededRandom(3);
    const values = Float64Array.from({ length: 400 }, () => (random() < 0.15 ? Number.NaN : random()));
    for (const from of [0, 120, 250]) {
      const settled = settledSeasonsFrom(values, period, 6, from, values.length);
      expect(settled).toBeGreaterThanOrEqual(3 * period);
      for (let i = Math.max(from, settled); i < values.length; i++)
        expect(youngSeasonDoubt(values, i, period, 6)).toBe(0);
    }
  });
});
