/**
 * Scale-out continuous detection: three real `tidemark serve` replicas on one redis-server and
 * one influxd share a detector's partitions through BullMQ. Every interval of every series is
 * scored exactly once, by one replica (each point names its replica; each replica counts what it
 * wrote); a replica killed with kill -9 is taken over with no gap, a restarted one takes a share
 * again, and a Redis restart loses nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContinuousDetector } from '@tidemark/core';
import { InfluxClient } from '../influx';
import { createDatabase, seasonalPoints } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';
import { useRedis } from '../test/redis-server';
import { callReplica, type Replica, startReplica } from '../test/replicas';

const influxd = useInfluxd();
const redis = useRedis();
const STEP = 1_000;
const HOSTS = Array.from({ length: 12 }, (_, i) => `h${i}`);
const replicas: Replica[] = [];
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tidemark-scale-out-'));
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.kill()));
  await rm(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const alignDown = (time: number) => Math.floor(time / STEP) * STEP;

function start(id: string): Promise<Replica> {
  return startReplica(id, {
    INFLUX_URL: influxd.current.url,
    REDIS_URL: redis.current.url,
    DATA_DIR: join(dataDir, id), // unused: with REDIS_URL the state is in Redis
    DETECTOR_PARTITIONS: '4',
    DETECTOR_LOCK_MS: '2000',
  }).then((replica) => {
    replicas.push(replica);
    return replica;
  });
}

async function scoredUntil(replica: Replica): Promise<number | null> {
  const response = await callReplica(replica, 'GET', '/api/v1/detectors/load');
  return ((await response.json()) as ContinuousDetector).scoredUntil;
}

/** Waits (polling any live replica) until every partition has scored up to `time`. */
async function waitForScored(live: () => Replica[], time: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const until = await scoredUntil(live()[0]!).catch(() => null);
    if (until !== null && until >= time) return;
    await sleep(100);
  }
  throw new Error(`the detector did not score up to ${new Date(time).toISOString()}`);
}

interface Written {
  series: string;
  time: number;
  replica: string;
}

async function written(influx: InfluxClient): Promise<Written[]> {
  const [result] = await influx.query(
    `SELECT "score", "replica" FROM "metrics".."tidemark_anomaly" WHERE "detector" = 'load' GROUP BY "series"`,
  );
  return (result?.series ?? []).flatMap((one) =>
    one.values.map((row) => ({ series: one.tags!.series!, time: Number(row[0]), replica: String(row[2]) })),
  );
}

const count = (rows: Written[], replica: string) => rows.filter((r) => r.replica === replica).length;

it('three replicas score every interval once; kill -9, restart and a Redis restart lose and double nothing', async () => {
  const influx = new InfluxClient({ url: influxd.current.url });
  await createDatabase(influx, 'metrics');
  const input = new Map<string, Set<number>>(HOSTS.map((h) => [`load value {host=${h}}`, new Set()]));
  const feed = async (from: number, intervals: number) => {
    for (const host of HOSTS) {
      await influx.write('metrics', seasonalPoints('load', { host }, from, intervals, STEP));
      for (let k = 0; k < intervals; k++) input.get(`load value {host=${host}}`)!.add(from + k * STEP);
    }
  };
  const [a, b, c] = await Promise.all([start('a'), start('b'), start('c')]);
  const t0 = alignDown(Date.now());
  await feed(t0 - 40 * STEP, 52); // up to t0 + 12 s
  const created = await callReplica(a!, 'POST', '/api/v1/detectors', {
    id: 'load',
    query: { database: 'metrics', measurement: 'load', field: 'value', groupBy: ['host'] },
    interval: '1s',
    lag: '1ms',
    maxBackfill: '30s',
    lateWindow: '3s',
    detector: { id: 'robust', params: { trainingWindow: '5m' } },
  });
  expect(created.status).toBe(201);

  // Phase 1, all three up: once the first block is scored, nothing is being written.
  await waitForScored(() => [b!], t0 + 12 * STEP);
  await sleep(1_500);
  const steady = await written(influx);
  const share = new Map<string, number>();
  for (const replica of [a!, b!, c!])
    share.set(replica.id, await replica.total('tidemark_continuous_points_written_total'));
  // Each replica wrote exactly the points that name it: no point was written by two replicas.
  for (const [id, points] of share) {
    expect(points).toBeGreaterThan(0);
    expect(count(steady, id)).toBe(points);
  }
  expect([...share.values()].reduce((x, y) => x + y, 0)).toBe(steady.length);
  for (const replica of [a!, b!, c!])
    expect(await replica.total('tidemark_cluster_detector_jobs_total')).toBeGreaterThan(0);

  // Phase 2: a second block of data, scored while b is killed, b restarts, Redis restarts.
  const t2 = alignDown(Date.now());
  await feed(t2, 30);
  await sleep(3_000);
  await b!.kill();
  const killedAt = Date.now();
  await sleep(4_000);
  const survivorsUntil = await scoredUntil(a!);
  expect(survivorsUntil).toBeGreaterThan(killedAt); // taken over: scoring went on without b
  const b2 = await start('b2');
  await sleep(4_000);
  await redis.current.halt();
  await sleep(1_500);
  await redis.current.start();
  const redisBackAt = Date.now();
  await waitForScored(() => [c!], t2 + 30 * STEP);
  await sleep(1_500);
  await waitForScored(() => [c!], redisBackAt - STEP);

  const rows = await written(influx);
  const seen = new Map<string, number>();
  for (const row of rows) {
    const key = `${row.series}@${row.time}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    expect(input.get(row.series)?.has(row.time)).toBe(true); // nothing written that was not read
  }
  // Each series' intervals from its first written one on are there exactly once: no gap, no double.
  for (const [series, times] of input) {
    const first = Math.min(...rows.filter((r) => r.series === series).map((r) => r.time));
    expect(first).toBeLessThanOrEqual(t0 - 25 * STEP); // its partition's first run backfilled maxBackfill
    const missing = [...times].filter((time) => time >= first && seen.get(`${series}@${time}`) !== 1);
    expect({ series, missing }).toEqual({ series, missing: [] });
  }
  // Intervals due while b was dead were scored by the others; the restarted b2 took a share.
  const whileDead = rows.filter((r) => r.time >= killedAt + 2 * STEP && r.time < killedAt + 4 * STEP);
  expect(whileDead.length).toBeGreaterThan(0);
  expect(whileDead.every((r) => r.replica === 'a' || r.replica === 'c')).toBe(true);
  expect(count(rows, 'b2')).toBeGreaterThan(0);
  expect(await b2.total('tidemark_cluster_detector_jobs_total')).toBeGreaterThan(0);

  const metrics = await c!.metrics();
  expect(metrics.get('tidemark_cluster_detector_queue_jobs{state="delayed"}')).toBeGreaterThanOrEqual(0);
  expect(metrics.has('tidemark_cluster_detector_lag_seconds')).toBe(true);
  for (const replica of [a!, b2, c!]) await replica.stop();
}, 85_000);
