import type { Points } from '@tidemark/core';

/** The index of the first point at or after `time` (points sorted by time). */
export function firstPointAt(points: Points, time: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The points of `points` (sorted by time) with `from <= time < to`. */
export function pointsBetween(points: Points, from: number, to: number): Points {
  return points.slice(firstPointAt(points, from), firstPointAt(points, to));
}
