/**
 * A per-series dynamic threshold on smoothed forecast errors, after telemanom's (Hundman et al.
 * 2018, "Detecting spacecraft anomalies using LSTMs and nonparametric dynamic thresholding"), made
 * causal: the threshold of the points [b, b + step) (b a multiple of `step`) is chosen from the
 * errors of the `history` points before b only, so it is fixed by b, never by the range scored.
 */
export interface DynamicThreshold {
  /** Errors of the points [b − history, b) choose the threshold of the block starting at b. */
  history: number;
  /** Points per block; the threshold is chosen afresh at every multiple of `step`. */
  step: number;
  /**
   * Pruning: a point above the threshold is an anomaly only if it exceeds the highest error of
   * the history that is below the threshold by at least this fraction of its own size.
   */
  pruneFraction: number;
  /** A point that is not an anomaly scores at most this share of its threshold ('ratio') or of its raw score ('gate'). */
  belowShare: number;
  /**
   * 'ratio': an anomaly scores error / threshold; 'gate': the threshold only decides, an anomaly
   * keeps its own raw score (|residual| / spread) and any other point belowShare × that.
   */
  mode: 'ratio' | 'gate';
}

/** Candidate thresholds: mean + z·σ of the history for z = 2.5, 3, …, 11.5; 12 when none wins. */
const Z_CANDIDATES = Array.from({ length: 19 }, (_, k) => 2.5 + 0.5 * k);
const Z_DEFAULT = 12;
/** Fewer known errors than this in the history and no threshold is chosen (NaN). */
const MIN_HISTORY = 16;

/** Points before `from` whose errors the thresholds of [from, …) read. */
export function thresholdLookback(threshold: DynamicThreshold): number {
  return threshold.history + threshold.step - 1;
}

export interface ChosenThreshold {
  /** Errors above it are anomalous. */
  epsilon: number;
  /** The highest error of the history below epsilon (0 when there is none). */
  normalMax: number;
}

/**
 * telemanom's criterion: the z whose threshold, with the errors above it removed, lowers the mean
 * and σ of the rest the most for the fewest anomalous points and sequences
 * ((Δmean/mean + Δσ/σ) / (sequences² + points)), with at most 5 sequences and fewer than half the
 * points above. `errors` in time order; NaN (gaps) are skipped and break sequences.
 */
export function chooseThreshold(errors: ArrayLike<number>, floor: number): ChosenThreshold {
  const { count, mean, sd } = moments(errors, Number.POSITIVE_INFINITY);
  if (count < MIN_HISTORY) return { epsilon: Number.NaN, normalMax: Number.NaN };
  let bestZ = Z_DEFAULT;
  let bestScore = 0;
  if (sd > 0) {
    for (const z of Z_CANDIDATES) {
      const epsilon = mean + z * sd;
      const { above, sequences } = exceedances(errors, epsilon);
      if (above === 0 || sequences > 5 || above >= count / 2) continue;
      const rest = moments(errors, epsilon);
      const score = ((mean - rest.mean) / mean + (sd - rest.sd) / sd) / (sequences ** 2 + above);
      if (score >= bestScore) {
        bestScore = score;
        bestZ = z;
      }
    }
  }
  const epsilon = Math.max(mean + bestZ * sd, floor);
  let normalMax = 0;
  for (let i = 0; i < errors.length; i++) {
    const error = errors[i]!;
    if (error < epsilon && error > normalMax) normalMax = error;
  }
  return { epsilon, normalMax };
}

/**
 * Raw scores of the points [from, to) from their smoothed errors: `errors[i − first]` is point
 * i's error (NaN where there is none), with `first ≤ from − thresholdLookback(threshold)` or 0.
 * An anomaly (above its block's threshold and not pruned) scores error / threshold (above 1);
 * any other point belowShare × min(error / threshold, 1), so the calibration sees the threshold's
 * decision and, among anomalies, how far past the threshold each one is.
 */
export function thresholdedScores(
  errors: Float64Array,
  first: number,
  from: number,
  to: number,
  threshold: DynamicThreshold,
  floor: number,
  /** Raw scores of [from, to) for the 'gate' mode. */
  base?: Float64Array,
): Float64Array {
  const raw = new Float64Array(to - from).fill(Number.NaN);
  const { step, history } = threshold;
  for (let block = Math.floor(from / step) * step; block < to; block += step) {
    const start = Math.max(block - history, first, 0);
    const chosen = chooseThreshold(errors.subarray(start - first, Math.max(block - first, 0)), floor);
    for (let i = Math.max(block, from); i < Math.min(block + step, to); i++) {
      raw[i - from] = pointScore(errors[i - first]!, chosen, threshold, base?.[i - from]);
    }
  }
  return raw;
}

function pointScore(
  error: number,
  chosen: ChosenThreshold,
  threshold: DynamicThreshold,
  base: number | undefined,
): number {
  if (Number.isNaN(error) || Number.isNaN(chosen.epsilon)) return Number.NaN;
  const ratio = error / chosen.epsilon;
  const anomaly = ratio > 1 && error * (1 - threshold.pruneFraction) >= chosen.normalMax;
  if (threshold.mode === 'gate' && base !== undefined) return anomaly ? base : threshold.belowShare * base;
  return anomaly ? ratio : threshold.belowShare * Math.min(ratio, 1);
}

/** Count, mean and (population) σ of the known errors below `bound`. */
function moments(errors: ArrayLike<number>, bound: number): { count: number; mean: number; sd: number } {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < errors.length; i++) {
    const error = errors[i]!;
    if (error < bound) {
      count++;
      sum += error;
    }
  }
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < errors.length; i++) {
    const error = errors[i]!;
    if (error < bound) squares += (error - mean) ** 2;
  }
  return { count, mean, sd: Math.sqrt(squares / count) };
}

/** Points above epsilon, and how many runs of consecutive such points they form. */
function exceedances(errors: ArrayLike<number>, epsilon: number): { above: number; sequences: number } {
  let above = 0;
  let sequences = 0;
  let inRun = false;
  for (let i = 0; i < errors.length; i++) {
    const over = errors[i]! > epsilon;
    if (over) {
      above++;
      if (!inRun) sequences++;
    }
    inRun = over;
  }
  return { above, sequences };
}
