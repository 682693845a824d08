/**
 * Turns a series into forecaster inputs. Plain typed arrays only; tensors are made by the callers.
 *
 * The input for target point i is a window of W steps. Values are normalised with the training
 * data's robust location/scale, gaps are filled with the last known value (never a target), and
 * each step is taken relative to the last known value before i, so the model forecasts a change and
 * a level shift outside the training range does not saturate it. Channel 0 of step t holds value
 * j = i − W + t; the optional seasonal channel 1 holds value j + 1 − P, so its last step is the
 * value exactly one season P before the target. Inputs are clipped to ±clip.
 */
export interface WindowShape {
  window: number;
  /** 1, or 2 with the seasonal channel. */
  channels: 1 | 2;
  /** Season length in steps when channels is 2, else null. */
  period: number | null;
  clip: number;
  /**
   * With the seasonal channel: forecast relative to the last value plus the step the series took
   * one season earlier (the seasonal-naive forecast), so a pattern that repeats exactly, sharp
   * steps included, is forecast before the model has learned anything. Absent means false.
   */
  seasonalBaseline?: boolean;
  /**
   * The series is a remainder around zero (remainder.ts): inputs and target are its normalised
   * values themselves, not changes from the last value. Absent means false.
   */
  remainder?: boolean;
}

export interface Normalisation {
  center: number;
  scale: number;
}

/** How many points before a target its window reads: values [i − lookback, i). */
export function lookback(shape: WindowShape): number {
  return shape.window + (shape.channels === 2 && shape.period !== null ? shape.period - 1 : 0);
}

/**
 * Normalised values of [start, end) with gaps filled by the last known value at or before each
 * index (looking before `start` if needed); NaN until the first known value. Depends only on
 * values[≤ j] at index j, so it is the same whatever range it is built for.
 */
export class FilledSeries {
  readonly start: number;
  private readonly filled: Float64Array;

  constructor(values: Float64Array, start: number, end: number, normalisation: Normalisation) {
    this.start = start;
    this.filled = new Float64Array(Math.max(0, end - start));
    let carry = lastKnownBefore(values, start);
    for (let j = start; j < end; j++) {
      const value = values[j]!;
      if (!Number.isNaN(value)) carry = value;
      this.filled[j - start] = (carry - normalisation.center) / normalisation.scale;
    }
  }

  /** Filled, normalised value at index j (start ≤ j < end). */
  at(j: number): number {
    return this.filled[j - this.start]!;
  }
}

function lastKnownBefore(values: Float64Array, index: number): number {
  for (let j = index - 1; j >= 0; j--) {
    if (!Number.isNaN(values[j]!)) return values[j]!;
  }
  return Number.NaN;
}

/** Whether point i has a full window: its oldest input is at or after the first known value. */
export function hasWindow(filled: FilledSeries, shape: WindowShape, i: number): boolean {
  const oldest = i - lookback(shape);
  return oldest >= filled.start && !Number.isNaN(filled.at(oldest));
}

/**
 * Writes point i's window into `out` at `offset` as W × channels floats (row-major [W, channels])
 * and returns the normalised reference the forecast is a change from: the last known value, plus
 * the seasonal step with `seasonalBaseline`; 0 for a remainder.
 */
export function writeWindow(
  filled: FilledSeries,
  shape: WindowShape,
  i: number,
  out: Float32Array,
  offset: number,
): number {
  const { window, channels, clip } = shape;
  const last = shape.remainder ? 0 : filled.at(i - 1);
  const seasonalLag = (shape.period ?? 1) - 1;
  for (let t = 0; t < window; t++) {
    const j = i - window + t;
    out[offset + t * channels] = clamp(filled.at(j) - last, clip);
    if (channels === 2) out[offset + t * channels + 1] = clamp(filled.at(j - seasonalLag) - last, clip);
  }
  if (channels !== 2 || !shape.seasonalBaseline || shape.period === null || shape.remainder) return last;
  return last + clamp(filled.at(i - shape.period) - filled.at(i - 1 - shape.period), clip);
}

function clamp(value: number, limit: number): number {
  return Math.min(limit, Math.max(-limit, value));
}

/** Training windows: xs is [count, W, channels] row-major, ys is [count] (change from the reference). */
export interface TrainingWindows {
  xs: Float32Array;
  ys: Float32Array;
  count: number;
}

/**
 * Targets of the most recent `maxWindows` training windows of [0, end), oldest first: known points
 * (a gap is never a target) with a full window.
 */
export function trainingTargets(
  values: Float64Array,
  end: number,
  shape: WindowShape,
  maxWindows: number,
): number[] {
  const filled = new FilledSeries(values, 0, end, { center: 0, scale: 1 });
  const targets: number[] = [];
  for (let i = end - 1; i >= lookback(shape) && targets.length < maxWindows; i--) {
    if (!Number.isNaN(values[i]!) && hasWindow(filled, shape, i)) targets.push(i);
  }
  return targets.reverse();
}

/** The training windows of the given targets (all before `end`). */
export function trainingWindows(
  values: Float64Array,
  end: number,
  targets: readonly number[],
  shape: WindowShape,
  normalisation: Normalisation,
): TrainingWindows {
  const filled = new FilledSeries(values, 0, end, normalisation);
  const stride = shape.window * shape.channels;
  const xs = new Float32Array(targets.length * stride);
  const ys = new Float32Array(targets.length);
  targets.forEach((i, k) => {
    const reference = writeWindow(filled, shape, i, xs, k * stride);
    ys[k] = (values[i]! - normalisation.center) / normalisation.scale - reference;
  });
  return { xs, ys, count: targets.length };
}

/** Known points of [from, to) that have a full window: the points a forecast is made for. */
export function forecastablePoints(
  values: Float64Array,
  filled: FilledSeries,
  shape: WindowShape,
  from: number,
  to: number,
): number[] {
  const points: number[] = [];
  for (let i = Math.max(from, lookback(shape)); i < to; i++) {
    if (!Number.isNaN(values[i]!) && hasWindow(filled, shape, i)) points.push(i);
  }
  return points;
}
