import { InfluxClient, quoteIdentifier } from '../influx';
import type { LinePoint } from '../influx/line-protocol';
import { useInfluxd } from '../test/influxd';
import { ANOMALY_DURATION, ANOMALY_KINDS, type Anomaly, anomaliesBetween } from './anomalies';
import { type FeedClock, Feeder, type FeederOptions, LABELS_MEASUREMENT } from './feeder';
import { cleanValue, DEMO_METRICS, loadAt, metricById, normalValue } from './metrics';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Wednesday 2025-01-15 10:00 UTC: a fixed start, so every run of these tests sees the same series. */
const T0 = Date.UTC(2025, 0, 15, 10, 0);
const HOSTS = ['web-1', 'web-2', 'web-3'];

/** A clock the test moves by hand; `sleep` advances it instead of waiting. */
function manualClock(start: number): FeedClock & { set(time: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (time) => {
      now = time;
    },
    sleep: async (ms) => {
      now += ms;
    },
  };
}

const noInflux = new InfluxClient({ url: 'http://127.0.0.1:9' });

function feeder(overrides: Partial<FeederOptions> = {}): Feeder {
  return new Feeder({
    influx: noInflux,
    database: 'tidemark',
    seed: 1,
    hosts: HOSTS,
    step: MINUTE,
    history: DAY,
    anomalyEvery: 15 * MINUTE,
    historyAnomalyEvery: 6 * HOUR,
    clock: manualClock(T0),
    ...overrides,
  });
}

const fieldValue = (points: LinePoint[], measurement: string, field: string, host: string, time: number) =>
  points.find((p) => p.measurement === measurement && p.tags?.host === host && p.time === time)?.fields[
    field
  ];

describe('demo metrics', () => {
  it('are deterministic: the same seed, host and time give the same value; another seed does not', () => {
    for (const metric of DEMO_METRICS) {
      expect(normalValue(1, metric, 'web-1', T0)).toBe(normalValue(1, metric, 'web-1', T0));
      const sameSeed = [0, 1, 2, 3].map((i) => normalValue(1, metric, 'web-1', T0 + i * MINUTE));
      const otherSeed = [0, 1, 2, 3].map((i) => normalValue(2, metric, 'web-1', T0 + i * MINUTE));
      expect(otherSeed).not.toEqual(sameSeed);
    }
  });

  it('have a daily cycle (busy afternoons, quiet nights) and a weekly one (quieter weekends)', () => {
    const day = Date.UTC(2025, 0, 15); // a Wednesday
    expect(loadAt(day + 16 * HOUR)).toBeGreaterThan(loadAt(day + 4 * HOUR) * 2);
    const saturday = Date.UTC(2025, 0, 18);
    expect(loadAt(saturday + 16 * HOUR)).toBeLessThan(loadAt(day + 16 * HOUR) * 0.9);
    // Smooth: no step between consecutive minutes anywhere in a week.
    for (let t = day; t < day + 7 * DAY; t += MINUTE) {
      expect(Math.abs(loadAt(t + MINUTE) - loadAt(t))).toBeLessThan(0.01);
    }
  });

  it('stay in range, with noise around the clean value', () => {
    for (const metric of DEMO_METRICS) {
      const residuals: number[] = [];
      for (let i = 0; i < 2_000; i++) {
        const time = T0 + i * MINUTE;
        const value = normalValue(7, metric, 'web-2', time);
        expect(value).toBeGreaterThanOrEqual(metric.min);
        expect(value).toBeLessThanOrEqual(metric.max);
        residuals.push(value - cleanValue(7, metric, 'web-2', time));
      }
      const mean = residuals.reduce((a, b) => a + b, 0) / residuals.length;
      const sd = Math.sqrt(residuals.reduce((a, b) => a + (b - mean) ** 2, 0) / residuals.length);
      expect(sd).toBeGreaterThan(0);
      expect(Math.abs(mean)).toBeLessThan(sd / 2);
    }
  });
});

