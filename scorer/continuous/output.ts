import type { ContinuousDetectorDefinition, ScoredSeries } from '@tidemark/core';
import { quoteIdentifier, quoteString } from '../influx/escape';
import type { LinePoint } from '../influx/line-protocol';

/** Where a detector writes: its `output.database`, else INFLUX_DATABASE, else the database it reads. */
export function outputDatabase(
  definition: { query: { database: string }; output?: { database?: string | undefined } },
  defaultDatabase: string | null,
): string {
  return definition.output?.database ?? defaultDatabase ?? definition.query.database;
}

/** Tag keys the output measurement uses itself; a series tag with one of these names gets `tag_`. */
const RESERVED = new Set(['org', 'detector', 'series']);

/** The output tag a series tag is written as. */
export const outputTagKey = (key: string) => (RESERVED.has(key) ? `tag_${key}` : key);

export function outputTags(orgId: number, detectorId: string, series: ScoredSeries): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(series.tags)) tags[outputTagKey(key)] = value;
  return { ...tags, org: String(orgId), detector: detectorId, series: series.name };
}

/**
 * The InfluxQL condition selecting what one org's detectors wrote: its `org` tag. Points written
 * before the tag existed have none; they count as the legacy org's (DEFAULT_ORG_ID), the only org
 * a scorer without ID tokens served.
 */
export function writtenByOrg(orgId: number, legacyOrgId: number): string {
  const tag = `${quoteIdentifier('org')}::tag`;
  const own = `${tag} = ${quoteString(String(orgId))}`;
  return orgId === legacyOrgId ? `(${own} OR ${tag} = '')` : own;
}

/**
 * The points a continuous detector writes: one per interval with a value, fields value, expected,
 * lower, upper, score and anomaly (1 or 0, so alert rules can `max()` it), tagged with its org.
 * Writing the same interval again overwrites it: InfluxDB keys a point by measurement, tags and time.
 * In scale-out, field `replica` names the replica that scored it (a field: it splits no series).
 */
export function* outputPoints(
  orgId: number,
  definition: ContinuousDetectorDefinition,
  series: ScoredSeries,
  replica?: string,
  /** Only the intervals (by their time) this keeps: a run writes the few it has not yet. */
  wanted: (time: number) => boolean = () => true,
): Generator<LinePoint> {
  const tags = outputTags(orgId, definition.id, series);
  for (let i = 0; i < series.time.length; i++) {
    const value = series.value[i] ?? null;
    if (value === null || !wanted(series.time[i]!)) continue;
    yield {
      measurement: definition.output.measurement,
      tags,
      time: series.time[i]!,
      fields: {
        value,
        expected: series.expected[i] ?? null,
        lower: series.lower[i] ?? null,
        upper: series.upper[i] ?? null,
        score: series.score[i] ?? null,
        anomaly: series.anomaly[i] ? 1 : 0,
        ...(replica ? { replica } : {}),
      },
    };
  }
}
