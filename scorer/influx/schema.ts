import type { InfluxClient, InfluxSeries, RequestOptions } from './client';
import { InfluxError } from './errors';
import { qualifiedMeasurement, quoteIdentifier } from './escape';
import { type TagFilterInput, tagConditions } from './series-query';

/** The query editor's schema look-ups. Every name is escaped; no regex is built from input. */
export interface SchemaTarget {
  database: string;
  retentionPolicy?: string;
}

export interface FieldKey {
  name: string;
  type: string;
}

const DEFAULT_LIMIT = 1_000;

function column(series: readonly InfluxSeries[], name: string): string[] {
  const out: string[] = [];
  for (const one of series) {
    const index = one.columns.indexOf(name);
    for (const row of one.values) out.push(String(row[index]));
  }
  return out;
}

function limitClause(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit <= 0)
    throw new RangeError(`limit ${limit} is not a positive integer`);
  return ` LIMIT ${limit}`;
}

function from(target: SchemaTarget, measurement: string): string {
  return qualifiedMeasurement(target.database, target.retentionPolicy, measurement);
}

function where(filters: readonly TagFilterInput[] | undefined): string {
  const conditions = tagConditions(filters ?? []);
  return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
}

export async function listDatabases(client: InfluxClient, options: RequestOptions = {}): Promise<string[]> {
  const names = column(await client.querySeries('SHOW DATABASES', options), 'name');
  return names.filter((name) => name !== '_internal');
}

export async function listMeasurements(
  client: InfluxClient,
  target: SchemaTarget,
  options: RequestOptions & { limit?: number } = {},
): Promise<string[]> {
  const text = `SHOW MEASUREMENTS ON ${quoteIdentifier(target.database)}${limitClause(options.limit ?? DEFAULT_LIMIT)}`;
  const names = column(await client.querySeries(text, { ...options, database: target.database }), 'name');
  // InfluxDB answers an unknown database with no measurements rather than an error: tell them apart.
  if (names.length === 0 && !(await listDatabases(client, options)).includes(target.database)) {
    throw new InfluxError('not-found', `InfluxDB: database not found: ${JSON.stringify(target.database)}`);
  }
  return names;
}

export async function listFieldKeys(
  client: InfluxClient,
  target: SchemaTarget,
  measurement: string,
  options: RequestOptions = {},
): Promise<FieldKey[]> {
  const text = `SHOW FIELD KEYS FROM ${from(target, measurement)}`;
  const series = await client.querySeries(text, { ...options, database: target.database });
  const names = column(series, 'fieldKey');
  const types = column(series, 'fieldType');
  return names.map((name, i) => ({ name, type: types[i] ?? 'unknown' }));
}

export async function listTagKeys(
  client: InfluxClient,
  target: SchemaTarget,
  measurement: string,
  options: RequestOptions = {},
): Promise<string[]> {
  const text = `SHOW TAG KEYS FROM ${from(target, measurement)}`;
  return column(await client.querySeries(text, { ...options, database: target.database }), 'tagKey');
}

/** Values of one tag key, optionally narrowed by other tag filters (for cascading pickers). */
export async function listTagValues(
  client: InfluxClient,
  target: SchemaTarget,
  measurement: string,
  key: string,
  options: RequestOptions & { filters?: readonly TagFilterInput[]; limit?: number } = {},
): Promise<string[]> {
  const text =
    `SHOW TAG VALUES FROM ${from(target, measurement)} WITH KEY = ${quoteIdentifier(key)}` +
    `${where(options.filters)}${limitClause(options.limit ?? DEFAULT_LIMIT)}`;
  return column(await client.querySeries(text, { ...options, database: target.database }), 'value');
}
