import { scoreSeries } from '../../score';
import { gaussian, STEP_MS, seasonalPoints, seededRandom, T0 } from '../../test-support';
import { RepeatTracker } from './repeats';

function zAfter(values: number[], window = 200, minRun = 3): number[] {
  const tracker = new RepeatTracker(window, minRun);
  return values.map((v) => {
    const z = tracker.zFor(v);
    tracker.observe(v);
    return z;
  });
}

describe('RepeatTracker', () => {
  const normal = gaussian(seededRandom(5));
  const noisy = Array.from({ length: 300 }, () => 50 + normal());

  it('finds nothing in noise that never repeats', () => {
    expect(Math.max(...zAfter(noisy))).toBe(0);
  });

  it('grows with the length of a run of a value the series never held', () => {
    const frozen = [...noisy, ...Array(12).fill(61.5)];
    const z = zAfter(frozen).slice(300);
    expect(z.slice(0, 2)).toEqual([0, 0]);
    for (let k = 3; k < z.length; k++) expect(z[k]!).toBeGreaterThan(z[k - 1]!);
    expect(z[11]!).toBeGreaterThan(6);
    const forever = zAfter([...noisy, ...Array(400).fill(61.5)], 1000);
    expect(forever.every(Number.isFinite)).toBe(true);
  });

  it('sees nothing unusual in a value the series rests at (an idle counter at 0)', () => {
    const random = seededRandom(9);
    const idle: number[] = [];
    while (idle.length < 1500) {
      const busy = random() < 0.5;
      const length = 5 + Math.floor(random() * 30);
      for (let k = 0; k < length; k++) idle.push(busy ? 1 + random() : 0);
    }
    const z = zAfter([...idle, 1.5, ...Array(25).fill(0)], 1000);
    expect(Math.max(...z.slice(1501))).toBeLessThan(3);
  });

  it('does not judge a rest that fills most of its window by the few points left before it', () => {
    const random = seededRandom(11);
    const idle: number[] = [];
    while (idle.length < 1500) {
      for (let k = 0, rest = Math.floor(random() * 60); k < rest; k++) idle.push(0);
      idle.push(1 + Math.floor(random() * 4));
    }
    const z = zAfter([...idle, ...Array(900).fill(0)], 1000);
    expect(Math.max(...z.slice(1500 + 600))).toBe(0);
  });

  it('counts runs within its window only, so a point depends only on the window before it', () => {
    const long = [...noisy, ...Array(500).fill(7)];
    const tail = zAfter(long, 100).slice(-50);
    const shorter = zAfter(long.slice(250), 100).slice(-50);
    expect(tail).toEqual(shorter);
  });
});

describe('a frozen sensor', () => {
  it('is flagged by the robust detector and the default ensemble, causally', async () => {
    const points = seasonalPoints({ length: 4000, period: 288, noise: 2, seed: 3 });
    const at = 3500;
    for (let i = at; i < at + 20; i++) points[i] = [T0 + i * STEP_MS, points[at]![1]];
    for (const id of ['robust', undefined] as const) {
      const { series } = await scoreSeries(points, { detector: id && { id }, causal: true });
      const frozen = series.anomaly.slice(at, at + 20);
      expect(frozen.some(Boolean)).toBe(true);
      expect(series.anomaly.slice(3000, at).filter(Boolean).length).toBeLessThan(5);
    }
  });
});
