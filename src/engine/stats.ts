/** Small robust-statistics helpers over typed arrays. NaN entries are ignored everywhere. */

export function finiteValues(values: ArrayLike<number>, from = 0, to = values.length): Float64Array {
  const out: number[] = [];
  for (let i = Math.max(0, from); i < Math.min(to, values.length); i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) out.push(v);
  }
  return Float64Array.from(out);
}

/** Median of the finite values (NaN if there are none). Does not modify its input. */
export function median(values: ArrayLike<number>): number {
  const sorted = finiteValues(values).sort();
  return medianOfSorted(sorted);
}

export function medianOfSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from the median, scaled to estimate σ for normal data. */
export function madSigma(values: ArrayLike<number>): number {
  const finite = finiteValues(values);
  const center = median(finite);
  const deviations = finite.map((v) => Math.abs(v - center));
  return 1.4826 * median(deviations);
}

/** Location and scale for robust standardisation; scale never 0 (falls back to IQR/std, then 1). */
export function robustLocationScale(values: ArrayLike<number>): { center: number; scale: number } {
  const finite = finiteValues(values);
  if (finite.length === 0) return { center: 0, scale: 1 };
  const center = median(finite);
  let scale = madSigma(finite);
  if (!(scale > 0)) {
    const mean = finite.reduce((s, v) => s + v, 0) / finite.length;
    const variance = finite.reduce((s, v) => s + (v - mean) ** 2, 0) / finite.length;
    scale = Math.sqrt(variance);
  }
  if (!(scale > 0)) scale = Math.max(Math.abs(center) * 1e-3, 1e-9);
  return { center, scale };
}

/**
 * Median of values[0, count), sorting that prefix in place by insertion sort (the windows it is
 * used on hold a handful of values); NaN when count is 0.
 */
export function medianOfPrefix(values: Float64Array, count: number): number {
  if (count === 0) return Number.NaN;
  for (let a = 1; a < count; a++) {
    const v = values[a]!;
    let b = a - 1;
    while (b >= 0 && values[b]! > v) {
      values[b + 1] = values[b]!;
      b--;
    }
    values[b + 1] = v;
  }
  return medianOfSorted(values.subarray(0, count));
}
