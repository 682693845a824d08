import { withoutAnomalousTargets } from './anomaly-skip';
import type { TrainingWindows } from './windows';

/** Windows of two inputs each: xs = [k, −k], target k % 3 (misses 0, 1, 2 against a forecast of 0). */
function windows(count: number): TrainingWindows {
  const xs = Float32Array.from({ length: 2 * count }, (_, j) => (j % 2 === 0 ? j / 2 : -(j - 1) / 2));
  const ys = Float32Array.from({ length: count }, (_, k) => k % 3);
  return { xs, ys, count };
}

describe('withoutAnomalousTargets', () => {
  it('drops the windows whose target the forecast missed by more than limit × the robust σ', () => {
    const all = windows(30);
    all.ys[7] = 40;
    const predicted = new Float32Array(30);
    const kept = withoutAnomalousTargets(all, predicted, 2, 4);
    expect(kept.count).toBe(29);
    expect(Array.from(kept.ys)).not.toContain(40);
    // the windows after the dropped one keep their own inputs
    expect(Array.from(kept.xs.subarray(14, 16))).toEqual([8, -8]);
    expect(Array.from(kept.xs.subarray(12, 14))).toEqual([6, -6]);
  });

  it('keeps every window with limit 0, or when no miss stands out', () => {
    const all = windows(30);
    all.ys[7] = 40;
    const predicted = new Float32Array(30);
    expect(withoutAnomalousTargets(all, predicted, 2, 0)).toBe(all);
    expect(withoutAnomalousTargets(windows(30), predicted, 2, 4).count).toBe(30);
  });

  it('uses the mean miss when most misses are 0', () => {
    const all = { xs: new Float32Array(40), ys: new Float32Array(20), count: 20 };
    all.ys[3] = 1;
    all.ys[9] = 1;
    all.ys[15] = 30;
    // mean miss 1.6 → σ 2.0: the miss of 30 goes, the misses of 1 stay
    const kept = withoutAnomalousTargets(all, new Float32Array(20), 2, 4);
    expect(kept.count).toBe(19);
    expect(Array.from(kept.ys).filter((y) => y === 1)).toHaveLength(2);
  });
});
