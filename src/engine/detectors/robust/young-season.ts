import { medianOfPrefix } from '../../stats';

/**
 * How much the same phase of a season learnt only once or twice disagrees with itself: with two
 * past seasons, the gap between their values; with one, how far its value stood from its own
 * neighbours (a one-off spike or drop). 0 once three or more past seasons exist, whose median
 * already ignores a one-off, and without a period.
 *
 * A profile this young echoes whatever happened one season ago: a spike last week becomes this
 * week's expected value, and a quiet point is then scored as a drop. The robust detector falls
 * back to the recent level where this doubt is larger than a few spreads.
 */
export function youngSeasonDoubt(
  values: Float64Array,
  i: number,
  period: number | null,
  seasons: number,
): number {
  if (period === null) return 0;
  let first = Number.NaN;
  let firstAt = -1;
  let second = Number.NaN;
  let count = 0;
  for (let k = 1; k <= seasons && count < 3; k++) {
    const j = i - k * period;
    if (j < 0) break;
    const value = values[j]!;
    if (Number.isNaN(value)) continue;
    if (count === 0) {
      first = value;
      firstAt = j;
    } else if (count === 1) second = value;
    count++;
  }
  if (count === 2) return Math.abs(first - second);
  if (count === 1) return Math.abs(first - neighbourMedian(values, firstAt));
  return 0;
}

/**
 * An index from which every point of [from, to) has three past seasons of known values, so its
 * doubt is 0 and need not be computed: 3 periods in, later where missing values fall where a
 * season would be read.
 */
export function settledSeasonsFrom(
  values: Float64Array,
  period: number | null,
  seasons: number,
  from: number,
  to: number,
): number {
  if (period === null) return 0;
  let settled = 3 * period;
  for (let j = Math.max(0, from - seasons * period); j < to; j++) {
    if (Number.isNaN(values[j]!)) settled = Math.max(settled, j + seasons * period + 1);
  }
  return Math.min(settled, to);
}

/** The expected value without a season: the median of the last `levelWindow` values. */
export function recentLevel(
  values: Float64Array,
  i: number,
  levelWindow: number,
  scratch: Float64Array,
): number {
  let count = 0;
  for (let j = Math.max(0, i - levelWindow); j < i; j++)
    if (!Number.isNaN(values[j]!)) scratch[count++] = values[j]!;
  return medianOfPrefix(scratch, count);
}

const NEIGHBOURS = 2;

function neighbourMedian(values: Float64Array, at: number): number {
  const around = new Float64Array(2 * NEIGHBOURS);
  let count = 0;
  for (let d = -NEIGHBOURS; d <= NEIGHBOURS; d++) {
    const value = values[at + d];
    if (d !== 0 && value !== undefined && !Number.isNaN(value)) around[count++] = value;
  }
  return count === 0 ? values[at]! : medianOfPrefix(around, count);
}
