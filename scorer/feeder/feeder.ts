/**
 * The demo feeder: writes the demo metrics (`metrics.ts`) for several hosts to InfluxDB through
 * the v1 write API, backfills history first, then keeps writing one step at a time on a clock,
 * injecting the scheduled anomalies (`anomalies.ts`) and writing a label point for each one.
 */
import type { InfluxClient } from '../influx';
import { quoteIdentifier } from '../influx/escape';
import type { LinePoint } from '../influx/line-protocol';
import { type Anomaly, anomaliesBetween, applyAnomalies, type ScheduleOptions } from './anomalies';
import { clampTo, DEMO_METRICS, type DemoMetric, normalValue } from './metrics';

/** Where the feeder labels what it injected: one point per anomaly, at its start. */
export const LABELS_MEASUREMENT = 'tidemark_demo_injected';

/** Time as the feeder sees it: real time, or faster (`speed`), or driven by a test. */
export interface FeedClock {
  now(): number;
  /** Resolves after `ms` of this clock's time (or when `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock, optionally running `speed` times faster from `startAt` (default: now). */
export function realtimeClock(speed = 1, startAt = Date.now()): FeedClock {
  const realStart = Date.now();
  return {
    now: () => startAt + (Date.now() - realStart) * speed,
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, ms / speed));
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

export interface FeederOptions {
  influx: InfluxClient;
  database: string;
  retentionPolicy?: string;
  seed: number;
  hosts: readonly string[];
  /** Time between points (ms). */
  step: number;
  /** How much history to backfill before the start (ms). */
  history: number;
  /** One live anomaly per slot of this length (ms). */
  anomalyEvery: number;
  /** Spacing of anomalies in the backfilled history (ms, a multiple of `anomalyEvery`); 0 for none. */
  historyAnomalyEvery: number;
  /** An extra level shift this long after the start (ms). */
  firstAnomalyAfter?: number;
  clock: FeedClock;
  /** Called once per anomaly, when the step it starts in is written. */
  onInjected?: (anomaly: Anomaly, phase: 'history' | 'live') => void;
  /** Called after each write with the time written up to (exclusive) and the points written. */
  onWritten?: (until: number, points: number) => void;
  /** The credentials may only write: backfill all of `history` instead of reading where an earlier run stopped. */
  writeOnly?: boolean;
}

const alignDown = (time: number, step: number) => Math.floor(time / step) * step;

/** One host's values at one time, as line-protocol points (one per measurement). */
function pointsAt(seed: number, host: string, time: number, active: readonly Anomaly[]): LinePoint[] {
  const byMeasurement = new Map<string, LinePoint>();
  for (const metric of DEMO_METRICS) {
    const mine = active.filter((a) => a.host === host && a.metric === metric.id);
    const value =
      mine.length === 0 ? normalValue(seed, metric, host, time) : anomalous(seed, metric, host, time, mine);
    const point = byMeasurement.get(metric.measurement) ?? {
      measurement: metric.measurement,
      tags: { host },
      fields: {},
      time,
    };
    point.fields[metric.field] = value;
    byMeasurement.set(metric.measurement, point);
  }
  return [...byMeasurement.values()];
}

function anomalous(seed: number, metric: DemoMetric, host: string, time: number, active: readonly Anomaly[]) {
  const valueAt = (at: number, before: readonly Anomaly[]): number =>
    applyAnomalies(normalValue(seed, metric, host, at), at, before, valueAt);
  return clampTo(metric, valueAt(time, active));
}

function labelPoint(anomaly: Anomaly): LinePoint {
  return {
    measurement: LABELS_MEASUREMENT,
    tags: { kind: anomaly.kind, host: anomaly.host, metric: anomaly.metric },
    fields: {
      description: anomaly.description,
      end_ms: anomaly.end,
      duration_s: (anomaly.end - anomaly.start) / 1000,
    },
    time: anomaly.start,
  };
}

export class Feeder {
  /** The first live step: history is everything before it. */
  readonly liveFrom: number;
  private readonly schedule: ScheduleOptions;

