import type { SeriesQuery, TimeRange } from '@tidemark/core';
import { pointCounts } from '../continuous/late-data';
import { limitProblem, type ProblemError } from '../http/problem';
import type { InfluxClient } from '../influx';

/**
 * A query that fans out past MAX_SERIES where every series must be covered: a training job (a
 * model per series) or a continuous detector (scores and alerts per series). Cutting it, as a
 * panel's /score does with a notice, would leave series unwatched without anyone seeing a notice.
 */
export function tooManySeries(found: number, max: number): ProblemError {
  return limitProblem(
    `The query matches ${found} series, more than MAX_SERIES (${max}). Training and continuous detectors cover every series their query matches, so it is refused rather than cut to the first ${max}. Narrow it: add tag filters, narrow a regex or select fewer variable values, or group by fewer tags (or raise MAX_SERIES).`,
  );
}

/** Counts the series `query` matches in `range` (one aggregate row per series, no points moved); throws `tooManySeries` past `max`. */
export async function checkSeriesLimit(
  influx: InfluxClient,
  query: SeriesQuery,
  range: TimeRange,
  max: number,
  signal?: AbortSignal,
): Promise<void> {
  const found = (await pointCounts(influx, query, range, signal)).size;
  if (found > max) throw tooManySeries(found, max);
}
