import type { ContinuousDetectorDefinition, SeriesQuery, TagFilter, TimeRange } from '@tidemark/core';
import { type InfluxClient, InfluxError, type InfluxSeries } from '../influx';
import { epochMsLiteral, qualifiedMeasurement, quoteIdentifier, quoteString } from '../influx/escape';
import { tagConditions } from '../influx/series-query';
import { seriesName } from '../scoring/series-identity';
import { outputTagKey, writtenByOrg } from './output';

/** Where a detector writes and whose points count as written: what reads of its output need. */
export interface OutputPlace {
  database: string;
  orgId: number;
  legacyOrgId: number;
}

const timeConditions = ({ from, to }: TimeRange) => [
  `time >= ${epochMsLiteral(Math.floor(from))}`,
  `time < ${epochMsLiteral(Math.ceil(to))}`,
];

/** Nothing written yet (no database): nothing there rather than an error. */
async function seriesOrNone(read: () => Promise<InfluxSeries[]>): Promise<InfluxSeries[]> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof InfluxError && error.kind === 'not-found') return [];
    throw error;
  }
}

/** The intervals a detector has already written in `range`, per series name. */
export async function writtenIntervals(
  influx: InfluxClient,
  definition: ContinuousDetectorDefinition,
  place: OutputPlace,
  range: TimeRange,
  signal?: AbortSignal,
  narrow?: readonly TagFilter[] | null,
): Promise<Map<string, Set<number>>> {
  const { output } = definition;
  // A partition's own series only: its filters on the tags as the output names them.
  const own = (narrow ?? []).map((filter) => ({ ...filter, key: outputTagKey(filter.key) }));
  const where = [
    ...timeConditions(range),
    writtenByOrg(place.orgId, place.legacyOrgId),
    `${quoteIdentifier('detector')}::tag = ${quoteString(definition.id)}`,
    ...tagConditions(own),
  ];
  const text =
    `SELECT "value" FROM ${qualifiedMeasurement(place.database, output.retentionPolicy, output.measurement)} ` +
    `WHERE ${where.join(' AND ')} GROUP BY ${quoteIdentifier('series')}::tag`;
  const series = await seriesOrNone(() =>
    influx.querySeries(text, { database: place.database, ...(signal ? { signal } : {}) }),
  );
  const written = new Map<string, Set<number>>();
  for (const one of series) {
    const name = one.tags?.series ?? '';
    const times = written.get(name) ?? new Set<number>();
    for (const row of one.values) times.add(Number(row[0]));
    written.set(name, times);
  }
  return written;
}

/** `SELECT <selection> FROM <query's measurement> WHERE <range, query's tags> GROUP BY <query's groupBy>`, per series name. */
async function perSeries(
  influx: InfluxClient,
  query: SeriesQuery,
  selection: string,
  range: TimeRange,
  signal?: AbortSignal,
): Promise<Map<string, unknown[]>> {
  const where = [...timeConditions(range), ...tagConditions(query.tags)];
  const groupBy = query.groupBy.map((key) => `${quoteIdentifier(key)}::tag`);
  const text =
    `SELECT ${selection} FROM ${qualifiedMeasurement(query.database, query.retentionPolicy, query.measurement)} ` +
    `WHERE ${where.join(' AND ')}${groupBy.length > 0 ? ` GROUP BY ${groupBy.join(', ')}` : ''}`;
  const series = await seriesOrNone(() =>
    influx.querySeries(text, { database: query.database, ...(signal ? { signal } : {}) }),
  );
  return new Map(series.map((one) => [seriesName(query, one.tags ?? {}), one.values[0] ?? []]));
}

/** When each series' first point in `range` is (series without a point in it are absent). */
export async function firstPointTimes(
  influx: InfluxClient,
  query: SeriesQuery,
  range: TimeRange,
  signal?: AbortSignal,
): Promise<Map<string, number>> {
  const field = `${quoteIdentifier(query.field)}::field`;
  const rows = await perSeries(influx, query, `first(${field})`, range, signal);
  return new Map([...rows].map(([name, row]) => [name, Number(row[0])]));
}

/** How many raw points each series has in `range` (series without a point in it are absent). */
export async function pointCounts(
  influx: InfluxClient,
  query: SeriesQuery,
  range: TimeRange,
  signal?: AbortSignal,
): Promise<Map<string, number>> {
  const field = `${quoteIdentifier(query.field)}::field`;
  const rows = await perSeries(influx, query, `count(${field})`, range, signal);
  return new Map([...rows].map(([name, row]) => [name, Number(row[1] ?? 0)]));
}