  constructor(private readonly options: FeederOptions) {
    if (options.hosts.length === 0) throw new Error('the feeder needs at least one host');
    if (options.historyAnomalyEvery % options.anomalyEvery !== 0) {
      throw new Error('the history anomaly spacing must be a multiple of the live anomaly spacing');
    }
    this.liveFrom = alignDown(options.clock.now(), options.step);
    this.schedule = {
      seed: options.seed,
      hosts: options.hosts,
      every: options.anomalyEvery,
      liveFrom: this.liveFrom,
      historyEvery: options.historyAnomalyEvery,
      ...(options.firstAnomalyAfter !== undefined ? { firstAfter: options.firstAnomalyAfter } : {}),
    };
  }

  /** The anomalies active at some time in [from, to). */
  anomalies(from: number, to: number): Anomaly[] {
    return anomaliesBetween(this.schedule, from, to);
  }

  /** Every point of [from, to): the metrics of every host at each step, and the labels of anomalies starting then. */
  *points(from: number, to: number): Generator<LinePoint> {
    const { step, seed, hosts } = this.options;
    const active = this.anomalies(from, to);
    for (const anomaly of active) if (anomaly.start >= from && anomaly.start < to) yield labelPoint(anomaly);
    for (let time = Math.ceil(from / step) * step; time < to; time += step) {
      const now = active.filter((a) => a.start <= time && time < a.end);
      for (const host of hosts) yield* pointsAt(seed, host, time, now);
    }
  }

  /** Writes [from, to) and reports the anomalies that start in it. Rewriting a range gives the same points. */
  async writeRange(from: number, to: number, signal?: AbortSignal): Promise<number> {
    if (to <= from) return 0;
    const { influx, database, retentionPolicy } = this.options;
    const written = await influx.write(database, this.points(from, to), {
      ...(retentionPolicy ? { retentionPolicy } : {}),
      ...(signal ? { signal } : {}),
    });
    for (const anomaly of this.anomalies(from, to)) {
      if (anomaly.start < from || anomaly.start >= to) continue;
      this.options.onInjected?.(anomaly, anomaly.start < this.liveFrom ? 'history' : 'live');
    }
    this.options.onWritten?.(to, written);
    return written;
  }

  /** When the demo metrics were last written, or null for an empty database. */
  async lastWritten(signal?: AbortSignal): Promise<number | null> {
    const [first] = DEMO_METRICS;
    const { influx, database } = this.options;
    const series = await influx.querySeries(
      `SELECT last(${quoteIdentifier(first!.field)}) FROM ${quoteIdentifier(first!.measurement)}`,
      { database, ...(signal ? { signal } : {}) },
    );
    const time = series[0]?.values[0]?.[0];
    return typeof time === 'number' ? time : null;
  }

  /**
   * Fills the history before the start: `history` back, or from just after what an earlier run
   * wrote (a restarted feeder does not rewrite, and so does not relabel, its own past).
   */
  async backfill(signal?: AbortSignal): Promise<{ from: number; to: number; points: number }> {
    const { history, step, writeOnly } = this.options;
    // Rewriting history gives the same points (the same seed), so a write-only feeder loses nothing.
    const last = writeOnly ? null : await this.lastWritten(signal);
    const from = Math.max(alignDown(this.liveFrom - history, step), last === null ? -Infinity : last + step);
    const to = this.liveFrom;
    const points = await this.writeRange(from, to, signal);
    return { from: Math.min(from, to), to, points };
  }

  /**
   * Writes live until `signal` aborts (or the clock passes `until`): each step once its time has
   * come. A failed write is tried again a step later, from where it stopped, so a short InfluxDB
   * outage leaves no gap.
   */
  async live(signal: AbortSignal, until = Number.POSITIVE_INFINITY, onError?: (error: unknown) => void) {
    const { clock, step } = this.options;
    let next = this.liveFrom;
    while (!signal.aborted && next < until) {
      const due = Math.min(until, alignDown(clock.now(), step) + step);
      let wait = next - clock.now();
      if (due > next) {
        try {
          await this.writeRange(next, due, signal);
          next = due;
          wait = next - clock.now();
        } catch (error) {
          if (signal.aborted) break;
          onError?.(error);
          wait = step;
        }
      }
      if (next < until) await clock.sleep(Math.max(1, wait), signal);
    }
  }
}