describe('anomaly schedule', () => {
  const schedule = { seed: 1, hosts: HOSTS, every: 15 * MINUTE, liveFrom: T0, historyEvery: 6 * HOUR };

  it('injects one anomaly per live slot, the kinds in turn, on the seed-chosen host and metric', () => {
    const live = anomaliesBetween(schedule, T0, T0 + 2 * HOUR);
    expect(live.map((a) => a.start)).toEqual(Array.from({ length: 8 }, (_, i) => T0 + i * 15 * MINUTE));
    const kinds = live.map((a) => a.kind);
    for (let i = 1; i < kinds.length; i++) {
      expect(ANOMALY_KINDS.indexOf(kinds[i]!)).toBe((ANOMALY_KINDS.indexOf(kinds[i - 1]!) + 1) % 4);
    }
    for (const anomaly of live) {
      expect(HOSTS).toContain(anomaly.host);
      expect(anomaly.end - anomaly.start).toBe(ANOMALY_DURATION[anomaly.kind]);
      expect(anomaly.description).toContain(anomaly.host);
    }
    expect(new Set(live.map((a) => `${a.host}/${a.metric}`)).size).toBeGreaterThan(2);
  });

  it('keeps history sparse (one per historyEvery), cycling through every kind too', () => {
    const history = anomaliesBetween(schedule, T0 - 2 * DAY, T0 - 40 * MINUTE);
    expect(history.every((a) => a.start % (6 * HOUR) === 0)).toBe(true);
    expect(new Set(history.map((a) => a.kind))).toEqual(new Set(ANOMALY_KINDS));
    expect(anomaliesBetween({ ...schedule, historyEvery: 0 }, T0 - 2 * DAY, T0 - HOUR)).toEqual([]);
  });

  it('does not depend on when the feeder started: slots are aligned to the epoch', () => {
    const later = { ...schedule, liveFrom: T0 + HOUR };
    const window = [T0 + 2 * HOUR, T0 + 4 * HOUR] as const;
    expect(anomaliesBetween(later, ...window)).toEqual(anomaliesBetween(schedule, ...window));
  });

  it('adds a first level shift on a series no scheduled anomaly touches meanwhile', () => {
    const withFirst = { ...schedule, firstAfter: 2 * MINUTE };
    const all = anomaliesBetween(withFirst, T0, T0 + HOUR);
    const first = all.find((a) => a.start === T0 + 2 * MINUTE)!;
    expect(first.kind).toBe('level-shift');
    const overlapping = all.filter((a) => a !== first && a.start < first.end && a.end > first.start);
    expect(overlapping.some((a) => a.host === first.host && a.metric === first.metric)).toBe(false);
  });
});

describe('Feeder points', () => {
  it('writes every metric of every host at every step, and rewriting a range gives the same points', () => {
    const f = feeder();
    const points = [...f.points(T0 - HOUR, T0)];
    const metricPoints = points.filter((p) => p.measurement !== LABELS_MEASUREMENT);
    expect(metricPoints).toHaveLength(60 * HOSTS.length * 2); // cpu and http per host and minute
    for (const point of metricPoints) {
      const fields = DEMO_METRICS.filter((m) => m.measurement === point.measurement).map((m) => m.field);
      expect(Object.keys(point.fields).sort()).toEqual(fields.sort());
    }
    expect([...feeder().points(T0 - HOUR, T0)]).toEqual(points);
  });

  it.each(ANOMALY_KINDS)('applies a %s only while it lasts, on its own host and metric', (kind) => {
    const f = feeder();
    const anomaly = f.anomalies(T0, T0 + 2 * HOUR).find((a) => a.kind === kind)!;
    const metric = metricById(anomaly.metric);
    const points = [...f.points(anomaly.start - 5 * MINUTE, anomaly.end + 5 * MINUTE)];
    const at = (time: number, host = anomaly.host) =>
      fieldValue(points, metric.measurement, metric.field, host, time);
    const normal = (time: number) => normalValue(1, metric, anomaly.host, time);
    expect(at(anomaly.start - MINUTE)).toBe(normal(anomaly.start - MINUTE));
    expect(at(anomaly.end)).toBe(normal(anomaly.end));
    const inside = Array.from(
      { length: (anomaly.end - anomaly.start) / MINUTE },
      (_, i) => anomaly.start + i * MINUTE,
    );
    const changed = inside.filter((t) => at(t) !== normal(t));
    if (kind === 'flatline') {
      expect(new Set(inside.map((t) => at(t))).size).toBe(1);
      expect(at(anomaly.start)).toBe(normal(anomaly.start));
    } else {
      expect(changed.length).toBeGreaterThanOrEqual(inside.length - 1); // a drift starts at zero
    }
    const otherHost = HOSTS.find((h) => h !== anomaly.host)!;
    expect(at(anomaly.start + MINUTE, otherHost)).toBe(
      normalValue(1, metric, otherHost, anomaly.start + MINUTE),
    );
  });

  it('labels each anomaly once, at its start, with its end and description', () => {
    const f = feeder();
    const labels = [...f.points(T0, T0 + HOUR)].filter((p) => p.measurement === LABELS_MEASUREMENT);
    const anomalies = f.anomalies(T0, T0 + HOUR).filter((a) => a.start >= T0);
    expect(labels.map((l) => l.time)).toEqual(anomalies.map((a) => a.start));
    expect(labels[0]).toEqual({
      measurement: LABELS_MEASUREMENT,
      tags: { kind: anomalies[0]!.kind, host: anomalies[0]!.host, metric: anomalies[0]!.metric },
      fields: {
        description: anomalies[0]!.description,
        end_ms: anomalies[0]!.end,
        duration_s: (anomalies[0]!.end - anomalies[0]!.start) / 1000,
      },
      time: anomalies[0]!.start,
    });
  });
});

