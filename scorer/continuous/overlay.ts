import {
  type ContinuousDetectorDefinition,
  type Notice,
  type ParsedScoreRequest,
  parseDuration,
  type ScoredSeries,
} from '@tidemark/core';
import { explainPoint, findRegions } from '@tidemark/core/engine';
import { queryKey } from '../scoring/series-identity';
import type { WrittenRow } from './written';

/** JSON with sorted keys: the same text for the same parameters in any order. */
function canonical(value: Record<string, unknown>): string {
  return JSON.stringify(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The continuous detector whose output is what this request scores: the same query (filters,
 * group-by, aggregation), detector and parameters, and an interval equal to the request's.
 */
export function coveringDetector(
  definitions: readonly ContinuousDetectorDefinition[],
  request: ParsedScoreRequest,
): ContinuousDetectorDefinition | undefined {
  const key = queryKey(request.query, request.detector.id);
  const params = canonical(request.detector.params);
  return definitions.find(
    (d) =>
      parseDuration(d.interval) === request.intervalMs &&
      d.detector.id === request.detector.id &&
      canonical(d.detector.params) === params &&
      queryKey(d.query, d.detector.id) === key,
  );
}

/**
 * `series` with what a continuous detector wrote where it wrote it (value, band, score, anomaly),
 * and its regions found again over the result. Returns the last time replaced, or null.
 */
export function overlayWritten(series: ScoredSeries, written: readonly WrittenRow[]): number | null {
  const byTime = new Map(written.map((row) => [row.time, row]));
  const computed = new Map(series.regions.map((region) => [region.peakTime, region.explanation]));
  const replaced = new Uint8Array(series.time.length);
  let last: number | null = null;
  series.time.forEach((time, i) => {
    const row = byTime.get(time);
    if (!row) return;
    replaced[i] = 1;
    last = time;
    series.value[i] = row.value;
    series.expected[i] = row.expected;
    series.lower[i] = row.lower;
    series.upper[i] = row.upper;
    series.score[i] = row.score;
    series.anomaly[i] = row.anomaly;
  });
  if (last === null) return null;
  series.regions = regionsAgain(series, (i) => (!replaced[i] && computed.get(series.time[i]!)) || null);
  return last;
}

const known = (n: number | null | undefined) => n ?? Number.NaN;

/**
 * The series' regions found again over its (changed) columns; a peak's explanation is `kept`'s
 * where it has one, else made from the point's value and band.
 */
export function regionsAgain(series: ScoredSeries, kept: (index: number) => string | null) {
  return findRegions({
    times: series.time,
    score: series.score.map(known),
    anomaly: series.anomaly,
    detector: series.detector,
    explain: (i) =>
      kept(i) ??
      explainPoint({
        value: known(series.value[i]),
        expected: known(series.expected[i]),
        lower: known(series.lower[i]),
        upper: known(series.upper[i]),
        spread: Number.NaN,
        detector: series.detector,
      }),
  });
}

export function writtenNotice(definition: ContinuousDetectorDefinition, until: number): Notice {
  return {
    severity: 'info',
    text: `Up to ${new Date(until).toISOString()} these are the scores continuous detector "${definition.id}" wrote back (what its annotations and alerts show); later points are scored now.`,
  };
}
