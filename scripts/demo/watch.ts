/**
 * What the demo prints while it runs: each anomaly region the scorer's continuous detectors
 * write, once, as it appears (read through the scorer's annotations API, as Grafana does), set
 * against the anomalies the feeder injected; and each injected anomaly that went unnoticed.
 */
import { type AnnotationRegion, type ContinuousDetectorDefinition, parseDuration } from '@tidemark/core';
import type { Anomaly } from '../../scorer/feeder/anomalies';
import { DEMO_METRICS } from '../../scorer/feeder/metrics';

const MINUTE = 60_000;
/** A region this soon after an injected anomaly ends is the metric coming back: still that anomaly. */
const RECOVERY_MS = 5 * MINUTE;

export const clockTime = (time: number) => new Date(time).toISOString().slice(11, 16);

/** The injected anomaly a region belongs to (same host and metric, during it or just after), if any. */
export function matchInjected(
  region: AnnotationRegion,
  definitions: readonly ContinuousDetectorDefinition[],
  injected: readonly Anomaly[],
): { anomaly: Anomaly; recovery: boolean } | null {
  const definition = definitions.find((d) => d.id === region.detectorName);
  const metric = DEMO_METRICS.find(
    (m) => m.measurement === definition?.query.measurement && m.field === definition?.query.field,
  );
  if (!definition || !metric) return null;
  // A region starts at its interval's start, which may be before the anomaly's first point.
  const interval = parseDuration(definition.interval);
  const anomaly = injected.find(
    (a) =>
      a.metric === metric.id &&
      a.host === region.tags.host &&
      region.start + interval > a.start &&
      region.start < a.end + RECOVERY_MS,
  );
  return anomaly ? { anomaly, recovery: region.start >= anomaly.end } : null;
}

const span = (region: AnnotationRegion) =>
  `${clockTime(region.start)}${region.end > region.start ? `–${clockTime(region.end)}` : ''}`;

/** Two lines for a new finding; one short line for another region of an anomaly already shown. */
export function describeRegion(
  region: AnnotationRegion,
  match: ReturnType<typeof matchInjected>,
  followUp = false,
): string {
  if (followUp && match)
    return `  + ${span(region)}  score ${Math.round(region.peakScore)}, same ${match.anomaly.kind}`;
  const when = span(region);
  const verdict = !match
    ? 'no anomaly was injected here (a false alarm)'
    : match.recovery
      ? `the metric coming back after the injected ${match.anomaly.kind} (${clockTime(match.anomaly.start)})`
      : `injected ${match.anomaly.kind} at ${clockTime(match.anomaly.start)}`;
  return `● ${when}  ${region.series}  score ${Math.round(region.peakScore)}  ${region.explanation}\n      ← ${verdict}`;
}

export interface WatcherOptions {
  scorerUrl: string;
  token: string;
  definitions: readonly ContinuousDetectorDefinition[];
  /** Injected anomalies so far (history and live), looked up on every poll. */
  injected: () => readonly Anomaly[];
  /** Regions from this time on are reported. */
  since: number;
  print: (line: string) => void;
  now?: () => number;
}

/** Polls `GET /api/v1/annotations` (and `/detectors`, for how far each has scored) and prints what is new. */
export class RegionWatcher {
  private readonly seen = new Set<string>();
  /** Injected anomalies already shown as found, or as missed. */
  private readonly reported = new Set<string>();
  regions = 0;

  constructor(private readonly options: WatcherOptions) {}

  private async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await fetch(`${this.options.scorerUrl}${path}`, {
      headers: { authorization: `Bearer ${this.options.token}` },
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async poll(signal?: AbortSignal): Promise<void> {
    const { since, definitions, print } = this.options;
    const now = this.options.now?.() ?? Date.now();
    // Read the detectors' progress first: every region up to it is then in the annotations.
    const { detectors } = await this.get<{ detectors: Array<{ id: string; scoredUntil: number | null }> }>(
      '/api/v1/detectors',
      signal,
    );
    const { regions } = await this.get<{ regions: AnnotationRegion[] }>(
      `/api/v1/annotations?from=${since}&to=${now + MINUTE}`,
      signal,
    );
    const injected = this.options.injected();
    for (const region of regions) {
      const key = `${region.detectorName}/${region.series}/${region.start}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.regions++;
      const match = matchInjected(region, definitions, injected);
      print(describeRegion(region, match, match !== null && this.reported.has(match.anomaly.id)));
      if (match) this.reported.add(match.anomaly.id);
    }
    for (const anomaly of injected) {
      if (anomaly.start < since || this.reported.has(anomaly.id)) continue;
      const definition = definitions.find((d) => {
        const metric = DEMO_METRICS.find((m) => m.id === anomaly.metric);
        return d.query.measurement === metric?.measurement && d.query.field === metric?.field;
      });
      const scoredUntil = detectors.find((d) => d.id === definition?.id)?.scoredUntil ?? null;
      if (scoredUntil === null || scoredUntil < anomaly.end + RECOVERY_MS) continue;
      this.reported.add(anomaly.id);
      print(`✗ ${clockTime(anomaly.start)}  not flagged: injected ${anomaly.description}`);
    }
  }
}
