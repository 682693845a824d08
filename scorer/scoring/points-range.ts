import type { Points } from '@tidemark/core';

/** The first index in [0, length) whose time (`timeAt`, sorted ascending) is at or after `time`. */
function firstIndexAt(length: number, timeAt: (index: number) => number, time: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timeAt(mid) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the first point at or after `time` (points sorted by time). */
export function firstPointAt(points: Points, time: number): number {
  return firstIndexAt(points.length, (i) => points[i]![0], time);
}

/** The index of the first of `times` (sorted) at or after `time`. */
export function firstTimeAt(times: ArrayLike<number>, time: number): number {
  return firstIndexAt(times.length, (i) => times[i]!, time);
}

/** The points of `points` (sorted by time) with `from <= time < to`. */
export function pointsBetween(points: Points, from: number, to: number): Points {
  return points.slice(firstPointAt(points, from), firstPointAt(points, to));
}
