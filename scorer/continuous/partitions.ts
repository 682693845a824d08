import type { ContinuousDetectorDefinition, SeriesQuery, TagFilter } from '@tidemark/core';
import type { InfluxClient } from '../influx';
import { listTagValues } from '../influx/schema';

/**
 * Scale-out splits a detector's series into partitions, each scored as one job by one replica with
 * one InfluxDB read: a series belongs to partition `hash(value of the partition tag) mod P`, and a
 * partition's read is the detector's query with `=` filters on that tag's values (OR-ed by
 * `tagConditions`), so it reads only its own series.
 */

/** Most tag values looked up for one partition's read. */
const MAX_TAG_VALUES = 100_000;

/**
 * The tag that splits a detector's series: its first group-by key that the query does not filter
 * with `=` (more `=` filters on a key would widen such a filter, not narrow it); null if none,
 * and then the detector is one partition.
 */
export function partitionTag(query: SeriesQuery): string | null {
  const filtered = new Set(query.tags.filter((t) => t.operator === '=').map((t) => t.key));
  return query.groupBy.find((key) => !filtered.has(key)) ?? null;
}

/** How many partitions the detector is split into: `partitions`, or 1 without a partition tag. */
export function partitionCount(definition: ContinuousDetectorDefinition, partitions: number): number {
  return partitionTag(definition.query) === null ? 1 : partitions;
}

/** FNV-1a over the UTF-16 code units: stable across processes and versions, no dependency. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The partition a series with this value of the partition tag belongs to. */
export function partitionOf(tagValue: string, partitions: number): number {
  return fnv1a(tagValue) % partitions;
}

/** One partition of a detector: which of its series a job reads and scores. */
export interface Partition {
  index: number;
  count: number;
}

/**
 * The filters that narrow the detector's read to one partition's series, or null for the whole
 * query (one partition); an empty array means the partition has no series now.
 */
export async function partitionFilters(
  influx: InfluxClient,
  query: SeriesQuery,
  partition: Partition,
  signal?: AbortSignal,
): Promise<TagFilter[] | null> {
  const tag = partitionTag(query);
  if (tag === null || partition.count === 1) return null;
  const values = await listTagValues(
    influx,
    {
      database: query.database,
      ...(query.retentionPolicy ? { retentionPolicy: query.retentionPolicy } : {}),
    },
    query.measurement,
    tag,
    { filters: query.tags, limit: MAX_TAG_VALUES, ...(signal ? { signal } : {}) },
  );
  return values
    .filter((value) => partitionOf(value, partition.count) === partition.index)
    .map((value) => ({ key: tag, operator: '=' as const, value }));
}

/** The query as one partition reads it: the query's own filters plus the partition's. */
export function narrowed(query: SeriesQuery, filters: TagFilter[] | null | undefined): SeriesQuery {
  return filters && filters.length > 0 ? { ...query, tags: [...query.tags, ...filters] } : query;
}
