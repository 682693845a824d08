import type { SeriesView } from './detector';
import { EngineInputError } from './errors';

/** An input point: epoch milliseconds and a value (`null` or `NaN` = no value). */
export type Point = readonly [number, number | null];

/** A regularised series plus where each input point landed. */
export interface PreparedSeries extends SeriesView {
  /** For input point k (in input order), the slot it was aggregated into. */
  readonly slotOfPoint: Int32Array;
}

/** Refuses to build more slots than this (a tiny interval over a huge range). */
export const MAX_SLOTS = 5_000_000;

/**
 * Sorts, de-duplicates and regularises points onto a grid of `intervalMs` starting at the first
 * timestamp. Points in the same slot are averaged; empty slots become NaN gaps (never invented).
 */
export function prepareSeries(points: readonly Point[], intervalMs?: number): PreparedSeries {
  if (points.length === 0) throw new EngineInputError('the series is empty: send at least one point');
  validatePoints(points);
  const step = intervalMs ?? inferIntervalMs(points.map((p) => p[0]));
  if (!(step > 0) || !Number.isFinite(step)) {
    throw new EngineInputError(`interval must be a positive number of milliseconds, got ${step}`);
  }
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const [t] of points) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const slots = Math.floor((last - first) / step) + 1;
  if (slots > MAX_SLOTS) {
    throw new EngineInputError(
      `the range needs ${slots} intervals of ${step} ms (limit ${MAX_SLOTS}): use a larger interval or a shorter range`,
    );
  }
  const sums = new Float64Array(slots);
  const counts = new Uint32Array(slots);
  const slotOfPoint = new Int32Array(points.length);
  points.forEach(([t, v], k) => {
    const slot = Math.floor((t - first) / step);
    slotOfPoint[k] = slot;
    if (v !== null && !Number.isNaN(v)) {
      sums[slot]! += v;
      counts[slot]! += 1;
    }
  });
  const values = new Float64Array(slots);
  const times = new Float64Array(slots);
  for (let i = 0; i < slots; i++) {
    values[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : Number.NaN;
    times[i] = first + i * step;
  }
  return { values, times, intervalMs: step, slotOfPoint };
}

/**
 * Treats the points as a stream, one slot per point in input order (no sorting, no merging).
 * This is how causal scoring sees a feed: each point is scored when it arrives.
 */
export function streamSeries(points: readonly Point[], intervalMs?: number): PreparedSeries {
  if (points.length === 0) throw new EngineInputError('the series is empty: send at least one point');
  validatePoints(points);
  const step = intervalMs ?? inferIntervalMs(points.map((p) => p[0]));
  const values = Float64Array.from(points, ([, v]) => (v === null ? Number.NaN : v));
  const times = Float64Array.from(points, ([t]) => t);
  const slotOfPoint = Int32Array.from(points, (_, k) => k);
  return { values, times, intervalMs: step, slotOfPoint };
}

function validatePoints(points: readonly Point[]): void {
  points.forEach(([t, v], k) => {
    if (!Number.isFinite(t)) {
      throw new EngineInputError(
        `point ${k + 1} has timestamp ${t}: timestamps must be finite epoch milliseconds`,
      );
    }
    if (v !== null && !Number.isNaN(v) && !Number.isFinite(v)) {
      throw new EngineInputError(
        `point ${k + 1} has value ${v}: values must be finite numbers (send null for a missing value)`,
      );
    }
  });
}

/** The typical spacing of the timestamps: the median of the positive differences (1 s if none). */
export function inferIntervalMs(times: ArrayLike<number>): number {
  let sorted: ArrayLike<number> = times;
  for (let i = 1; i < times.length; i++) {
    if (times[i]! < times[i - 1]!) {
      sorted = Float64Array.from(times).sort();
      break;
    }
  }
  const diffs = new Float64Array(Math.max(0, sorted.length - 1));
  let count = 0;
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > 0) diffs[count++] = d;
  }
  if (count === 0) return 1000;
  const positive = diffs.subarray(0, count).sort();
  return positive[Math.floor(count / 2)]!;
}
