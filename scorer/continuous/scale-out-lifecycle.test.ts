/**
 * Scale-out detector lifecycle on two real `tidemark serve` replicas (one redis-server, one
 * influxd): a detector created on one replica runs on both, a replace on the other applies to
 * every later run, and a delete on either stops its work cluster-wide (schedulers gone, nothing
 * written after it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DETECTOR_QUEUE } from '../continuous/detector-queue';
import { InfluxClient } from '../influx';
import { createDatabase, seasonalPoints } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';
import { useRedis } from '../test/redis-server';
import { callReplica, type Replica, startReplica } from '../test/replicas';

const influxd = useInfluxd();
const redis = useRedis();
const STEP = 1_000;
const replicas: Replica[] = [];
const queues: Queue[] = [];
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tidemark-scale-out-'));
});
afterAll(async () => {
  await Promise.all([...replicas.map((r) => r.kill()), ...queues.map((q) => q.close())]);
  await rm(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Points in the measurement per replica that wrote them (field `replica`). */
async function pointsIn(influx: InfluxClient, measurement: string): Promise<Map<string, number>> {
  const [result] = await influx.query(
    `SELECT "replica" FROM "metrics".."${measurement}" WHERE "detector" = 'ops'`,
  );
  const counts = new Map<string, number>();
  for (const row of result?.series?.[0]?.values ?? [])
    counts.set(String(row[1]), (counts.get(String(row[1])) ?? 0) + 1);
  return counts;
}

async function written(influx: InfluxClient, measurement: string): Promise<number> {
  const [result] = await influx.query(
    `SELECT count("score") FROM "metrics".."${measurement}" WHERE "detector" = 'ops'`,
  );
  return Number(result?.series?.[0]?.values[0]?.[1] ?? 0);
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

it('create on one replica runs everywhere; replace and delete on another apply cluster-wide', async () => {
  const influx = new InfluxClient({ url: influxd.current.url });
  await createDatabase(influx, 'metrics');
  const now = Math.floor(Date.now() / STEP) * STEP;
  for (const host of ['a', 'b', 'c', 'd', 'e', 'f'])
    await influx.write('metrics', seasonalPoints('ops', { host }, now - 30 * STEP, 120, STEP));
  const env = {
    INFLUX_URL: influxd.current.url,
    REDIS_URL: redis.current.url,
    DETECTOR_PARTITIONS: '3',
    TOKEN_ONLY_ROLE: 'Admin', // the delete
    DETECTOR_LOCK_MS: '2000',
  };
  const [one, two] = (await Promise.all(
    ['one', 'two'].map((id) => startReplica(id, { ...env, DATA_DIR: join(dataDir, id) })),
  )) as [Replica, Replica];
  replicas.push(one, two);
  const definition = {
    id: 'ops',
    query: { database: 'metrics', measurement: 'ops', field: 'value', groupBy: ['host'] },
    interval: '1s',
    lag: '1ms',
    maxBackfill: '20s',
    detector: { id: 'robust', params: { trainingWindow: '5m' } },
  };
  expect((await callReplica(one, 'POST', '/api/v1/detectors', definition)).status).toBe(201);
  await eventually(
    async () => (await two.total('tidemark_cluster_detector_jobs_total')) > 0,
    'two to run it',
  );

  // Replaced on the other replica: later runs of both write where the new definition says.
  const replaced = { ...definition, output: { measurement: 'ops_moved' } };
  expect((await callReplica(two, 'PUT', '/api/v1/detectors/ops', replaced)).status).toBe(200);
  await eventually(async () => {
    const counts = await pointsIn(influx, 'ops_moved');
    return (counts.get('one') ?? 0) > 0 && (counts.get('two') ?? 0) > 0;
  }, 'both replicas to write to the new measurement');

  // Deleted on the first: no scheduler is left, and nothing more is written by either.
  expect((await callReplica(one, 'DELETE', '/api/v1/detectors/ops')).status).toBe(204);
  const queue = new Queue(DETECTOR_QUEUE, {
    connection: { url: redis.current.url },
    prefix: 'tidemark:bull',
  });
  queues.push(queue);
  expect(await queue.getJobSchedulers()).toEqual([]);
  await sleep(1_500); // a run that had started before the delete stops at its next save
  const after = await written(influx, 'ops_moved');
  await sleep(3_000);
  expect(await written(influx, 'ops_moved')).toBe(after);
  expect((await callReplica(two, 'GET', '/api/v1/detectors/ops')).status).toBe(404);
  await Promise.all([one.stop(), two.stop()]);
}, 60_000);
