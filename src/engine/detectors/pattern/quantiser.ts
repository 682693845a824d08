/** Levels a value may fall outside the learned range and still get its own symbol. */
export const OUTSIDE_LEVELS = 64;

/** Coarse levels of a value: `levels` equal bins over the range learned at fit, open at both ends. */
export interface Quantiser {
  low: number;
  width: number;
  levels: number;
}

/** Symbols one quantiser can give: the levels, `OUTSIDE_LEVELS` on each side, and the gap. */
export function symbolCount(quantiser: Quantiser): number {
  return quantiser.levels + 2 * OUTSIDE_LEVELS + 1;
}

/** Learns the bins from the finite values in [0, end): the range between their min and max. */
export function fitQuantiser(values: Float64Array, end: number, levels: number): Quantiser {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < end; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return { low: 0, width: 1, levels };
  const span = max - min;
  const width = span > 0 ? span / levels : Math.max(Math.abs(min), 1) * 1e-3;
  return { low: min, width, levels };
}

/** The symbol of a value: 0 for a gap, then the levels in order (outliers clamped far out). */
export function symbolOf(quantiser: Quantiser, value: number): number {
  if (Number.isNaN(value)) return 0;
  const level = Math.floor((value - quantiser.low) / quantiser.width);
  const clamped = Math.min(Math.max(level, -OUTSIDE_LEVELS), quantiser.levels - 1 + OUTSIDE_LEVELS);
  return clamped + OUTSIDE_LEVELS + 1;
}
