import { seededRandom } from '../../random';
import {
  chooseThreshold,
  type DynamicThreshold,
  thresholdedScores,
  thresholdLookback,
} from './dynamic-threshold';

const threshold: DynamicThreshold = {
  history: 200,
  step: 20,
  pruneFraction: 0.13,
  belowShare: 1,
  mode: 'ratio',
};

/** Uniform errors in [0, 1), seeded. */
function noise(length: number, seed = 7): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length }, () => random());
}

describe('chooseThreshold', () => {
  it('puts the threshold between the bulk of the errors and a few large ones', () => {
    const errors = noise(500);
    errors[100] = 9;
    errors[300] = 12;
    const { epsilon, normalMax } = chooseThreshold(errors, 0);
    expect(epsilon).toBeGreaterThan(1);
    expect(epsilon).toBeLessThan(9);
    expect(normalMax).toBeLessThan(1);
    expect(normalMax).toBeGreaterThan(0.9);
  });

  it('keeps the threshold above the bulk when nothing stands out', () => {
    const errors = noise(500);
    const { epsilon } = chooseThreshold(errors, 0);
    expect(epsilon).toBeGreaterThan(1);
  });

  it('never goes below the floor, and has no threshold without enough history', () => {
    expect(chooseThreshold(new Float64Array(100), 0.5).epsilon).toBe(0.5);
    expect(chooseThreshold(noise(10), 0).epsilon).toBeNaN();
  });

  it('skips gaps', () => {
    const errors = noise(500);
    const withGaps = errors.slice();
    withGaps.fill(Number.NaN, 200, 260);
    const kept = Float64Array.from([...errors.subarray(0, 200), ...errors.subarray(260)]);
    expect(chooseThreshold(withGaps, 0).normalMax).toBe(chooseThreshold(kept, 0).normalMax);
  });
});

describe('thresholdedScores', () => {
  const errors = noise(600);

  it('scores an anomaly error / threshold and a normal point at most belowShare', () => {
    const spiked = errors.slice();
    spiked[450] = 10;
    const raw = thresholdedScores(spiked, 0, 0, 600, threshold, 0);
    const { epsilon } = chooseThreshold(spiked.subarray(440 - 200, 440), 0);
    expect(raw[450]).toBeCloseTo(10 / epsilon, 12);
    expect(raw[450]).toBeGreaterThan(1);
    const half = thresholdedScores(spiked, 0, 0, 600, { ...threshold, belowShare: 0.5 }, 0);
    for (const k of [300, 449, 451]) expect(half[k]).toBeLessThanOrEqual(0.5);
  });

  it('prunes an error barely above the highest normal error of its history', () => {
    // heavy-tailed errors: some block's threshold sits just above its largest normal error
    const random = seededRandom(2);
    const heavy = Float64Array.from({ length: 2000 }, () => -Math.log(1 - random()));
    let block = threshold.history;
    let chosen = chooseThreshold(heavy.subarray(block - threshold.history, block), 0);
    while (chosen.normalMax < 0.95 * chosen.epsilon && block + threshold.step < 2000) {
      block += threshold.step;
      chosen = chooseThreshold(heavy.subarray(block - threshold.history, block), 0);
    }
    expect(chosen.normalMax).toBeGreaterThanOrEqual(0.95 * chosen.epsilon);
    const weak = heavy.slice();
    weak[block] = chosen.epsilon * 1.01;
    const pruned = thresholdedScores(weak, 0, block, block + 1, threshold, 0);
    expect(pruned[0]).toBe(1);
    const unpruned = thresholdedScores(weak, 0, block, block + 1, { ...threshold, pruneFraction: 0 }, 0);
    expect(unpruned[0]).toBeCloseTo(1.01, 12);
  });

  it("keeps an anomaly's own raw score in the 'gate' mode, and shrinks the rest", () => {
    const spiked = errors.slice();
    spiked[450] = 10;
    const base = Float64Array.from({ length: 600 }, (_, i) => i);
    const gate = { ...threshold, mode: 'gate' as const, belowShare: 0.5 };
    const raw = thresholdedScores(spiked, 0, 0, 600, gate, 0, base);
    expect(raw[450]).toBe(450);
    expect(raw[449]).toBe(449 * 0.5);
  });

  it('scores a range exactly as the same points of the whole series, given the lookback', () => {
    const whole = thresholdedScores(errors, 0, 0, 600, threshold, 0);
    const from = 433;
    const first = from - thresholdLookback(threshold);
    const part = thresholdedScores(errors.subarray(first), first, from, 600, threshold, 0);
    expect(Array.from(part)).toEqual(Array.from(whole.subarray(from)));
  });

  it('does not look at the future', () => {
    const whole = thresholdedScores(errors, 0, 0, 600, threshold, 0);
    const changed = errors.slice();
    changed.fill(50, 517);
    const after = thresholdedScores(changed, 0, 0, 600, threshold, 0);
    expect(Array.from(after.subarray(0, 517))).toEqual(Array.from(whole.subarray(0, 517)));
    expect(after[517]).not.toBe(whole[517]);
  });
});
