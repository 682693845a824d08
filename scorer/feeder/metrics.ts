/**
 * The demo's ops metrics: what a small web service's hosts report (CPU, p95 request latency,
 * request rate, error rate), with a daily and a weekly cycle and noise. Every value is a pure
 * function of (seed, host, metric, time), so any range can be (re)written in any order and gives
 * the same points: a restarted feeder or a test that jumps ahead sees the same series.
 */

/** One metric the feeder writes: an InfluxDB measurement and field, tagged by `host`. */
export interface DemoMetric {
  /** Short id used in logs and anomaly labels. */
  id: MetricId;
  measurement: string;
  field: string;
  unit: string;
  /** Clean value (before noise) for a host at a load level (0.3–1). */
  level(load: number, hostScale: number): number;
  /** Noise added to the clean value, from a standard normal draw. */
  noise(clean: number, z: number): number;
  min: number;
  max: number;
  /** Decimals written, as a real exporter would round. */
  decimals: number;
}

export type MetricId = 'cpu' | 'latency' | 'requests' | 'errors';

export const DEMO_METRICS: readonly DemoMetric[] = [
  {
    id: 'cpu',
    measurement: 'cpu',
    field: 'usage_percent',
    unit: '%',
    level: (load, scale) => 8 + 52 * load * scale,
    noise: (_clean, z) => 1.6 * z,
    min: 0,
    max: 100,
    decimals: 2,
  },
  {
    id: 'latency',
    measurement: 'http',
    field: 'latency_p95_ms',
    unit: 'ms',
    level: (load, scale) => 70 + 55 * (load * scale) ** 2,
    noise: (clean, z) => clean * (Math.exp(0.05 * z) - 1),
    min: 1,
    max: Number.POSITIVE_INFINITY,
    decimals: 1,
  },
  {
    id: 'requests',
    measurement: 'http',
    field: 'requests_per_s',
    unit: 'req/s',
    level: (load, scale) => 240 * load * scale,
    noise: (clean, z) => 0.035 * clean * z,
    min: 0,
    max: Number.POSITIVE_INFINITY,
    decimals: 1,
  },
  {
    id: 'errors',
    measurement: 'http',
    field: 'error_percent',
    unit: '%',
    level: (load) => 0.25 + 0.25 * load,
    noise: (_clean, z) => 0.06 * z,
    min: 0,
    max: 100,
    decimals: 3,
  },
];

export function metricById(id: string): DemoMetric {
  const metric = DEMO_METRICS.find((m) => m.id === id);
  if (!metric)
    throw new Error(`unknown demo metric "${id}": use one of ${DEMO_METRICS.map((m) => m.id).join(', ')}`);
  return metric;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1970-01-01 was a Thursday: Saturday 12:00 UTC is 2.5 days later in every week. */
const SATURDAY_NOON = 2.5 * DAY;

/**
 * Traffic level at a time, 0.3–1: a daily curve (quiet at 04:00 UTC, busiest in the afternoon)
 * times a smooth weekly one (about 20 % less at the weekend). Smooth on purpose: a step at midnight
 * would be an anomaly of the simulation, not of the service.
 */
export function loadAt(time: number): number {
  const hour = (((time % DAY) + DAY) % DAY) / HOUR;
  const daily = 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24);
  const shoulder = 0.12 * Math.sin((4 * Math.PI * (hour - 4)) / 24);
  const weekly = 1 - 0.2 * (0.5 + 0.5 * Math.cos((2 * Math.PI * (time - SATURDAY_NOON)) / WEEK));
  return Math.min(1, Math.max(0.3, (0.3 + 0.7 * Math.min(1, Math.max(0, daily + shoulder))) * weekly));
}

/** 32-bit string hash (FNV-1a), for turning host and metric names into seeds. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A well-mixed 32-bit hash of integers (a murmur3 finaliser per input). */
export function mix(...values: number[]): number {
  let hash = 0x9e3779b9;
  for (const value of values) {
    let k = Math.imul(value | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    hash ^= Math.imul(k, 0x1b873593);
    hash = Math.imul((hash << 13) | (hash >>> 19), 5) + 0xe6546b64;
    // The high part of large numbers (epoch ms) matters too.
    hash ^= Math.floor(value / 2 ** 32) | 0;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A uniform number in (0, 1) determined by the inputs. */
export function uniformOf(...values: number[]): number {
  return (mix(...values) + 0.5) / 2 ** 32;
}

/** A standard normal draw determined by the inputs (Box–Muller on two hashed uniforms). */
export function normalOf(...values: number[]): number {
  const u = uniformOf(...values, 1);
  const v = uniformOf(...values, 2);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A host's size relative to the others, 0.8–1.2, fixed by the seed and its name. */
export function hostScale(seed: number, host: string): number {
  return 0.8 + 0.4 * uniformOf(seed, hashText(host));
}

const round = (value: number, decimals: number) => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

export function clampTo(metric: DemoMetric, value: number): number {
  return round(Math.min(metric.max, Math.max(metric.min, value)), metric.decimals);
}

/** The clean (noise-free) value of a metric on a host at a time. */
export function cleanValue(seed: number, metric: DemoMetric, host: string, time: number): number {
  return metric.level(loadAt(time), hostScale(seed, host));
}

/** The value the feeder writes when no anomaly is active: clean value plus noise, clamped, rounded. */
export function normalValue(seed: number, metric: DemoMetric, host: string, time: number): number {
  const clean = cleanValue(seed, metric, host, time);
  const z = normalOf(seed, hashText(host), hashText(metric.id), time);
  return clampTo(metric, clean + metric.noise(clean, z));
}
