import { createHash } from 'node:crypto';
import type { DetectorId, SeriesQuery } from '@tidemark/core';
import { sortedTagEntries } from '../influx';

/** The parts of a query that choose data (not how it is split): filters sorted, defaults applied. */
function baseOf(query: SeriesQuery) {
  const tags = [...query.tags]
    .map((t) => [t.key, t.operator, t.value])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    database: query.database,
    retentionPolicy: query.retentionPolicy ?? null,
    measurement: query.measurement,
    field: query.field,
    aggregation: query.aggregation,
    tags,
  };
}

/** Identifies a query's set of series for one detector (group-by keys included). */
export function queryKey(query: SeriesQuery, detector: DetectorId): string {
  return JSON.stringify({ detector, ...baseOf(query), groupBy: [...query.groupBy].sort() });
}

/** Identifies one series (a query plus its group-by tag values) for one detector. */
export function seriesKey(query: SeriesQuery, tags: Record<string, string>, detector: DetectorId): string {
  return JSON.stringify({ detector, ...baseOf(query), series: sortedTagEntries(tags) });
}

/** Model id for a series key: stable, so retraining the same series adds a version. */
export function modelIdFor(key: string, detector: DetectorId): string {
  return `${detector}-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** `cpu usage_idle {host=a}`, as the plugin names frames. */
export function seriesName(
  query: Pick<SeriesQuery, 'measurement' | 'field'>,
  tags: Record<string, string>,
): string {
  const entries = sortedTagEntries(tags);
  const suffix = entries.length > 0 ? ` {${entries.map(([k, v]) => `${k}=${v}`).join(', ')}}` : '';
  return `${query.measurement} ${query.field}${suffix}`;
}
