import { medianOfPrefix, robustLocationScale } from '../../stats';
import { DEFAULT_BASELINE_OPTIONS, seasonalBaseline } from '../robust/baseline';

/**
 * Causal windowed features: the row for point i reads `values[j]` for j ≤ i only. Each row is
 * computed from scratch (no running sums), so it is bit-identical whatever range is asked for.
 */
export interface FeatureOptions {
  /** Recent points for the local residual median and spread (robust to a lone spike). */
  shortWindow: number;
  /** Longer stretch the local statistics are compared with. */
  longWindow: number;
  /** Past seasons combined by the seasonal baseline. */
  seasons: number;
  /** Recent points that set the baseline's level. */
  levelWindow: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  shortWindow: 6,
  longWindow: 96,
  // Pinned here rather than taken from the robust detector's defaults, so retuning that detector
  // does not silently change this one's features.
  seasons: 4,
  levelWindow: 12,
};

/** One line each; the column order of a feature row. */
export const FEATURE_NAMES = [
  // The value, robust-scaled by the training median and MAD: is the level itself unusual?
  'value',
  // Change from the last known value (within the short window), same scale: sudden jumps.
  'diff',
  // Value minus the seasonal baseline, in training residual σ: spikes and dips for the time of day.
  'residual',
  // Median residual over the short window minus the mean over the long one: shifts the baseline lags.
  'residualMean',
  // log of the residuals' robust σ (MAD) over the short window over their σ over the long one: volatility bursts.
  'volatility',
] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Location and scales learned at fit time and frozen, so scoring never looks at the future. */
export interface FeatureScaling {
  center: number;
  scale: number;
  residualScale: number;
}

/** Seasonal-baseline expected values and residuals (value − expected) for points [start, to). */
export interface BaselineResiduals {
  start: number;
  expected: Float64Array;
  residual: Float64Array;
}

export function baselineResiduals(
  values: Float64Array,
  start: number,
  to: number,
  period: number | null,
  options: FeatureOptions,
): BaselineResiduals {
  const baselineOptions = {
    ...DEFAULT_BASELINE_OPTIONS,
    seasons: options.seasons,
    levelWindow: options.levelWindow,
  };
  const expected = seasonalBaseline(values, start, to, period, baselineOptions);
  const residual = new Float64Array(to - start);
  for (let i = start; i < to; i++) residual[i - start] = values[i]! - expected[i - start]!;
  return { start, expected, residual };
}

/** The robust location/scale of the values and of the residuals in [0, end). */
export function learnScaling(values: Float64Array, end: number, base: BaselineResiduals): FeatureScaling {
  const { center, scale } = robustLocationScale(values.subarray(0, end));
  const residuals = base.residual.subarray(0, Math.max(0, end - base.start));
  return { center, scale, residualScale: robustLocationScale(residuals).scale };
}

/** Points a window needs before a statistic over it is trusted (half of it known). */
const minKnown = (window: number) => Math.ceil(window / 2);

/**
 * Feature rows for points [from, to), row-major (`FEATURE_COUNT` columns). A row is all NaN when
 * its value is a gap; single columns are NaN while their windows are still warming up.
 * `base` must cover the long window before `from`: base.start ≤ max(0, from − longWindow + 1).
 */
export function featureRows(
  values: Float64Array,
  from: number,
  to: number,
  base: BaselineResiduals,
  scaling: FeatureScaling,
  options: FeatureOptions,
): Float64Array {
  const { shortWindow, longWindow } = options;
  if (base.start > Math.max(0, from - longWindow + 1)) {
    throw new RangeError(
      `baseline starts at ${base.start}, features from ${from} need ${from - longWindow + 1}`,
    );
  }
  const rows = new Float64Array((to - from) * FEATURE_COUNT).fill(Number.NaN);
  const { center, scale, residualScale } = scaling;
  const scratch = new Float64Array(shortWindow);
  for (let i = from; i < to; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) continue;
    const at = (i - from) * FEATURE_COUNT;
    rows[at] = (value - center) / scale;
    rows[at + 1] = (value - lastKnownBefore(values, i, shortWindow)) / scale;
    rows[at + 2] = base.residual[i - base.start]! / residualScale;
    const short = shortWindowMedians(base, i, scratch);
    const long = windowMoments(base, i, longWindow);
    if (short.count >= minKnown(shortWindow) && long.count >= minKnown(longWindow)) {
      rows[at + 3] = (short.median - long.mean) / residualScale;
      const floor = 1e-3 * residualScale;
      rows[at + 4] = Math.log((1.4826 * short.mad + floor) / (long.sd + floor));
    }
  }
  return rows;
}

/** The most recent known value among the `window` points before i, NaN if there is none. */
function lastKnownBefore(values: Float64Array, i: number, window: number): number {
  for (let j = i - 1; j >= Math.max(0, i - window); j--) {
    if (!Number.isNaN(values[j]!)) return values[j]!;
  }
  return Number.NaN;
}

/** Median and median absolute deviation of the residuals at points (i − window, i], robust to a lone spike. */
function shortWindowMedians(
  base: BaselineResiduals,
  i: number,
  scratch: Float64Array,
): { count: number; median: number; mad: number } {
  let count = 0;
  for (let j = Math.max(base.start, i - scratch.length + 1); j <= i; j++) {
    const r = base.residual[j - base.start]!;
    if (!Number.isNaN(r)) scratch[count++] = r;
  }
  const median = medianOfPrefix(scratch, count);
  for (let k = 0; k < count; k++) scratch[k] = Math.abs(scratch[k]! - median);
  return { count, median, mad: medianOfPrefix(scratch, count) };
}

/** Mean and population standard deviation of the known residuals at points (i − window, i]. */
function windowMoments(
  base: BaselineResiduals,
  i: number,
  window: number,
): { count: number; mean: number; sd: number } {
  let count = 0;
  let sum = 0;
  const first = Math.max(base.start, i - window + 1);
  for (let j = first; j <= i; j++) {
    const r = base.residual[j - base.start]!;
    if (Number.isNaN(r)) continue;
    count++;
    sum += r;
  }
  const mean = sum / count;
  let squares = 0;
  for (let j = first; j <= i; j++) {
    const r = base.residual[j - base.start]!;
    if (!Number.isNaN(r)) squares += (r - mean) * (r - mean);
  }
  return { count, mean, sd: Math.sqrt(squares / count) };
}

/** Copies the rows with every column finite; returns them and the point index of each. */
export function completeRows(rows: Float64Array, from: number): { data: Float64Array; points: Int32Array } {
  const total = rows.length / FEATURE_COUNT;
  const keep: number[] = [];
  for (let r = 0; r < total; r++) {
    let finite = true;
    for (let c = 0; c < FEATURE_COUNT; c++) finite &&= Number.isFinite(rows[r * FEATURE_COUNT + c]!);
    if (finite) keep.push(r);
  }
  const data = new Float64Array(keep.length * FEATURE_COUNT);
  keep.forEach((r, k) => {
    data.set(rows.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT), k * FEATURE_COUNT);
  });
  return { data, points: Int32Array.from(keep, (r) => r + from) };
}
