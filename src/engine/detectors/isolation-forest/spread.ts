import type { BaselineResiduals } from './features';

export interface SpreadOptions {
  /** Past points whose residuals set the spread. */
  window: number;
  /** Known residuals needed in the window before a spread is given. */
  minResiduals: number;
  /** Lower bound, so a perfectly flat series still gets a finite band. */
  minSpread: number;
}

export const DEFAULT_SPREAD_OPTIONS: SpreadOptions = { window: 400, minResiduals: 24, minSpread: 1e-9 };

/**
 * Robust σ of the finite residuals at points [i − window, i), for i in [from, to): the larger of
 * 1.4826 × median |r| and half the σ implied by mean |r| (so quantised data never gets σ = 0).
 * The window is defined by position and its statistics are taken from a sorted copy, so the
 * result for a point does not depend on where the range starts. Needs base.start ≤ max(0, from − window).
 */
export function rollingSpread(
  base: BaselineResiduals,
  from: number,
  to: number,
  options: SpreadOptions,
): Float64Array {
  const { window, minResiduals, minSpread } = options;
  if (base.start > Math.max(0, from - window)) {
    throw new RangeError(`residuals start at ${base.start}, the spread from ${from} needs ${from - window}`);
  }
  const spread = new Float64Array(to - from).fill(Number.NaN);
  const sorted = new Float64Array(window);
  let size = 0;
  const absAt = (j: number) => Math.abs(base.residual[j - base.start]!);
  for (let i = Math.max(base.start, from - window); i < to; i++) {
    if (i >= from && size >= minResiduals) {
      const mid = size >> 1;
      const median = size % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      let sum = 0;
      for (let k = 0; k < size; k++) sum += sorted[k]!;
      spread[i - from] = Math.max(1.4826 * median, 0.5 * 1.2533 * (sum / size), minSpread);
    }
    // Slide the window from [i − window, i) to [i + 1 − window, i + 1).
    const leaving = i - window;
    if (leaving >= base.start && Number.isFinite(absAt(leaving))) size = remove(sorted, size, absAt(leaving));
    if (Number.isFinite(absAt(i))) size = insert(sorted, size, absAt(i));
  }
  return spread;
}

function lowerBound(sorted: Float64Array, size: number, value: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insert(sorted: Float64Array, size: number, value: number): number {
  const at = lowerBound(sorted, size, value);
  sorted.copyWithin(at + 1, at, size);
  sorted[at] = value;
  return size + 1;
}

function remove(sorted: Float64Array, size: number, value: number): number {
  const at = lowerBound(sorted, size, value);
  sorted.copyWithin(at, at + 1, size);
  return size - 1;
}
