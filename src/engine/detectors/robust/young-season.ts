import { medianOfPrefix } from '../../stats';

/** What the seasonal profile read for one point: how many past seasons, the nearest one's index. */
export interface SeasonsRead {
  count: number;
  firstAt: number;
}

/**
 * How much the same phase of a season learnt only once or twice disagrees with itself: with two
 * past seasons, the gap between their values; with one, how far its value stood from its own
 * neighbours (a one-off spike or drop). 0 once three or more past seasons exist, whose median
 * already ignores a one-off, and without a period. `seasonValues` holds the values `read` counted.
 *
 * A profile this young echoes whatever happened one season ago: a spike last week becomes this
 * week's expected value, and a quiet point is then scored as a drop. The robust detector falls
 * back to the recent level where this doubt is larger than a few spreads.
 */
export function youngSeasonDoubt(
  values: Float64Array,
  read: SeasonsRead,
  seasonValues: Float64Array,
): number {
  if (read.count === 2) return Math.abs(seasonValues[0]! - seasonValues[1]!);
  if (read.count === 1) return Math.abs(values[read.firstAt]! - neighbourMedian(values, read.firstAt));
  return 0;
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
