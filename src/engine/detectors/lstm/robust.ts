/** Median of the finite numbers in `values` (NaN when there are none). Does not modify its input. */
export function median(values: ArrayLike<number>): number {
  const finite = Float64Array.from(values).filter(Number.isFinite).sort();
  return sortedQuantile(finite, 0.5);
}

/** Linear-interpolated quantile q of an ascending array (NaN when empty). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below]!;
  return low + (sorted[above]! - low) * (position - below);
}

/** Normal-consistency factor: σ ≈ 1.4826 × median |x − median| for Gaussian data. */
export const MAD_TO_SIGMA = 1.4826;
/** σ ≈ IQR / 1.349 for Gaussian data. */
const IQR_TO_SIGMA = 1 / 1.349;

/**
 * Robust location and scale of the finite values: median and MAD (as σ), falling back to the IQR
 * and then the standard deviation when the MAD is 0 (mostly-constant series), and to 1 when the
 * data is constant, so that dividing by the scale is always safe.
 */
export function robustLocationScale(values: ArrayLike<number>): { center: number; scale: number } {
  const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
  if (sorted.length === 0) return { center: 0, scale: 1 };
  const center = sortedQuantile(sorted, 0.5);
  const deviations = sorted.map((value) => Math.abs(value - center)).sort();
  const candidates = [
    MAD_TO_SIGMA * sortedQuantile(deviations, 0.5),
    IQR_TO_SIGMA * (sortedQuantile(sorted, 0.75) - sortedQuantile(sorted, 0.25)),
    standardDeviation(sorted),
  ];
  const scale = candidates.find((candidate) => candidate > 0 && Number.isFinite(candidate)) ?? 1;
  return { center, scale };
}

function standardDeviation(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return Math.sqrt(squares / values.length);
}
