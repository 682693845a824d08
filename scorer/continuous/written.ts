import type { ContinuousDetectorDefinition } from '@tidemark/core';
import type { InfluxClient, InfluxSeries } from '../influx';
import { epochMsLiteral, qualifiedMeasurement, quoteIdentifier, quoteString } from '../influx/escape';
import { writtenByOrg } from './output';

/** One interval a continuous detector wrote back. */
export interface WrittenRow {
  time: number;
  score: number | null;
  anomaly: boolean;
  value: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
}

/** One written series: its output tags (without `org`) and rows in time order. */
export interface WrittenSeries {
  tags: Record<string, string>;
  rows: WrittenRow[];
}

/** Whose written points to read: the caller's org, and the org untagged (older) points belong to. */
export interface OutputOwner {
  orgId: number;
  legacyOrgId: number;
}

const FIELDS = ['score', 'anomaly', 'value', 'expected', 'lower', 'upper'] as const;

function rows(series: InfluxSeries): WrittenRow[] {
  const at = (name: string) => series.columns.indexOf(name);
  const time = at('time');
  const [s, a, v, e, l, u] = FIELDS.map(at);
  const num = (row: unknown[], i: number | undefined) =>
    i !== undefined && i >= 0 && typeof row[i] === 'number' ? (row[i] as number) : null;
  return series.values.map((row) => ({
    time: Number(row[time]),
    score: num(row, s),
    anomaly: num(row, a) === 1,
    value: num(row, v),
    expected: num(row, e),
    lower: num(row, l),
    upper: num(row, u),
  }));
}

/**
 * One org's written series: InfluxDB keeps points written before the `org` tag apart from those
 * after; they are one series here, and an interval written both ways counts once.
 */
function mergeOrgTag(series: InfluxSeries[]): WrittenSeries[] {
  const merged = new Map<string, { tags: Record<string, string>; rows: Map<number, WrittenRow> }>();
  for (const one of series) {
    const { org, ...tags } = one.tags ?? {};
    const key = JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)));
    const entry = merged.get(key) ?? { tags, rows: new Map<number, WrittenRow>() };
    merged.set(key, entry);
    for (const row of rows(one)) if (org || !entry.rows.has(row.time)) entry.rows.set(row.time, row);
  }
  return [...merged.values()].map(({ tags, rows: byTime }) => ({
    tags,
    rows: [...byTime.values()].sort((a, b) => a.time - b.time),
  }));
}

/** What a continuous detector wrote in [from, to) for one org (`anomalousOnly`: flagged points). */
export async function readWritten(
  influx: InfluxClient,
  owner: OutputOwner,
  definition: ContinuousDetectorDefinition,
  database: string,
  range: { from: number; to: number; anomalousOnly?: boolean },
  signal?: AbortSignal,
): Promise<WrittenSeries[]> {
  const { output } = definition;
  const text =
    `SELECT ${FIELDS.map((f) => quoteIdentifier(f)).join(', ')} ` +
    `FROM ${qualifiedMeasurement(database, output.retentionPolicy, output.measurement)} ` +
    `WHERE time >= ${epochMsLiteral(Math.floor(range.from))} AND time < ${epochMsLiteral(Math.ceil(range.to))} ` +
    `AND ${writtenByOrg(owner.orgId, owner.legacyOrgId)} ` +
    `AND ${quoteIdentifier('detector')}::tag = ${quoteString(definition.id)}` +
    `${range.anomalousOnly ? ' AND "anomaly" = 1' : ''} GROUP BY *`;
  return mergeOrgTag(await influx.querySeries(text, { database, ...(signal ? { signal } : {}) }));
}
