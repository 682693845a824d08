import {
  type AnnotationRegion,
  type ContinuousDetectorDefinition,
  detectorIdSchema,
  parseDuration,
} from '@tidemark/core';
import { explainPoint } from '@tidemark/core/engine';
import type { InfluxClient, InfluxSeries } from '../influx';
import { epochMsLiteral, qualifiedMeasurement, quoteIdentifier, quoteString } from '../influx/escape';
import { writtenByOrg } from './output';

interface Row {
  time: number;
  score: number;
  value: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
}

function rows(series: InfluxSeries): Row[] {
  const at = (name: string) => series.columns.indexOf(name);
  const [t, s, v, e, l, u] = ['time', 'score', 'value', 'expected', 'lower', 'upper'].map(at) as number[];
  const num = (row: unknown[], i: number | undefined) =>
    typeof row[i ?? -1] === 'number' ? (row[i!] as number) : null;
  return series.values.map((row) => ({
    time: Number(row[t!]),
    score: num(row, s) ?? 0,
    value: num(row, v),
    expected: num(row, e),
    lower: num(row, l),
    upper: num(row, u),
  }));
}

/** The engine's one-line explanation, from the columns a continuous detector wrote back. */
function explanation(peak: Row, detector: string): string {
  const known = (n: number | null) => n ?? Number.NaN;
  return explainPoint({
    value: known(peak.value),
    expected: known(peak.expected),
    lower: known(peak.lower),
    upper: known(peak.upper),
    spread: Number.NaN,
    detector,
  });
}

/** Runs of anomalous points no more than one interval apart become one region. */
export function regionsOf(
  anomalous: Row[],
  intervalMs: number,
  detector: ContinuousDetectorDefinition['detector']['id'],
) {
  const regions: Array<{ start: number; end: number; peak: Row }> = [];
  for (const row of anomalous) {
    const last = regions.at(-1);
    if (last && row.time - last.end <= intervalMs) {
      last.end = row.time;
      if (row.score > last.peak.score) last.peak = row;
    } else {
      regions.push({ start: row.time, end: row.time, peak: row });
    }
  }
  return regions.map(({ start, end, peak }) => ({
    start,
    end,
    peakTime: peak.time,
    peakScore: Math.min(100, Math.max(0, peak.score)),
    detector,
    explanation: explanation(peak, detector),
  }));
}

/**
 * One org's written series: InfluxDB keeps points written before the `org` tag apart from those
 * after; they are one series here, and an interval written both ways counts once.
 */
function mergeOrgTag(series: InfluxSeries[]): Array<{ tags: Record<string, string>; rows: Row[] }> {
  const merged = new Map<string, { tags: Record<string, string>; rows: Map<number, Row> }>();
  for (const one of series) {
    const { org, ...tags } = one.tags ?? {};
    const key = JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)));
    const entry = merged.get(key) ?? { tags, rows: new Map<number, Row>() };
    merged.set(key, entry);
    for (const row of rows(one)) if (org || !entry.rows.has(row.time)) entry.rows.set(row.time, row);
  }
  return [...merged.values()].map(({ tags, rows: byTime }) => ({
    tags,
    rows: [...byTime.values()].sort((a, b) => a.time - b.time),
  }));
}

/** Whose written points to read: the caller's org, and the org untagged (older) points belong to. */
export interface OutputOwner {
  orgId: number;
  legacyOrgId: number;
}

/** Anomaly regions a continuous detector wrote in [from, to), read back from its output measurement. */
export async function detectorRegions(
  influx: InfluxClient,
  owner: OutputOwner,
  definition: ContinuousDetectorDefinition,
  database: string,
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<AnnotationRegion[]> {
  const { output } = definition;
  const text =
    `SELECT "score", "value", "expected", "lower", "upper" FROM ${qualifiedMeasurement(database, output.retentionPolicy, output.measurement)} ` +
    `WHERE time >= ${epochMsLiteral(Math.floor(from))} AND time < ${epochMsLiteral(Math.ceil(to))} ` +
    `AND ${writtenByOrg(owner.orgId, owner.legacyOrgId)} ` +
    `AND ${quoteIdentifier('detector')}::tag = ${quoteString(definition.id)} AND "anomaly" = 1 GROUP BY *`;
  const series = await influx.querySeries(text, { database, ...(signal ? { signal } : {}) });
  const detector = detectorIdSchema.parse(definition.detector.id);
  return mergeOrgTag(series).flatMap((one) => {
    const tags = { ...one.tags };
    const name = tags.series ?? definition.id;
    delete tags.series;
    delete tags.detector;
    return regionsOf(one.rows, parseDuration(definition.interval), detector).map((region) => ({
      ...region,
      series: name,
      tags,
      detectorName: definition.id,
    }));
  });
}
