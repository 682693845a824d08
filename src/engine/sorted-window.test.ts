import { SortedWindow } from './sorted-window';
import { seededRandom } from './test-support';

/** Linear-interpolation quantile of a plain array, the reference SortedWindow must match. */
function referenceQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 1];

describe('SortedWindow', () => {
  it.each([
    { capacity: 1, pushes: 50, seed: 1, ties: false },
    { capacity: 7, pushes: 300, seed: 2, ties: false },
    { capacity: 64, pushes: 500, seed: 3, ties: true },
    { capacity: 500, pushes: 300, seed: 4, ties: true },
    // Past two blocks (256 values), with evictions: blocks split, drain and disappear.
    { capacity: 700, pushes: 2500, seed: 5, ties: true },
    { capacity: 1000, pushes: 3000, seed: 6, ties: false },
  ])(
    'matches a brute-force window (capacity $capacity, $pushes pushes, ties $ties)',
    ({ capacity, pushes, seed, ties }) => {
      const random = seededRandom(seed);
      const window = new SortedWindow(capacity);
      const pushed: number[] = [];
      for (let k = 0; k < pushes; k++) {
        const value = ties ? Math.floor(random() * 10) : (random() - 0.5) * 1e3;
        window.push(value);
        pushed.push(value);
        const live = pushed.slice(-capacity);
        expect(window.length).toBe(live.length);
        for (const q of QUANTILES) expect(window.quantile(q)).toBe(referenceQuantile(live, q));
        expect(window.median()).toBe(window.quantile(0.5));
        const probe = live[Math.floor(random() * live.length)]! + (random() < 0.5 ? 0 : 0.5);
        const atLeast = live.filter((v) => v >= probe);
        expect(window.countAtLeast(probe)).toBe(atLeast.length);
        expect(window.mean()).toBeCloseTo(live.reduce((s, v) => s + v, 0) / live.length, 6);
        expect(window.toArray()).toEqual(live);
      }
    },
  );

  it.each([
    { name: 'part filled', pushes: 5, drops: 0 },
    { name: 'full', pushes: 8, drops: 0 },
    { name: 'wrapped around', pushes: 11, drops: 0 },
    { name: 'wrapped, then emptied a little', pushes: 13, drops: 3 },
  ])('copies as it is ($name): the same answers, then each its own', ({ pushes, drops }) => {
    const random = seededRandom(pushes);
    const window = new SortedWindow(8);
    for (let k = 0; k < pushes; k++) window.push(Math.floor(random() * 100));
    for (let k = 0; k < drops; k++) window.dropOldest();
    const copy = window.copy();
    expect(copy.toArray()).toEqual(window.toArray());
    for (const q of QUANTILES) expect(copy.quantile(q)).toBe(window.quantile(q));
    expect(copy.mean()).toBe(window.mean());
    const before = window.toArray();
    for (let k = 0; k < 6; k++) copy.push(1000 + k);
    expect(window.toArray()).toEqual(before);
    const same = SortedWindow.of(8, [...before, 1000, 1001, 1002, 1003, 1004, 1005]);
    expect(copy.toArray()).toEqual(same.toArray());
    for (const q of QUANTILES) expect(copy.quantile(q)).toBe(same.quantile(q));
  });

  it('evicts the oldest value, not the smallest or largest', () => {
    const window = new SortedWindow(3);
    for (const value of [5, 1, 9, 3]) window.push(value);
    expect(window.toArray()).toEqual([1, 9, 3]);
    expect(window.quantile(0)).toBe(1);
    expect(window.quantile(1)).toBe(9);
    window.push(0);
    expect(window.toArray()).toEqual([9, 3, 0]);
    expect(window.quantile(0)).toBe(0);
  });

  it('drops its oldest value on request, keeping the rest in order and in sequence', () => {
    const window = new SortedWindow(4);
    for (const v of [5, 1, 5, 3, 2]) window.push(v);
    window.dropOldest();
    expect(window.toArray()).toEqual([5, 3, 2]);
    expect([0, 1, 2].map((k) => window.nth(k))).toEqual([2, 3, 5]);
    window.push(4);
    expect(window.toArray()).toEqual([5, 3, 2, 4]);
    expect(window.mean()).toBe(3.5);
    for (let k = 0; k < 5; k++) window.dropOldest();
    expect(window.length).toBe(0);
  });

  it('evicts exactly one copy of a repeated value', () => {
    const window = new SortedWindow(3);
    for (const value of [1, 1, 1, 2]) window.push(value);
    expect(window.toArray()).toEqual([1, 1, 2]);
    expect(window.countAtLeast(1)).toBe(3);
    expect(window.countAtLeast(2)).toBe(1);
  });

  it('answers NaN / 0 when empty', () => {
    const window = new SortedWindow(4);
    expect(window.length).toBe(0);
    expect(window.quantile(0.5)).toBeNaN();
    expect(window.median()).toBeNaN();
    expect(window.mean()).toBeNaN();
    expect(window.countAtLeast(0)).toBe(0);
    expect(window.toArray()).toEqual([]);
  });

  it('counts values at or above a probe, inclusively', () => {
    const window = new SortedWindow(10);
    for (const value of [1, 2, 2, 3]) window.push(value);
    expect(window.countAtLeast(2)).toBe(3);
    expect(window.countAtLeast(2.5)).toBe(1);
    expect(window.countAtLeast(-Infinity)).toBe(4);
    expect(window.countAtLeast(Infinity)).toBe(0);
    expect(window.mean()).toBeCloseTo(2, 12);
  });
});
