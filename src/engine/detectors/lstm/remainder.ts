import { DEFAULT_BASELINE_OPTIONS, seasonalBaseline } from '../robust/baseline';

/** What the forecaster is given instead of the series with `forecastRemainder` (saved in the state). */
export interface RemainderBaseline {
  /** Season of the baseline (null: the level alone). */
  period: number | null;
  /** Past seasons whose same-phase values give the profile. */
  seasons: number;
  /** Recent points whose median offset from the profile gives the level. */
  levelWindow: number;
}

export function remainderBaseline(period: number | null): RemainderBaseline {
  const { seasons, levelWindow } = DEFAULT_BASELINE_OPTIONS;
  return { period: period !== null && period >= 2 ? Math.round(period) : null, seasons, levelWindow };
}

/** Full-length arrays: NaN before the first index computed. */
export interface Decomposition {
  /** The robust detector's seasonal baseline (robust/baseline.ts), from the past only. */
  baseline: Float64Array;
  /** value − baseline, NaN where either is. */
  remainder: Float64Array;
}

const CHUNK = 256;

/**
 * The series split into the robust seasonal baseline and what it leaves, for indices [start, end)
 * and back to the last known remainder before `start`, so gap filling from before `start`
 * (windows.ts, FilledSeries) sees the same values whatever range is asked for. The forecaster
 * learns the remainder (ES-RNN's hybrid: a statistical model takes the season and level, the
 * network what they miss), so it does not spend its capacity relearning the season.
 */
export function decompose(
  values: Float64Array,
  start: number,
  end: number,
  shape: RemainderBaseline,
): Decomposition {
  const baseline = new Float64Array(end).fill(Number.NaN);
  const remainder = new Float64Array(end).fill(Number.NaN);
  let from = Math.max(0, start);
  let known = fill(values, from, end, shape, baseline, remainder, start);
  while (from > 0 && !known) {
    const earlier = Math.max(0, from - CHUNK);
    known = fill(values, earlier, from, shape, baseline, remainder, from);
    from = earlier;
  }
  return { baseline, remainder };
}

/** Fills [from, to); whether a remainder before `before` is known. */
function fill(
  values: Float64Array,
  from: number,
  to: number,
  shape: RemainderBaseline,
  baseline: Float64Array,
  remainder: Float64Array,
  before: number,
): boolean {
  if (to <= from) return false;
  const options = { ...DEFAULT_BASELINE_OPTIONS, seasons: shape.seasons, levelWindow: shape.levelWindow };
  const expected = seasonalBaseline(values, from, to, shape.period, options);
  const level = shape.period === null ? null : seasonalBaseline(values, from, to, null, options);
  let known = false;
  for (let i = from; i < to; i++) {
    // the first seasons have no profile yet: the level alone stands in, as without a season
    const value = Number.isNaN(expected[i - from]!) && level ? level[i - from]! : expected[i - from]!;
    baseline[i] = value;
    remainder[i] = values[i]! - value;
    if (i < before && !Number.isNaN(remainder[i]!)) known = true;
  }
  return known;
}
