import {
  type Aggregation,
  isDerivative,
  isRegexOperator,
  type Points,
  type seriesQuerySchema,
  type TimeRange,
  type tagFilterSchema,
} from '@tidemark/core';
import type { z } from 'zod';
import type { InfluxClient, InfluxSeries, RequestOptions } from './client';
import { epochMsLiteral, qualifiedMeasurement, quoteIdentifier, quoteString, regexLiteral } from './escape';

/** A `SeriesQuery` with or without its defaults applied (tags, groupBy, aggregation, operator). */
export type SeriesQueryInput = z.input<typeof seriesQuerySchema>;
export type TagFilterInput = z.input<typeof tagFilterSchema>;

/** One series read back: its group-by tag values and `[epochMs, value]` points (null = no number). */
export interface ReadSeries {
  tags: Record<string, string>;
  points: Points;
}

/** `"t"::tag = 'v'`, or `"t"::tag =~ /re/` for a regex filter. */
function tagCondition(filter: TagFilterInput): string {
  const operator = filter.operator ?? '=';
  const operand = isRegexOperator(operator) ? regexLiteral(filter.value) : quoteString(filter.value);
  return `${quoteIdentifier(filter.key)}::tag ${operator} ${operand}`;
}

/**
 * `WHERE` conditions for tag filters. `=` and `=~` filters on the same key are OR-ed (host is a
 * or b, or matches /^web/); everything else is AND-ed. `::tag` keeps a field of the same name from
 * being matched instead.
 */
export function tagConditions(filters: readonly TagFilterInput[]): string[] {
  const matchesByKey = new Map<string, string[]>();
  const conditions: string[] = [];
  for (const filter of filters) {
    const condition = tagCondition(filter);
    if (filter.operator === '!=' || filter.operator === '!~') {
      conditions.push(condition);
      continue;
    }
    const group = matchesByKey.get(filter.key) ?? [];
    group.push(condition);
    matchesByKey.set(filter.key, group);
  }
  const equals = [...matchesByKey.values()].map((group) =>
    group.length > 1 ? `(${group.join(' OR ')})` : group[0]!,
  );
  return [...equals, ...conditions];
}

/**
 * The InfluxQL for one scoring query:
 * `SELECT mean("f"::field) FROM "db"."rp"."m" WHERE time >= …ms AND time < …ms AND "t"::tag = 'v'
 *  GROUP BY time(…ms), "t"::tag fill(none)`; `non_negative_derivative(last("f"::field), 1s)` for
 * a counter's rate.
 */
export function buildSeriesQuery(query: SeriesQueryInput, range: TimeRange, intervalMs: number): string {
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`interval ${intervalMs} is not a positive integer number of milliseconds`);
  }
  const aggregation = query.aggregation ?? 'mean';
  const from = epochMsLiteral(Math.floor(range.from));
  const to = epochMsLiteral(Math.ceil(range.to));
  const where = [`time >= ${from}`, `time < ${to}`, ...tagConditions(query.tags ?? [])].join(' AND ');
  const groupBy = [
    `time(${intervalMs}ms)`,
    ...(query.groupBy ?? []).map((key) => `${quoteIdentifier(key)}::tag`),
  ];
  return (
    `SELECT ${selection(aggregation, `${quoteIdentifier(query.field)}::field`)} ` +
    `FROM ${qualifiedMeasurement(query.database, query.retentionPolicy, query.measurement)} ` +
    `WHERE ${where} GROUP BY ${groupBy.join(', ')} fill(none)`
  );
}

/** `mean("f"::field)`; a derivative is per second, of each interval's last value (a counter's reading). */
function selection(aggregation: Aggregation, field: string): string {
  return isDerivative(aggregation) ? `${aggregation}(last(${field}), 1s)` : `${aggregation}(${field})`;
}

/** Turns InfluxDB's series (columns `time`, `<aggregation>`) into points; non-numbers become gaps. */
export function toReadSeries(series: readonly InfluxSeries[]): ReadSeries[] {
  return series.map((one) => {
    const timeColumn = one.columns.indexOf('time');
    const valueColumn = timeColumn === 0 ? 1 : 0;
    const points: Points = one.values.map((row) => {
      const value = row[valueColumn];
      return [Number(row[timeColumn]), typeof value === 'number' && Number.isFinite(value) ? value : null];
    });
    return { tags: { ...(one.tags ?? {}) }, points };
  });
}

/** Reads split into parts only from this many intervals per part; smaller reads gain nothing. */
export const MIN_INTERVALS_PER_PART = 2_048;

export interface ReadOptions extends RequestOptions {
  /**
   * Read the range as up to this many queries at once, split at interval boundaries, so InfluxDB
   * works on them in parallel (default 1). Every `GROUP BY time` bucket lies in exactly one part,
   * so the points are the same as one query's.
   */
  parts?: number;
}

/** Reads the series a scoring request asks for, aggregated to `intervalMs`. */
export async function readSeries(
  client: InfluxClient,
  query: SeriesQueryInput,
  range: TimeRange,
  intervalMs: number,
  { parts = 1, ...options }: ReadOptions = {},
): Promise<ReadSeries[]> {
  const pieces = splitRange(range, intervalMs, parts);
  const read = await Promise.all(
    pieces.map(async (piece) => {
      const text = buildSeriesQuery(query, piece, intervalMs);
      // `db` and `rp` in the request too: 2.x/3.x find the bucket from them (DBRP mappings).
      const target = { database: query.database, retentionPolicy: query.retentionPolicy };
      return toReadSeries(await client.querySeries(text, { ...options, ...target }));
    }),
  );
  return read.length === 1 ? read[0]! : joinParts(read);
}

/** [from, to) cut at multiples of `intervalMs` (where InfluxDB's time buckets start) into ≤ `parts`. */
export function splitRange(range: TimeRange, intervalMs: number, parts: number): TimeRange[] {
  const intervals = Math.ceil((range.to - range.from) / intervalMs);
  const count = Math.max(1, Math.min(Math.floor(parts), Math.floor(intervals / MIN_INTERVALS_PER_PART)));
  const pieces: TimeRange[] = [];
  let from = range.from;
  for (let k = 1; k < count; k++) {
    const cut = Math.floor((range.from + ((range.to - range.from) * k) / count) / intervalMs) * intervalMs;
    if (cut <= from) continue;
    pieces.push({ from, to: cut });
    from = cut;
  }
  pieces.push({ from, to: range.to });
  return pieces;
}

/** A series' tags as `[key, value]` pairs sorted by key: the same for the same tag set. */
export function sortedTagEntries(tags: Record<string, string>): [string, string][] {
  return Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** One series per tag set, its points from every part in time order (the parts' arrays are reused). */
function joinParts(parts: ReadSeries[][]): ReadSeries[] {
  const joined = new Map<string, ReadSeries>();
  for (const part of parts) {
    for (const one of part) {
      const key = JSON.stringify(sortedTagEntries(one.tags));
      const seen = joined.get(key);
      if (seen) for (const point of one.points) seen.points.push(point);
      else joined.set(key, one);
    }
  }
  return [...joined.values()];
}
