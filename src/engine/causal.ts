import type { Detector, FitContext, RawScores, SeriesView } from './detector';
import { emptyRawScores } from './detector';
import type { DetectorEntry } from './registry';
import { detectPeriod } from './season';

/** Where the causal refits happen: minFitPoints, then each time the series grows by refitGrowth. */
export function refitPoints(entry: DetectorEntry, length: number): number[] {
  const points: number[] = [];
  let at = entry.minFitPoints;
  while (at < length) {
    points.push(at);
    at = Math.max(Math.ceil(at * entry.refitGrowth), at + 16);
  }
  return points;
}

/**
 * Scores every point using only the points before it: the detector is refitted on its own past
 * at `refitPoints` and each segment is scored by the latest fit. Points before the first fit
 * get NaN. Refit points depend only on the index, so a prefix scores exactly as in the whole.
 */
export async function scoreCausally(
  entry: DetectorEntry,
  detector: Detector,
  series: SeriesView,
  context: Omit<FitContext, 'period'>,
  /** The season override in steps for a fit on [0, end), or undefined to detect it. */
  fixedPeriod: (end: number) => number | null | undefined,
): Promise<RawScores> {
  const n = series.values.length;
  const out = emptyRawScores(n);
  const fits = refitPoints(entry, n);
  let period: number | null = null;
  for (let k = 0; k < fits.length; k++) {
    const from = fits[k]!;
    const to = Math.min(fits[k + 1] ?? n, n);
    context.signal?.throwIfAborted();
    const fixed = fixedPeriod(from);
    period = fixed !== undefined ? fixed : detectPeriod(series.values, from, undefined, period);
    await detector.fit(series, from, { ...context, period });
    const segment = detector.score(series, from, to);
    out.expected.set(segment.expected, from);
    out.spread.set(segment.spread, from);
    out.raw.set(segment.raw, from);
  }
  return out;
}
