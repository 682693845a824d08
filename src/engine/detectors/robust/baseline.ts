import { medianOfPrefix } from '../../stats';
import { type SeasonsRead, youngSeasonDoubt } from './young-season';

export interface BaselineOptions {
  /** Past seasons whose same-phase values are combined. */
  seasons: number;
  /** Recent points used for the level (and, without a season, the expected value itself). */
  levelWindow: number;
  /** Recent residuals that set the spread. */
  spreadWindow: number;
  /** Residuals needed before the spread (and so the raw score) is trusted. */
  minResiduals: number;
  /** Lower bound on the spread, so a perfectly flat series still gives finite scores. */
  minSpread: number;
  /**
   * The spread is never below this share of the median of the series' last `stepMemory` non-zero
   * steps within `stepHorizon` points (see StepResolution), so a series almost always exactly
   * predicted keeps the scale it moves by.
   */
  stepShare: number;
  stepMemory: number;
  stepHorizon: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = {
  seasons: 6,
  levelWindow: 8,
  spreadWindow: 1000,
  minResiduals: 24,
  minSpread: 1e-9,
  stepShare: 0.1,
  stepMemory: 64,
  stepHorizon: 20_000,
};

/**
 * Expected value of points [from, to) from the past only: the median of the same phase over the
 * last `seasons` seasons plus the median recent offset from that seasonal profile. Without a
 * period the profile is zero and the expected value is the median of the last `levelWindow` values.
 * `doubt`, when given, receives each point's young-season doubt (see `youngSeasonDoubt`), read from
 * the same past-season values as the profile.
 */
export function seasonalBaseline(
  values: Float64Array,
  from: number,
  to: number,
  period: number | null,
  options: BaselineOptions,
  doubt?: Float64Array,
): Float64Array {
  const profileStart = Math.max(0, from - options.levelWindow);
  const profile = new Float64Array(to - profileStart);
  const scratch = new Float64Array(Math.max(options.seasons, options.levelWindow));
  const read: SeasonsRead = { count: 0, firstAt: -1 };
  for (let i = profileStart; i < to; i++) {
    profile[i - profileStart] = seasonalProfile(values, i, period, options.seasons, scratch, read);
    if (doubt && i >= from) doubt[i - from] = youngSeasonDoubt(values, read, scratch);
  }
  const expected = new Float64Array(to - from);
  for (let i = from; i < to; i++) {
    let count = 0;
    for (let j = Math.max(0, i - options.levelWindow); j < i; j++) {
      const offset = values[j]! - profile[j - profileStart]!;
      if (!Number.isNaN(offset)) scratch[count++] = offset;
    }
    const own = profile[i - profileStart]!;
    expected[i - from] = count === 0 || Number.isNaN(own) ? Number.NaN : own + medianOfPrefix(scratch, count);
  }
  return expected;
}

function seasonalProfile(
  values: Float64Array,
  i: number,
  period: number | null,
  seasons: number,
  scratch: Float64Array,
  read: SeasonsRead,
): number {
  read.count = 0;
  if (period === null) return 0;
  let count = 0;
  for (let k = 1; k <= seasons; k++) {
    const j = i - k * period;
    if (j < 0) break;
    if (Number.isNaN(values[j]!)) continue;
    if (count === 0) read.firstAt = j;
    scratch[count++] = values[j]!;
  }
  read.count = count;
  return count === 0 ? Number.NaN : medianOfPrefix(scratch, count);
}