describe('Feeder against a real influxd', () => {
  const influxd = useInfluxd();
  let influx: InfluxClient;
  beforeAll(async () => {
    influx = new InfluxClient({ url: influxd.current.url });
    await influx.query('CREATE DATABASE "feed"');
  });

  const count = async (measurement: string, field: string) => {
    const [series] = await influx.querySeries(
      `SELECT count(${quoteIdentifier(field)}) FROM ${quoteIdentifier(measurement)}`,
      { database: 'feed' },
    );
    return series?.values[0]?.[1] as number | undefined;
  };

  it('backfills history, then goes live step by step, logging each injection once', async () => {
    const clock = manualClock(T0);
    const injected: Array<[Anomaly, string]> = [];
    const f = feeder({
      influx,
      database: 'feed',
      clock,
      onInjected: (a, phase) => injected.push([a, phase]),
    });
    const backfill = await f.backfill();
    expect(backfill).toMatchObject({ from: T0 - DAY, to: T0 });
    expect(await count('cpu', 'usage_percent')).toBe(24 * 60 * HOSTS.length);
    expect(injected.map(([a, phase]) => [a.start, phase])).toEqual(
      [T0 - DAY + 2 * HOUR, T0 - DAY + 8 * HOUR, T0 - DAY + 14 * HOUR, T0 - DAY + 20 * HOUR].map((t) => [
        t,
        'history',
      ]),
    );

    // Live for 40 minutes of the manual clock: one write per step, each anomaly logged as it starts.
    injected.length = 0;
    await f.live(new AbortController().signal, T0 + 40 * MINUTE);
    expect(await count('cpu', 'usage_percent')).toBe((24 * 60 + 40) * HOSTS.length);
    expect(injected.map(([a, phase]) => [a.start, phase])).toEqual(
      [T0, T0 + 15 * MINUTE, T0 + 30 * MINUTE].map((t) => [t, 'live']),
    );
    const labels = await influx.querySeries(
      `SELECT "description", "end_ms" FROM ${quoteIdentifier(LABELS_MEASUREMENT)} WHERE time >= ${T0}ms`,
      { database: 'feed' },
    );
    expect(labels[0]?.values.map((row) => row[1])).toEqual(injected.map(([a]) => a.description));
  });

  it('resumes after the last point on restart: nothing rewritten, nothing relabelled', async () => {
    const clock = manualClock(T0 + HOUR);
    const injected: Anomaly[] = [];
    const restarted = feeder({ influx, database: 'feed', clock, onInjected: (a) => injected.push(a) });
    const backfill = await restarted.backfill();
    expect(backfill.from).toBe(T0 + 40 * MINUTE);
    // The slot at T0+45m fell between the runs: it is history now, and history is sparse.
    expect(injected).toEqual([]);
    expect(await count('cpu', 'usage_percent')).toBe((24 * 60 + 60) * HOSTS.length);
  });

  it('keeps going when a write fails: the step is written on the next try, with no gap', async () => {
    const clock = manualClock(T0);
    const errors: unknown[] = [];
    const down = new InfluxClient({ url: 'http://127.0.0.1:9', retries: 0 });
    const flaky = Object.create(influx) as InfluxClient;
    let failures = 2;
    flaky.write = (...args: Parameters<InfluxClient['write']>) =>
      failures-- > 0 ? down.write(...args) : influx.write(...args);
    await influx.query('CREATE DATABASE "flaky"');
    const f = feeder({ influx: flaky, database: 'flaky', clock });
    await f.live(new AbortController().signal, T0 + 10 * MINUTE, (error) => errors.push(error));
    expect(errors).toHaveLength(2);
    const [series] = await influx.querySeries('SELECT count("usage_percent") FROM "cpu"', {
      database: 'flaky',
    });
    expect(series?.values[0]?.[1]).toBe(10 * HOSTS.length);
  });

  it('stops when aborted', async () => {
    const stop = new AbortController();
    const clock = manualClock(T0);
    const f = feeder({ influx, database: 'feed', clock, onWritten: () => stop.abort() });
    await f.live(stop.signal);
    expect(clock.now()).toBeLessThan(T0 + 5 * MINUTE);
  });
});
