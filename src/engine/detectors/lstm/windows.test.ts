import { robustLocationScale } from './robust';
import {
  FilledSeries,
  forecastablePoints,
  lookback,
  trainingTargets,
  trainingWindows,
  type WindowShape,
  writeWindow,
} from './windows';

const identity = { center: 0, scale: 1 };
const plain: WindowShape = { window: 3, channels: 1, period: null, clip: 100 };

describe('robustLocationScale', () => {
  it.each([
    { name: 'median and MAD σ', values: [1, 2, 3, 4, 100], center: 3, scale: 1.4826 },
    {
      name: 'IQR σ when the MAD is 0',
      values: [1, 2, 3, 5, 5, 5, 5, 5, 5, 8, 9],
      center: 5,
      scale: 1 / 1.349,
    },
    {
      name: 'standard deviation when MAD and IQR are 0',
      values: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11],
      center: 0,
      scale: Math.sqrt(10),
    },
    { name: '1 for a constant series', values: [7, 7, 7], center: 7, scale: 1 },
    { name: 'gaps ignored', values: [Number.NaN, 1, 2, 3, Number.NaN], center: 2, scale: 1.4826 },
  ])('$name', ({ values, center, scale }) => {
    const result = robustLocationScale(values);
    expect(result.center).toBe(center);
    expect(result.scale).toBeCloseTo(scale, 10);
  });
});

describe('FilledSeries', () => {
  const values = Float64Array.from([Number.NaN, 2, Number.NaN, Number.NaN, 5, Number.NaN]);

  it('fills gaps with the last known value and leaves the start before any value unknown', () => {
    const filled = new FilledSeries(values, 0, 6, { center: 1, scale: 2 });
    expect([0, 1, 2, 3, 4, 5].map((j) => filled.at(j))).toEqual([Number.NaN, 0.5, 0.5, 0.5, 2, 2]);
  });

  it('gives the same values whatever index it starts at', () => {
    const whole = new FilledSeries(values, 0, 6, identity);
    const late = new FilledSeries(values, 3, 6, identity);
    expect([3, 4, 5].map((j) => late.at(j))).toEqual([3, 4, 5].map((j) => whole.at(j)));
  });
});

describe('writeWindow', () => {
  it('writes values relative to the last one before the target, clipped', () => {
    const values = Float64Array.from([10, 0, 4, 6, 99]);
    const filled = new FilledSeries(values, 0, 5, identity);
    const out = new Float32Array(3);
    const last = writeWindow(filled, { ...plain, clip: 5 }, 4, out, 0);
    expect(last).toBe(6);
    expect(Array.from(out)).toEqual([-5, -2, 0]);
  });

  it('puts the value one season before the target last in the seasonal channel', () => {
    const values = Float64Array.from({ length: 12 }, (_, j) => j * j);
    const shape: WindowShape = { window: 2, channels: 2, period: 5, clip: 1000 };
    const filled = new FilledSeries(values, 0, 12, identity);
    const out = new Float32Array(4);
    writeWindow(filled, shape, 10, out, 0);
    // steps read values 8, 9 (channel 0) and 4, 5 (channel 1), all relative to value 9 = 81
    expect(Array.from(out)).toEqual([64 - 81, 16 - 81, 81 - 81, 25 - 81]);
    expect(lookback(shape)).toBe(6);
  });
});

describe('trainingWindows', () => {
  it('never uses a gap as a target and keeps the most recent windows', () => {
    const values = Float64Array.from([1, 2, 3, 4, Number.NaN, 6, 7, 8, Number.NaN, 10]);
    const targets = trainingTargets(values, 10, plain, 100);
    expect(targets).toEqual([3, 5, 6, 7, 9]);
    const all = trainingWindows(values, 10, targets, plain, identity);
    // targets 3, 5, 6, 7, 9 (4 and 8 are gaps); target 3's window is [1, 2, 3]
    expect(all.count).toBe(5);
    expect(Array.from(all.ys)).toEqual([4 - 3, 6 - 4, 7 - 6, 8 - 7, 10 - 8]);
    expect(Array.from(all.xs.subarray(0, 3))).toEqual([-2, -1, 0]);
    const recent = trainingWindows(values, 10, trainingTargets(values, 10, plain, 2), plain, identity);
    expect(Array.from(recent.ys)).toEqual([8 - 7, 10 - 8]);
    expect(recent.xs.length).toBe(2 * 3);
  });

  it('reads nothing at or after `end`', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6, 1000]);
    const windows = trainingWindows(values, 6, trainingTargets(values, 6, plain, 100), plain, identity);
    expect(Array.from(windows.ys)).toEqual([1, 1, 1]);
    expect(Math.max(...windows.xs)).toBe(0);
  });
});

describe('forecastablePoints', () => {
  it('skips gaps and points without a full window after the first known value', () => {
    const values = Float64Array.from([Number.NaN, 1, 2, 3, 4, Number.NaN, 6]);
    const filled = new FilledSeries(values, 0, 7, identity);
    expect(forecastablePoints(values, filled, plain, 0, 7)).toEqual([4, 6]);
  });
});
