/**
 * Labelled anomalies the feeder injects, on a schedule fixed by the seed: a spike, a level shift,
 * a slow drift and a flatline, in turn, each on one host's metric. Slots are aligned to the epoch,
 * so the schedule does not depend on when the feeder started (a restart injects nothing twice).
 */
import { DEMO_METRICS, type DemoMetric, hashText, type MetricId, mix } from './metrics';

export const ANOMALY_KINDS = ['spike', 'level-shift', 'drift', 'flatline'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

const MINUTE = 60_000;

/** How long each kind lasts. A drift ramps up over its whole length, then the metric recovers. */
export const ANOMALY_DURATION: Record<AnomalyKind, number> = {
  spike: 3 * MINUTE,
  'level-shift': 20 * MINUTE,
  drift: 40 * MINUTE,
  flatline: 20 * MINUTE,
};

export interface Anomaly {
  /** `<slot start ISO>/<kind>/<host>/<metric>`: unique and stable across restarts. */
  id: string;
  kind: AnomalyKind;
  host: string;
  metric: MetricId;
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
  /** One line for logs and annotations, e.g. `level shift: http latency_p95_ms on web-2 ×1.8 for 20m`. */
  description: string;
}

/** What each kind does to each metric: a function of the normal value and progress (0–1). */
const EFFECTS: Record<
  MetricId,
  Record<Exclude<AnomalyKind, 'flatline'>, [string, (v: number, p: number) => number]>
> = {
  cpu: {
    spike: ['+40 points', (v) => v + 40],
    'level-shift': ['+22 points', (v) => v + 22],
    drift: ['rising to +35 points', (v, p) => v + 35 * p],
  },
  latency: {
    spike: ['×4', (v) => v * 4],
    'level-shift': ['×1.8', (v) => v * 1.8],
    drift: ['rising to ×2.5', (v, p) => v * (1 + 1.5 * p)],
  },
  requests: {
    spike: ['×2.5', (v) => v * 2.5],
    'level-shift': ['×0.45 (traffic drop)', (v) => v * 0.45],
    drift: ['falling to ×0.4', (v, p) => v * (1 - 0.6 * p)],
  },
  errors: {
    spike: ['+6 points', (v) => v + 6],
    'level-shift': ['+2.5 points', (v) => v + 2.5],
    drift: ['rising to +4 points', (v, p) => v + 4 * p],
  },
};

const KIND_TEXT: Record<AnomalyKind, string> = {
  spike: 'spike',
  'level-shift': 'level shift',
  drift: 'slow drift',
  flatline: 'flatline',
};

const metricOf = (id: MetricId) => DEMO_METRICS.find((m) => m.id === id) as DemoMetric;

function formatMinutes(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / MINUTE)}m`;
}

function describe(kind: AnomalyKind, metricId: MetricId, host: string, duration: number): string {
  const metric = metricOf(metricId);
  const effect = kind === 'flatline' ? 'stuck at one value' : EFFECTS[metricId][kind][0];
  return `${KIND_TEXT[kind]}: ${metric.measurement} ${metric.field} on ${host} ${effect} for ${formatMinutes(duration)}`;
}

export interface ScheduleOptions {
  seed: number;
  hosts: readonly string[];
  /** One anomaly per slot of this length (ms), slots aligned to the epoch. */
  every: number;
  /** Slots before this time (the feeder's start) are history: only one in `historyEvery` has an anomaly. */
  liveFrom: number;
  /** Spacing of anomalies in the backfilled history (ms); 0 for none. */
  historyEvery: number;
  /** An extra anomaly this long after `liveFrom` (ms), so a demo need not wait for the first slot. */
  firstAfter?: number;
}

function anomalyOf(kind: AnomalyKind, host: string, metric: MetricId, start: number): Anomaly {
  const duration = ANOMALY_DURATION[kind];
  return {
    id: `${new Date(start).toISOString()}/${kind}/${host}/${metric}`,
    kind,
    host,
    metric,
    start,
    end: start + duration,
    description: describe(kind, metric, host, duration),
  };
}

/** Every (host, metric) pair in an order fixed by the seed. */
function seriesOrder(options: ScheduleOptions): Array<{ host: string; metric: MetricId }> {
  const pairs = options.hosts.flatMap((host) => DEMO_METRICS.map((metric) => ({ host, metric: metric.id })));
  return pairs
    .map((pair) => ({ pair, key: mix(options.seed, hashText(`${pair.host}/${pair.metric}`)) }))
    .sort((a, b) => a.key - b.key)
    .map(({ pair }) => pair);
}

/**
 * The anomaly of slot `slot`. Kinds come in turn; series go round the seeded order, one step
 * further each round, so consecutive anomalies never share a series (they would overlap unless
 * slots are shorter than a few minutes) and every series meets every kind.
 */
function slotAnomaly(options: ScheduleOptions, slot: number): Anomaly {
  const start = slot * options.every;
  // Count active slots only, so history (one slot in many) also cycles through every kind.
  const turn = start >= options.liveFrom ? slot : Math.floor(start / options.historyEvery);
  const kind = ANOMALY_KINDS[turn % ANOMALY_KINDS.length]!;
  const order = seriesOrder(options);
  const round = Math.floor(turn / order.length);
  const { host, metric } = order[(turn + round) % order.length]!;
  return anomalyOf(kind, host, metric, start);
}

/**
 * The extra first anomaly is a level shift (it shows at once, and every detector can see it), on a
 * series that no scheduled anomaly touches while it lasts.
 */
function firstAnomaly(options: ScheduleOptions, firstAfter: number): Anomaly {
  const start = options.liveFrom + firstAfter;
  const end = start + ANOMALY_DURATION['level-shift'];
  const busy = scheduled(options, start, end);
  const pick = mix(options.seed, hashText('first anomaly'));
  const candidates = options.hosts.flatMap((host) =>
    DEMO_METRICS.map((metric) => ({ host, metric: metric.id })),
  );
  for (let i = 0; i < candidates.length; i++) {
    const { host, metric } = candidates[(pick + i) % candidates.length]!;
    if (!busy.some((a) => a.host === host && a.metric === metric))
      return anomalyOf('level-shift', host, metric, start);
  }
  const { host, metric } = candidates[pick % candidates.length]!;
  return anomalyOf('level-shift', host, metric, start);
}

/** Whether the slot starting at `start` holds an anomaly. */
function slotActive(options: ScheduleOptions, start: number): boolean {
  if (start >= options.liveFrom) return true;
  if (options.historyEvery <= 0) return false;
  return start % options.historyEvery === 0;
}

/** The slot anomalies active at some time in [from, to). */
function scheduled(options: ScheduleOptions, from: number, to: number): Anomaly[] {
  const longest = Math.max(...Object.values(ANOMALY_DURATION));
  const found: Anomaly[] = [];
  for (let slot = Math.floor((from - longest) / options.every); slot * options.every < to; slot++) {
    if (!slotActive(options, slot * options.every)) continue;
    const anomaly = slotAnomaly(options, slot);
    if (anomaly.end > from) found.push(anomaly);
  }
  return found;
}

/** Every anomaly that is active at some time in [from, to), in start order. */
export function anomaliesBetween(options: ScheduleOptions, from: number, to: number): Anomaly[] {
  const found = scheduled(options, from, to);
  if (options.firstAfter !== undefined) {
    const first = firstAnomaly(options, options.firstAfter);
    if (first.start < to && first.end > from) found.push(first);
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * A metric's value under the anomalies active at `time`: effects apply in start order; a flatline
 * holds the value the metric had when it began (`valueAt` gives the value without this anomaly).
 */
export function applyAnomalies(
  value: number,
  time: number,
  active: readonly Anomaly[],
  valueAt: (time: number, before: readonly Anomaly[]) => number,
): number {
  let result = value;
  active.forEach((anomaly, index) => {
    if (time < anomaly.start || time >= anomaly.end) return;
    if (anomaly.kind === 'flatline') {
      result = valueAt(anomaly.start, active.slice(0, index));
      return;
    }
    const progress = (time - anomaly.start) / (anomaly.end - anomaly.start);
    result = EFFECTS[anomaly.metric][anomaly.kind][1](result, progress);
  });
  return result;
}
