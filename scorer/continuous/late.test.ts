/**
 * Late data on a simulated clock: a new host's day of history and an old host's data arriving
 * after its checkpoint are scored (within maxBackfill, once); what is older than maxBackfill, and
 * downtime longer than it, shows in the detector's status and in /metrics.
 */
import type { ContinuousDetector } from '@tidemark/core';
import { createLogger } from '../log';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';
import { DetectorService } from './service';

const influxd = useInfluxd();
let h: Harness;
let detectors: DetectorService;
const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
/** Wednesday 2025-01-15 00:00 UTC. */
const T = Date.UTC(2025, 0, 15);
let now = T;

const definition = {
  id: 'cpu',
  query: { database: 'metrics', measurement: 'cpu', field: 'value', groupBy: ['host'] },
  interval: '1m',
  lag: '1ms',
  maxBackfill: '2d',
  detector: { id: 'robust' as const, params: { trainingWindow: '1d' } },
};

beforeAll(async () => {
  h = await startHarness(influxd.current);
  await createDatabase(h.influx, 'metrics');
  await h.influx.write('metrics', seasonalPoints('cpu', { host: 'a' }, T - 3 * DAY, 7 * 1_440, MINUTE));
  detectors = new DetectorService({
    store: h.deps.store,
    access: h.deps.access,
    scoring: h.deps.scoring,
    logger: createLogger('silent'),
    metrics: h.deps.metrics,
    provisioned: [],
    defaultDatabase: null,
    legacyOrgId: 1,
    now: () => now + 1, // with lag 1ms, the interval ending at `now` is complete
  });
  await detectors.create(1, definition);
}, 60_000);
afterAll(async () => {
  await detectors.stop();
  await h.close();
});

const run = async () => detectors.runNow(1, (await detectors.definitionsOf(1))[0]!);
const status = (): Promise<ContinuousDetector> => detectors.get(1, 'cpu');

async function written(host: string): Promise<number[]> {
  const [result] = await h.influx.query(
    `SELECT "value" FROM "metrics".."tidemark_anomaly" WHERE "host" = '${host}' AND "org" = '1'`,
  );
  return (result?.series?.[0]?.values ?? []).map((row) => Number(row[0]));
}

async function metric(name: string): Promise<number> {
  const text = await (await h.call('GET', '/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{detector="cpu",org="1"} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

it('scores a new host whose day of points arrives after the checkpoint passed them, once', async () => {
  await run(); // a: [T - 2d, T)
  now = T + DAY;
  await run(); // a: up to T + 1d
  expect((await status()).scoredUntil).toBe(T + DAY);

  // Host b: 1,438 points, 24 h to 3 min old, all before the checkpoint.
  await h.influx.write('metrics', seasonalPoints('cpu', { host: 'b' }, T, 1_438, MINUTE));
  await run();
  const times = await written('b');
  expect(times).toHaveLength(1_438);
  expect([times[0], times.at(-1)]).toEqual([T, T + 1_437 * MINUTE]);
  expect((await status()).latePoints).toBe(1_438);

  await run(); // nothing new: nothing scored again
  expect(await written('b')).toEqual(times);
  expect((await status()).latePoints).toBe(1_438);
  expect(await metric('tidemark_continuous_late_points_total')).toBe(1_438);
  expect((await status()).skipped).toEqual({ points: 0, intervals: 0, last: null });
});

it('scores what is within maxBackfill of a late series and reports the older points as skipped', async () => {
  // Host c: 2.5 days up to 5 minutes ago. The detector began at T - 2d and maxBackfill now reaches
  // back to T - 1d: c's 720 points in between are skipped (older ones predate the detector).
  await h.influx.write(
    'metrics',
    seasonalPoints('cpu', { host: 'c' }, T - 1.5 * DAY, 2.5 * 1_440 - 5, MINUTE),
  );
  await run();
  const times = await written('c');
  expect(times[0]).toBe(T - DAY);
  expect(times).toHaveLength(2 * 1_440 - 5);
  const { skipped, latePoints } = await status();
  expect(latePoints).toBe(1_438 + 2 * 1_440 - 5);
  expect(skipped).toEqual({
    points: 720,
    intervals: 0,
    last: { reason: 'too-late', series: 'cpu value {host=c}', from: T - 2 * DAY, to: T - DAY, points: 720 },
  });
  expect(await metric('tidemark_continuous_skipped_points_total')).toBe(720);
});

it('reports downtime longer than maxBackfill (intervals and points) and resumes at its bound', async () => {
  now = T + 4 * DAY; // three days without a run
  await run();
  const state = await status();
  expect(state.scoredUntil).toBe(T + 4 * DAY);
  expect(state.skipped).toEqual({
    points: 720 + 1_440,
    intervals: 1_440,
    last: { reason: 'downtime', series: null, from: T + DAY, to: T + 2 * DAY, points: 1_440 },
  });
  const times = await written('a');
  expect(times.filter((t) => t >= T + DAY && t < T + 2 * DAY)).toEqual([]);
  expect(times.filter((t) => t >= T + 2 * DAY)).toHaveLength(2 * 1_440);
  expect(await metric('tidemark_continuous_skipped_intervals_total')).toBe(1_440);
  // Served as GET /api/v1/detectors/<id> too (the same store).
  const served = (await (await h.call('GET', '/api/v1/detectors/cpu')).json()) as ContinuousDetector;
  expect(served.skipped).toEqual(state.skipped);
});

it('catches a host up after an outage longer than lateWindow, and fills late gaps inside it', async () => {
  const HOUR = 60 * MINUTE;
  const start = T + 3 * DAY;
  const d = seasonalPoints('cpu', { host: 'd' }, start, 29 * 60, MINUTE);
  await h.influx.write('metrics', d.slice(0, 24 * 60)); // host d: the last day
  await run();
  expect(await written('d')).toHaveLength(24 * 60);

  // Its agent buffers for 4 h (runs go on meanwhile), then sends it all.
  now = T + 4 * DAY + 3 * HOUR;
  await run();
  now += HOUR;
  await h.influx.write('metrics', d.slice(24 * 60, 28 * 60));
  await run();
  const times = await written('d');
  expect(times).toHaveLength(28 * 60);
  expect(times.every((t, i) => t === start + i * MINUTE)).toBe(true);

  // Ten minutes of the next hour arrive only after the run that scored the rest of it.
  now += HOUR;
  await h.influx.write('metrics', [...d.slice(28 * 60, 28 * 60 + 30), ...d.slice(28 * 60 + 40)]);
  await run();
  expect(await written('d')).toHaveLength(29 * 60 - 10);
  const { latePoints } = await status();
  await h.influx.write('metrics', d.slice(28 * 60 + 30, 28 * 60 + 40));
  await run();
  expect(await written('d')).toHaveLength(29 * 60);
  expect((await status()).latePoints).toBe(latePoints! + 10);
});
