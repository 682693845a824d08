import { emptyRawScores, type RawScores } from '../../detector';
import { EXACT_SUM_LIMIT, ExactSum } from '../../exact-sum';
import { type DynamicThreshold, thresholdedScores, thresholdLookback } from './dynamic-threshold';
import { MAD_TO_SIGMA, sortedQuantile } from './robust';

export interface ResidualScoring {
  /** Spread learned in training (held-out residual σ), in the series' units. */
  priorSpread: number;
  /** Weight of the prior, in residuals. */
  priorWeight: number;
  /** Residuals of points [i − residualWindow, i) give point i's spread. */
  residualWindow: number;
  /** The causal EWMA of normalised errors reads points (i − smoothingSpan, i]. */
  smoothingSpan: number;
  /** Floor on the spread, in the series' units. */
  minSpread: number;
  /** The spread is at least this share of 1.2533 × mean |residual| (σ for Gaussian residuals). */
  meanSpreadShare: number;
  /** When set, the raw score comes from a dynamic threshold on the smoothed |residuals| instead. */
  threshold: DynamicThreshold | null;
}

/** How many points before `from` must have forecasts for scores of [from, …) to be exact. */
export function residualLookback(scoring: ResidualScoring): number {
  const threshold = scoring.threshold ? thresholdLookback(scoring.threshold) : 0;
  return Math.max(scoring.residualWindow, threshold) + scoring.smoothingSpan - 1;
}

/**
 * Turns forecasts into scores for points [from, to). `forecasts[j − first]` is the forecast of
 * point j for j in [first, to) (NaN where there is none); `first` must be at most
 * `from − residualLookback(scoring)` or 0. Everything at point i reads forecasts and values of the
 * bounded past only, so scores do not depend on `from`:
 * - spread[i]: (w·prior + m·σ̂)/(w + m) where σ̂ = max(1.4826 × median, meanSpreadShare × 1.2533
 *   × mean) of |residual| over the m known residuals of points [i − residualWindow, i), floored at
 *   minSpread;
 * - error e[i] = |value − expected| / spread[i];
 * - raw[i] = max(e[i], EWMA of e over (i − smoothingSpan, i]) — telemanom-style smoothing that
 *   keeps a lone spike at full height and lets a run of errors build up;
 * - with `threshold`, raw[i] instead compares the same smoothing of |residual| (series units) with
 *   the dynamic threshold of its block (dynamic-threshold.ts).
 */
export function scoreResiduals(
  values: Float64Array,
  forecasts: Float64Array,
  first: number,
  from: number,
  to: number,
  scoring: ResidualScoring,
): RawScores {
  const scores = emptyRawScores(to - from);
  const window = new SortedWindow();
  const errors = new Float64Array(to - first).fill(Number.NaN);
  const absolute = new Float64Array(to - first).fill(Number.NaN);
  const smoothedAbsolute = new Float64Array(to - first).fill(Number.NaN);
  const decay = 1 - 2 / (scoring.smoothingSpan + 1);
  for (let i = first; i < to; i++) {
    const leaving = i - 1 - scoring.residualWindow;
    if (leaving >= first) window.remove(absoluteResidual(values, forecasts, first, leaving));
    if (i - 1 >= first) window.add(absoluteResidual(values, forecasts, first, i - 1));
    const residual = absoluteResidual(values, forecasts, first, i);
    if (Number.isNaN(residual)) continue;
    absolute[i - first] = residual;
    smoothedAbsolute[i - first] = Math.max(
      residual,
      smoothed(absolute, i - first, scoring.smoothingSpan, decay),
    );
    const spread = runningSpread(window, scoring);
    errors[i - first] = residual / spread;
    if (i < from) continue;
    const k = i - from;
    scores.expected[k] = forecasts[i - first]!;
    scores.spread[k] = spread;
    scores.raw[k] = Math.max(errors[i - first]!, smoothed(errors, i - first, scoring.smoothingSpan, decay));
  }
  if (scoring.threshold) {
    const raw = thresholdedScores(
      smoothedAbsolute,
      first,
      from,
      to,
      scoring.threshold,
      scoring.minSpread,
      scores.raw,
    );
    // only points with a forecast and a spread get a score, as without the threshold
    raw.forEach((value, k) => {
      if (!Number.isNaN(scores.raw[k]!)) scores.raw[k] = value;
    });
  }
  return scores;
}

function absoluteResidual(values: Float64Array, forecasts: Float64Array, first: number, i: number): number {
  return Math.abs(values[i]! - forecasts[i - first]!);
}

function runningSpread(window: SortedWindow, scoring: ResidualScoring): number {
  const count = window.size;
  const recent =
    count > 0
      ? Math.max(MAD_TO_SIGMA * window.median(), scoring.meanSpreadShare * MEAN_TO_SIGMA * window.mean())
      : 0;
  const blended =
    (scoring.priorWeight * scoring.priorSpread + count * recent) / (scoring.priorWeight + count);
  return Number.isFinite(blended) && blended > scoring.minSpread
    ? blended
    : Math.max(scoring.minSpread, 1e-12);
}

/** Exponentially weighted mean of the known errors at positions (at − span, at], newest weighing most. */
function smoothed(errors: Float64Array, at: number, span: number, decay: number): number {
  let weighted = 0;
  let weights = 0;
  let weight = 1;
  for (let lag = 0; lag < span && at - lag >= 0; lag++, weight *= decay) {
    const error = errors[at - lag]!;
    if (Number.isNaN(error)) continue;
    weighted += weight * error;
    weights += weight;
  }
  return weighted / weights;
}

/** σ ≈ √(π/2) × mean |x| for Gaussian x. */
const MEAN_TO_SIGMA = 1.2533;

/**
 * A multiset of numbers kept sorted, with O(n) insert/remove, O(1) median and an O(1) mean that
 * does not depend on the order values came in (an exact sum). NaN is ignored.
 */
class SortedWindow {
  private readonly items: number[] = [];
  private readonly sum = new ExactSum();
  /** Values too large for the exact sum; while any is held the mean is summed afresh. */
  private oversized = 0;

  get size(): number {
    return this.items.length;
  }

  add(value: number): void {
    if (Number.isNaN(value)) return;
    this.items.splice(this.lowerBound(value), 0, value);
    if (Math.abs(value) <= EXACT_SUM_LIMIT) this.sum.add(value);
    else this.oversized++;
  }

  remove(value: number): void {
    if (Number.isNaN(value)) return;
    this.items.splice(this.lowerBound(value), 1);
    if (Math.abs(value) <= EXACT_SUM_LIMIT) this.sum.subtract(value);
    else this.oversized--;
  }

  median(): number {
    return sortedQuantile(this.items, 0.5);
  }

  mean(): number {
    if (this.items.length === 0) return Number.NaN;
    if (this.oversized === 0) return this.sum.total() / this.items.length;
    let total = 0;
    for (const item of this.items) total += item;
    return total / this.items.length;
  }

  private lowerBound(value: number): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.items[middle]! < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
