import type { SeriesQuery } from '@tidemark/core';
import { ProblemError } from '../http/problem';
import type { InfluxClient } from '../influx';
import { listFieldKeys, listTagKeys, listTagValues } from '../influx/schema';
import type { ReadSeries } from '../influx/series-query';

const missing = (detail: string) =>
  new ProblemError({ status: 404, slug: 'not-found', title: 'Not found in InfluxDB', detail });

const targetOf = (query: SeriesQuery) => ({
  database: query.database,
  ...(query.retentionPolicy ? { retentionPolicy: query.retentionPolicy } : {}),
});

async function checkTagKeys(
  influx: InfluxClient,
  query: SeriesQuery,
  keys: string[],
  options: { signal?: AbortSignal },
): Promise<void> {
  const tagKeys = new Set(await listTagKeys(influx, targetOf(query), query.measurement, options));
  for (const key of keys) {
    if (!tagKeys.has(key))
      throw missing(
        `Measurement ${JSON.stringify(query.measurement)} has no tag ${JSON.stringify(key)}. Pick one from /api/v1/schema/tag-keys.`,
      );
  }
}

/**
 * InfluxDB groups by a tag key it does not know as if every point had the value "": a 404 naming
 * the key instead. Asked only when a read series lacks a value for a group-by key.
 */
export async function checkGroupByKeys(
  influx: InfluxClient,
  query: SeriesQuery,
  read: readonly ReadSeries[],
  signal?: AbortSignal,
): Promise<void> {
  const unset = query.groupBy.filter((key) => read.some((one) => !one.tags[key]));
  if (unset.length > 0) await checkTagKeys(influx, query, unset, signal ? { signal } : {});
}

/**
 * A query that read nothing: say which name does not exist (a 404 naming it beats an empty panel),
 * or return normally when everything exists and the range simply holds no data.
 */
export async function explainEmpty(
  influx: InfluxClient,
  query: SeriesQuery,
  signal?: AbortSignal,
): Promise<void> {
  const target = targetOf(query);
  const options = signal ? { signal } : {};
  const fields = await listFieldKeys(influx, target, query.measurement, options);
  const where = `in database "${query.database}"`;
  if (fields.length === 0) {
    throw missing(
      `Measurement ${JSON.stringify(query.measurement)} does not exist ${where}. Pick one from /api/v1/schema/measurements.`,
    );
  }
  const field = fields.find((f) => f.name === query.field);
  if (!field) {
    throw missing(
      `Measurement ${JSON.stringify(query.measurement)} has no field ${JSON.stringify(query.field)}. Its fields: ${fields.map((f) => f.name).join(', ')}.`,
    );
  }
  if (field.type === 'string' || field.type === 'boolean') {
    throw new ProblemError({
      status: 400,
      slug: 'validation',
      title: 'Not a numeric field',
      detail: `Field ${JSON.stringify(query.field)} holds ${field.type}s; scoring needs a numeric (float or integer) field.`,
    });
  }
  await checkTagKeys(influx, query, [...query.tags.map((t) => t.key), ...query.groupBy], options);
  for (const filter of query.tags.filter((t) => t.operator === '=')) {
    const values = await listTagValues(influx, target, query.measurement, filter.key, {
      ...options,
      filters: [filter],
      limit: 1,
    });
    if (values.length === 0) {
      throw missing(
        `Tag ${JSON.stringify(filter.key)} never has the value ${JSON.stringify(filter.value)} in ${JSON.stringify(query.measurement)}.`,
      );
    }
  }
}
