/** Significant digits of the series' largest magnitude that expected, lower and upper keep. */
export const BAND_DIGITS = 7;

/**
 * Rounds band values to `BAND_DIGITS` significant digits of `magnitude` (the series' largest
 * |value|): a ten-millionth of its scale, far below what a panel can show, where the full
 * 17 digits of a computed band are noise that only makes every response larger and slower to
 * write and to read. Rounds to a whole power of ten, so the numbers print short.
 */
export function bandRounder(magnitude: number): (value: number) => number {
  if (!(magnitude > 0 && Number.isFinite(magnitude))) return (value) => value;
  const decimals = BAND_DIGITS - 1 - Math.floor(Math.log10(magnitude));
  // Past 10^22 powers of ten are not exact doubles: such series keep their digits.
  if (Math.abs(decimals) > 22) return (value) => value;
  const keepIfFinite = (value: number, rounded: number) => (Number.isFinite(rounded) ? rounded : value);
  if (decimals >= 0) {
    const factor = 10 ** decimals;
    return (value) => keepIfFinite(value, Math.round(value * factor) / factor);
  }
  const step = 10 ** -decimals;
  return (value) => keepIfFinite(value, Math.round(value / step) * step);
}

/** The largest finite |value|, 0 when there is none. */
export function largestMagnitude(values: ArrayLike<number>): number {
  let largest = 0;
  for (let k = 0; k < values.length; k++) {
    const magnitude = Math.abs(values[k]!);
    if (magnitude > largest && magnitude !== Number.POSITIVE_INFINITY) largest = magnitude;
  }
  return largest;
}
