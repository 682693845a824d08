/** Deterministic synthetic data for the engine's tests (not part of the engine). */
import type { Point } from './prepare';

import { gaussian, seededRandom } from './random';

export { gaussian, seededRandom };

export const T0 = Date.UTC(2024, 0, 1);
export const STEP_MS = 300_000;

export interface SeasonalOptions {
  length: number;
  period: number;
  level?: number;
  amplitude?: number;
  noise?: number;
  seed?: number;
  /** Indexes whose value becomes null (gaps). */
  gaps?: readonly number[];
}

/** level + amplitude·sin(2πi/period) + noise·N(0,1), one point every STEP_MS from T0. */
export function seasonalPoints({
  length,
  period,
  level = 50,
  amplitude = 10,
  noise = 1,
  seed = 1,
  gaps = [],
}: SeasonalOptions): Array<[number, number | null]> {
  const normal = gaussian(seededRandom(seed));
  const gapSet = new Set(gaps);
  return Array.from({ length }, (_, i) => [
    T0 + i * STEP_MS,
    gapSet.has(i) ? null : level + amplitude * Math.sin((2 * Math.PI * i) / period) + noise * normal(),
  ]);
}

/** Adds `delta` to the values at [from, to). */
export function shifted(
  points: readonly Point[],
  from: number,
  to: number,
  delta: number,
): Array<[number, number | null]> {
  return points.map(([t, v], i) => [t, v !== null && i >= from && i < to ? v + delta : v]);
}

/** Index of the first k < length where the two arrays differ (Object.is), or -1. */
export function firstMismatch(a: ArrayLike<unknown>, b: ArrayLike<unknown>, length: number): number {
  for (let k = 0; k < length; k++) if (!Object.is(a[k], b[k])) return k;
  return -1;
}
