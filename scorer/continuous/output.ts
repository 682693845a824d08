import type { ContinuousDetectorDefinition, ScoredSeries } from '@tidemark/core';
import type { LinePoint } from '../influx/line-protocol';

/** Tag keys the output measurement uses itself; a series tag with one of these names gets `tag_`. */
const RESERVED = new Set(['detector', 'series']);

export function outputTags(detectorId: string, series: ScoredSeries): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(series.tags))
    tags[RESERVED.has(key) ? `tag_${key}` : key] = value;
  return { ...tags, detector: detectorId, series: series.name };
}

/**
 * The points a continuous detector writes: one per interval with a value, fields value, expected,
 * lower, upper, score and anomaly (1 or 0, so alert rules can `max()` it). Writing the same
 * interval again overwrites it: InfluxDB keys a point by measurement, tags and time.
 */
export function* outputPoints(
  definition: ContinuousDetectorDefinition,
  series: ScoredSeries,
): Generator<LinePoint> {
  const tags = outputTags(definition.id, series);
  for (let i = 0; i < series.time.length; i++) {
    const value = series.value[i] ?? null;
    if (value === null) continue;
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
      },
    };
  }
}
