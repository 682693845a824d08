import { MAD_TO_SIGMA, median } from './robust';
import type { TrainingWindows } from './windows';

/**
 * The training windows whose target the previous model already forecast well: a window is dropped
 * when its miss |y − ŷ| exceeds `limit` × the robust σ of all the misses (1.4826 × median, or
 * 1.2533 × mean when the median is 0). What telemanom gets from removing known anomalies before
 * training, without labels: a refit does not learn an incident the last fit found anomalous.
 * `predicted[k]` is the previous model's forecast for window k. `limit` 0 keeps every window.
 */
export function withoutAnomalousTargets(
  windows: TrainingWindows,
  predicted: Float32Array,
  stride: number,
  limit: number,
): TrainingWindows {
  if (limit <= 0 || windows.count === 0) return windows;
  const misses = Float64Array.from({ length: windows.count }, (_, k) =>
    Math.abs(windows.ys[k]! - predicted[k]!),
  );
  let total = 0;
  for (const miss of misses) total += miss;
  const sigma = MAD_TO_SIGMA * median(misses) || 1.2533 * (total / misses.length);
  if (!(sigma > 0)) return windows;
  const kept = [...misses.keys()].filter((k) => misses[k]! <= limit * sigma);
  if (kept.length === windows.count) return windows;
  const xs = new Float32Array(kept.length * stride);
  const ys = new Float32Array(kept.length);
  kept.forEach((k, j) => {
    xs.set(windows.xs.subarray(k * stride, (k + 1) * stride), j * stride);
    ys[j] = windows.ys[k]!;
  });
  return { xs, ys, count: kept.length };
}
