import { seededRandom } from '../../test-support';
import { StepResolution } from './step-resolution';

function zeroInflated(length: number, burstShare: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length }, () => (random() < burstShare ? Math.ceil(random() * 8) / 8 : 0));
}

describe('StepResolution', () => {
  it('is the median of the non-zero steps, ignoring the steps of a series resting in place', () => {
    const tracker = new StepResolution(64, 1000);
    observeAll(tracker, [0, 0, 1, 0, 0, 1, 0, 0, 5, 0, 0, 0]);
    expect(tracker.scaleAt(12)).toBe(1);
  });

  it('is 0 for a series that never moved, and forgets steps older than its horizon', () => {
    const tracker = new StepResolution(64, 10);
    observeAll(tracker, [5, 5, 5, 7]);
    expect(tracker.scaleAt(4)).toBe(2);
    for (let i = 4; i < 14; i++) tracker.observe(i, 7);
    expect(tracker.scaleAt(14)).toBe(0);
    expect(new StepResolution(64, 10).scaleAt(0)).toBe(0);
  });

  it('keeps only its last `memory` steps', () => {
    const tracker = new StepResolution(3, 1000);
    observeAll(tracker, [0, 10, 0, 1, 0, 1, 0]);
    expect(tracker.scaleAt(7)).toBe(1);
  });

  it('skips steps into or out of a gap', () => {
    const tracker = new StepResolution(64, 1000);
    observeAll(tracker, [1, Number.NaN, 9, 9, 10]);
    expect(tracker.scaleAt(5)).toBe(1);
  });

  it.each([
    ['memory fills first', 8, 400],
    ['the horizon binds first', 64, 150],
  ])(
    'primed at any point, holds what a tracker that saw the whole series holds (%s)',
    (_, memory, horizon) => {
      const values = zeroInflated(3000, 0.03, 7);
      values[1200] = Number.NaN;
      const whole = new StepResolution(memory, horizon);
      for (let i = 0; i < values.length; i++) {
        if (i % 97 === 0) {
          expect(StepResolution.before(values, i, memory, horizon).scaleAt(i)).toBe(whole.scaleAt(i));
        }
        whole.observe(i, values[i]!);
      }
      expect(whole.scaleAt(values.length)).toBeGreaterThan(0);
    },
  );
});

function observeAll(tracker: StepResolution, values: number[]): void {
  for (const [i, v] of values.entries()) tracker.observe(i, v);
}
