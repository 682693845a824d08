import { seededRandom } from '../../test-support';
import { DEFAULT_BASELINE_OPTIONS, seasonalBaseline } from './baseline';

describe('the young-season doubt, as the seasonal baseline reads it', () => {
  const period = 10;
  const options = { ...DEFAULT_BASELINE_OPTIONS, seasons: 6 };
  function doubtOf(values: Float64Array): Float64Array {
    const doubt = new Float64Array(values.length);
    seasonalBaseline(values, 0, values.length, period, options, doubt);
    return doubt;
  }

  it('is the gap of two past seasons, and 0 once three exist', () => {
    const doubt = doubtOf(Float64Array.from({ length: 40 }, (_, i) => (i === 5 ? 100 : 1)));
    expect(doubt[25]).toBe(99);
    expect(doubt[35]).toBe(0);
  });

  it('with one past season, is how far its value stood from its neighbours', () => {
    const doubt = doubtOf(Float64Array.from({ length: 20 }, (_, i) => (i === 5 ? 100 : i)));
    expect(doubt[15]).toBe(100 - 5);
    expect(doubt[12]).toBe(0);
  });

  it('is 0 wherever three past seasons of known values exist, missing values included', () => {
    const random = seededRandom(3);
    const values = Float64Array.from({ length: 400 }, () => (random() < 0.15 ? Number.NaN : random()));
    const doubt = doubtOf(values);
    let checked = 0;
    for (let i = 0; i < values.length; i++) {
      let known = 0;
      for (let k = 1; k <= options.seasons && i - k * period >= 0; k++)
        if (!Number.isNaN(values[i - k * period]!)) known++;
      if (known >= 3) {
        expect(doubt[i]).toBe(0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});
