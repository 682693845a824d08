/**
 * Season (period) detection by autocorrelation: the lag of the strongest autocorrelation peak,
 * if it is clearly a peak. Works on the points [0, end) only, so it is safe in causal mode.
 */
export interface SeasonOptions {
  /** Shortest season considered, in steps. */
  minLag: number;
  /** Longest season considered, in steps. */
  maxLag: number;
  /** A peak must reach this autocorrelation. */
  minCorrelation: number;
  /** A peak must rise this much above the lowest autocorrelation before it. */
  minProminence: number;
  /** Peaks this close to the strongest count as equally good (the shortest wins). */
  tolerance: number;
}

export const DEFAULT_SEASON_OPTIONS: SeasonOptions = {
  minLag: 4,
  maxLag: 2016,
  minCorrelation: 0.3,
  minProminence: 0.2,
  tolerance: 0.1,
};

export function detectPeriod(
  values: Float64Array,
  end = values.length,
  options: SeasonOptions = DEFAULT_SEASON_OPTIONS,
  previous: number | null = null,
): number | null {
  const maxLag = Math.min(options.maxLag, Math.floor(end / 2));
  if (maxLag < options.minLag) return null;
  const start = Math.max(0, end - 8 * maxLag);
  const acf = autocorrelation(centred(values, start, end), maxLag);
  const peaks: Array<{ lag: number; r: number }> = [];
  let lowest = 1;
  for (let lag = 1; lag < maxLag; lag++) {
    const r = acf[lag]!;
    lowest = Math.min(lowest, r);
    const isPeak = r >= acf[lag - 1]! && r >= acf[lag + 1]!;
    if (
      lag >= options.minLag &&
      isPeak &&
      r >= options.minCorrelation &&
      r - lowest >= options.minProminence
    ) {
      peaks.push({ lag, r });
    }
  }
  if (peaks.length === 0) return keepsPrevious(acf, previous, options) ? previous : null;
  // Multiples of a season correlate about as well as the season itself: take the shortest
  // peak nearly as strong as the strongest, and keep the previous season while it still is one.
  const strongest = Math.max(...peaks.map((p) => p.r));
  const good = peaks.filter((p) => p.r >= strongest - options.tolerance);
  if (previous !== null && good.some((p) => Math.abs(p.lag - previous) <= 1)) return previous;
  return good[0]!.lag;
}

/**
 * A season found before survives a refit that finds none while it is still a (weaker) peak: one
 * outlier in the window can swamp the autocorrelation without the season having gone away.
 */
function keepsPrevious(acf: Float64Array, previous: number | null, options: SeasonOptions): boolean {
  if (previous === null || previous + 1 >= acf.length) return false;
  const r = acf[previous]!;
  return r >= options.minCorrelation / 3 && r >= acf[previous - 1]! && r >= acf[previous + 1]!;
}

function centred(values: Float64Array, start: number, end: number): Float64Array {
  let sum = 0;
  let count = 0;
  for (let i = start; i < end; i++) {
    if (!Number.isNaN(values[i]!)) {
      sum += values[i]!;
      count++;
    }
  }
  const mean = count > 0 ? sum / count : 0;
  const x = new Float64Array(end - start);
  for (let i = start; i < end; i++) x[i - start] = Number.isNaN(values[i]!) ? 0 : values[i]! - mean;
  return x;
}

/** acf[lag] for lag in [0, maxLag], normalised by the lag-0 sum (0 everywhere for a flat series). */
function autocorrelation(x: Float64Array, maxLag: number): Float64Array {
  const n = x.length;
  const acf = new Float64Array(maxLag + 1);
  let energy = 0;
  for (let i = 0; i < n; i++) energy += x[i]! * x[i]!;
  if (energy === 0) return acf;
  for (let lag = 0; lag <= maxLag; lag++) {
    let sum = 0;
    for (let i = lag; i < n; i++) sum += x[i]! * x[i - lag]!;
    acf[lag] = (sum / energy) * (n / (n - lag));
  }
  return acf;
}
