import type { SeriesQuery } from '@tidemark/core';
import { ProblemError } from '../http/problem';
import type { InfluxClient } from '../influx';
import { listFieldKeys, listTagKeys, listTagValues } from '../influx/schema';

const missing = (detail: string) =>
  new ProblemError({ status: 404, slug: 'not-found', title: 'Not found in InfluxDB', detail });

/**
 * A query that read nothing: say which name does not exist (a 404 naming it beats an empty panel),
 * or return normally when everything exists and the range simply holds no data.
 */
export async function explainEmpty(
  influx: InfluxClient,
  query: SeriesQuery,
  signal?: AbortSignal,
): Promise<void> {
  const target = {
    database: query.database,
    ...(query.retentionPolicy ? { retentionPolicy: query.retentionPolicy } : {}),
  };
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
  const tagKeys = new Set(await listTagKeys(influx, target, query.measurement, options));
  for (const key of [...query.tags.map((t) => t.key), ...query.groupBy]) {
    if (!tagKeys.has(key))
      throw missing(`Measurement ${JSON.stringify(query.measurement)} has no tag ${JSON.stringify(key)}.`);
  }
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
