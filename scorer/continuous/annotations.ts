import {
  type AnnotationRegion,
  type ContinuousDetectorDefinition,
  detectorIdSchema,
  parseDuration,
} from '@tidemark/core';
import { explainPoint } from '@tidemark/core/engine';
import type { InfluxClient } from '../influx';
import { type OutputOwner, readWritten, type WrittenRow } from './written';

/** The engine's one-line explanation, from the columns a continuous detector wrote back. */
function explanation(peak: WrittenRow, detector: string): string {
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
  anomalous: WrittenRow[],
  intervalMs: number,
  detector: ContinuousDetectorDefinition['detector']['id'],
) {
  const regions: Array<{ start: number; end: number; peak: WrittenRow }> = [];
  for (const row of anomalous) {
    const last = regions.at(-1);
    if (last && row.time - last.end <= intervalMs) {
      last.end = row.time;
      if ((row.score ?? 0) > (last.peak.score ?? 0)) last.peak = row;
    } else {
      regions.push({ start: row.time, end: row.time, peak: row });
    }
  }
  return regions.map(({ start, end, peak }) => ({
    start,
    end,
    peakTime: peak.time,
    peakScore: Math.min(100, Math.max(0, peak.score ?? 0)),
    detector,
    explanation: explanation(peak, detector),
  }));
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
  const written = await readWritten(
    influx,
    owner,
    definition,
    database,
    { from, to, anomalousOnly: true },
    signal,
  );
  const detector = detectorIdSchema.parse(definition.detector.id);
  return written.flatMap((one) => {
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
