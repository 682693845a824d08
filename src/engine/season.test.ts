import { detectPeriod } from './season';
import { gaussian, seededRandom } from './test-support';

type Shape = 'sine' | 'square';

function periodic(shape: Shape, period: number, length: number, noise: number, seed: number): Float64Array {
  const normal = gaussian(seededRandom(seed));
  return Float64Array.from({ length }, (_, i) => {
    const wave = shape === 'sine' ? Math.sin((2 * Math.PI * i) / period) : i % period < period / 2 ? 1 : -1;
    return wave + noise * normal();
  });
}

/** Ten seasons of data (at most 4032 points, two weeks of 5-minute NAB data). */
const lengthFor = (period: number) => Math.min(10 * period, 4032);

/** Within one step or 2 % of the true season: close enough to align phases, never a multiple. */
const tolerance = (period: number) => Math.max(1, Math.round(0.02 * period));

describe('detectPeriod', () => {
  it.each<[Shape, number, number]>([
    ['sine', 24, 0],
    ['sine', 24, 0.3],
    ['sine', 48, 0],
    ['sine', 48, 0.3],
    ['sine', 288, 0],
    ['square', 24, 0],
    ['square', 24, 0.5],
    ['square', 48, 0],
    ['square', 48, 0.5],
    ['square', 288, 0],
    ['square', 288, 0.3],
  ])(
    'finds the season of a %s wave of period %p with noise σ=%p, not a multiple of it',
    (shape, period, noise) => {
      for (const seed of [1, 2, 3]) {
        const found = detectPeriod(periodic(shape, period, lengthFor(period), noise, seed));
        expect(found).not.toBeNull();
        expect(Math.abs(found! - period)).toBeLessThanOrEqual(tolerance(period));
      }
    },
  );

  // Bug: every autocorrelation peak within `tolerance` of the strongest counts as "as good" and the
  // shortest wins, so noise wiggles on the rising flank of a broad peak are chosen (288 → ~270).
  it.failing('finds a long season (288) of a moderately noisy sine within 2 %', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const found = detectPeriod(periodic('sine', 288, lengthFor(288), 0.3, seed));
      expect(Math.abs(found! - 288)).toBeLessThanOrEqual(tolerance(288));
    }
  });

  it('finds the season through gaps (10 % of points missing)', () => {
    const random = seededRandom(4);
    const values = periodic('sine', 48, 480, 0.2, 4);
    for (let i = 0; i < values.length; i++) if (random() < 0.1) values[i] = Number.NaN;
    const found = detectPeriod(values);
    expect(Math.abs(found! - 48)).toBeLessThanOrEqual(tolerance(48));
  });

  it.each<[string, (i: number, normal: () => number) => number, number]>([
    ['white noise', (_i, normal) => normal(), 1000],
    ['long white noise', (_i, normal) => normal(), 4000],
    ['a flat line', () => 5, 1000],
    ['a linear trend', (i) => 0.01 * i, 1000],
    ['a noisy linear trend', (i, normal) => 0.01 * i + 0.5 * normal(), 2000],
    [
      'a random walk',
      (() => {
        let level = 0;
        return (_i: number, normal: () => number) => {
          level += normal();
          return level;
        };
      })(),
      2000,
    ],
    ['an all-NaN series', () => Number.NaN, 500],
    ['a series too short for any season', (i) => Math.sin(i), 6],
  ])('finds no season in %s', (_name, value, length) => {
    const normal = gaussian(seededRandom(99));
    const values = Float64Array.from({ length }, (_, i) => value(i, normal));
    expect(detectPeriod(values)).toBeNull();
  });

  it('only looks at [0, end)', () => {
    const early = periodic('sine', 24, 600, 0.1, 6);
    const values = new Float64Array(3000);
    values.set(early);
    const late = periodic('square', 100, 2400, 0.1, 7);
    for (let i = 600; i < 3000; i++) values[i] = 50 * late[i - 600]!;
    expect(detectPeriod(values, 600)).toBe(24);
    expect(detectPeriod(values, 3000)).not.toBe(24);
  });

  it('answers for a prefix exactly as for the prefix alone, whatever follows', () => {
    const random = seededRandom(8);
    const values = periodic('sine', 36, 2000, 0.4, 8);
    for (const end of [10, 50, 100, 200, 333, 700, 1500]) {
      const tampered = values.slice();
      for (let i = end; i < tampered.length; i++) tampered[i] = random() < 0.5 ? Number.NaN : 1e6 * random();
      expect(detectPeriod(tampered, end)).toBe(detectPeriod(values.slice(0, end)));
    }
  });

  it('keeps a previous season while it still is one and ignores it when it is not', () => {
    const values = periodic('sine', 24, 480, 0.1, 9);
    const fresh = detectPeriod(values);
    expect(fresh).toBe(24);
    expect(detectPeriod(values, values.length, undefined, 24)).toBe(24);
    expect(detectPeriod(values, values.length, undefined, 37)).toBe(fresh);
  });
});
