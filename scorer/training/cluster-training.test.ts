/**
 * Scale-out training and models, through three real `tidemark serve` replicas on one real
 * redis-server and one real influxd: models trained on one replica score on the others, a
 * rollback anywhere is what every replica scores with, jobs and their progress show on every
 * replica, a replica killed (kill -9) mid-training has its job finished by another, and
 * MAX_CONCURRENT_TRAININGS holds across the cluster (read from BullMQ's own state in Redis).
 */
import type { Job, ModelSummary, ScoreResponse } from '@tidemark/core';
import { Redis } from 'ioredis';
import { InfluxClient } from '../influx';
import { createDatabase, seasonalPoints } from '../test/app-harness';
import { type FaultProxy, startFaultProxy } from '../test/fault-proxy';
import { useInfluxd } from '../test/influxd';
import { useRedis } from '../test/redis-server';
import { callReplica, type Replica, startReplica } from '../test/replicas';

const influxd = useInfluxd();
const redis = useRedis();
const STEP = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const CAP = 2;
let replicas: Replica[] = [];
let proxy: FaultProxy;
let engine: Redis;

const query = (measurement: string) => ({
  database: 'metrics',
  measurement,
  field: 'value',
  groupBy: ['host'],
});
const train = (measurement: string) => ({
  query: query(measurement),
  range: { from: T0, to: T0 + 1_200 * STEP },
  intervalMs: STEP,
  detector: { id: 'robust' },
});

const replicaEnv = () => ({
  REDIS_URL: redis.current.url,
  INFLUX_URL: proxy.url,
  MAX_CONCURRENT_TRAININGS: String(CAP),
  SCORE_WORKERS: '0',
});

beforeAll(async () => {
  const influx = new InfluxClient({ url: influxd.current.url });
  await createDatabase(influx, 'metrics');
  await influx.write('metrics', [
    ...seasonalPoints('cpu', { host: 'a' }, T0, 1_500, STEP),
    ...['a', 'b', 'c', 'd', 'e', 'f'].flatMap((host) => seasonalPoints('load', { host }, T0, 1_300, STEP)),
  ]);
  // Replicas read InfluxDB through a proxy that can slow reads down (a training long enough to kill).
  proxy = await startFaultProxy(influxd.current.url);
  replicas = await Promise.all(['a', 'b', 'c'].map((id) => startReplica(`replica-${id}`, replicaEnv())));
  engine = new Redis(redis.current.url);
}, 90_000);
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  engine?.disconnect();
  await proxy?.close();
}, 30_000);

/** Replica i as it is now (the kill test replaces one). */
const replica = (i: number) => ({
  get url() {
    return replicas[i]!.url;
  },
});
const [a, b, c] = [replica(0), replica(1), replica(2)];

async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  expect(answer.status).toBe(status);
  return (await answer.json()) as T;
}

async function waitForJob(on: { url: string }, id: string, seen: Job[] = []): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const job = await json<Job>(callReplica(on, 'GET', `/api/v1/jobs/${id}`));
    seen.push(job);
    if (job.status !== 'queued' && job.status !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not finish within 30 s`);
}

const scoredWith = async (on: { url: string }) => {
  const body = await json<ScoreResponse>(
    callReplica(on, 'POST', '/api/v1/score', {
      ...train('cpu'),
      range: { from: T0 + 1_400 * STEP, to: T0 + 1_500 * STEP },
    }),
  );
  return body.series
    .flatMap((s) => s.notices.map((n) => n.text))
    .filter((t) => t.startsWith('Scored with trained model'));
};

it('a model trained through A scores on B and C; a rollback on B is what A scores with', async () => {
  const first = await json<Job>(callReplica(a, 'POST', '/api/v1/models', train('cpu')), 202);
  const seenOnC: Job[] = [];
  expect(await waitForJob(c, first.id, seenOnC)).toMatchObject({ status: 'succeeded', progress: 1 });
  expect(seenOnC[0]?.id).toBe(first.id); // C answered for A's job from the start
  const [id] = (await waitForJob(c, first.id)).models;
  expect(await scoredWith(b)).toEqual([`Scored with trained model ${id} (version 1).`]);
  expect(await scoredWith(c)).toEqual([`Scored with trained model ${id} (version 1).`]);

  const second = await json<Job>(callReplica(c, 'POST', '/api/v1/models', train('cpu')), 202);
  await waitForJob(b, second.id);
  expect(await scoredWith(a)).toEqual([`Scored with trained model ${id} (version 2).`]); // A decodes v2 now
  expect(
    (await json<ModelSummary>(callReplica(b, 'POST', `/api/v1/models/${id}/rollback`, { version: 1 })))
      .version,
  ).toBe(1);
  expect(await scoredWith(a)).toEqual([`Scored with trained model ${id} (version 1).`]);
  expect((await json<ModelSummary>(callReplica(c, 'GET', `/api/v1/models/${id}`))).version).toBe(1);
}, 60_000);

const bullJob = (job: Job) => `tidemark:bull:training:1-${job.id}`;

/** The replica BullMQ gave the job to (its processedBy: the worker's name, REPLICA_ID). */
async function runnerOf(job: Job): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const runner = await engine.hget(bullJob(job), 'pb');
    if (runner) return runner;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no replica took job ${job.id}`);
}

it(`at most MAX_CONCURRENT_TRAININGS (${CAP}) jobs run at once across the replicas`, async () => {
  proxy.inject(...Array.from({ length: 30 }, () => ({ delayMs: 400 })));
  const submitted = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      json<Job>(callReplica(replicas[i % 3]!, 'POST', '/api/v1/models', train('load')), 202),
    ),
  );
  const metrics = await replicas[1]!.metrics();
  expect(metrics.get(`tidemark_cluster_replica_info{replica="${replicas[1]!.id}"}`)).toBe(1);
  const queued = ['waiting', 'active'].map((state) =>
    metrics.get(`tidemark_training_queue_jobs{state="${state}"}`),
  );
  expect(queued[0]! + queued[1]!).toBeGreaterThan(0); // counted cluster-wide (jobs went to all three)
  let most = 0;
  for (let i = 0; i < 600; i++) {
    const active = await engine.lrange('tidemark:bull:training:active', 0, -1);
    most = Math.max(most, active.length);
    const jobs = await Promise.all(
      submitted.map((job) => json<Job>(callReplica(c, 'GET', `/api/v1/jobs/${job.id}`))),
    );
    if (jobs.every((j) => j.status === 'succeeded')) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const finished = await Promise.all(submitted.map((job) => waitForJob(a, job.id)));
  expect(finished.map((j) => j.status)).toEqual(Array(6).fill('succeeded'));
  expect(most).toBe(CAP); // reached, never passed
}, 60_000);

it('a replica stopped with SIGTERM mid-training hands its job back at once: another finishes it, not stalled', async () => {
  proxy.inject(...Array.from({ length: 6 }, () => ({ delayMs: 1_500 })));
  const job = await json<Job>(callReplica(c, 'POST', '/api/v1/models', train('load')), 202);
  const runner = await runnerOf(job);
  const stopping = replicas.find((r) => r.id === runner)!;
  await stopping.stop();
  const survivor = replicas.find((r) => r !== stopping)!;
  expect(await waitForJob(survivor, job.id)).toMatchObject({ status: 'succeeded', progress: 1 });
  expect(await engine.hget(bullJob(job), 'pb')).not.toBe(runner);
  expect(await engine.hget(bullJob(job), 'stc')).toBeNull(); // handed back, not left to stall
  replicas = replicas.filter((r) => r !== stopping);
}, 60_000);

it('kill -9 of the replica training a job: another replica finishes it', async () => {
  proxy.inject(...Array.from({ length: 6 }, () => ({ delayMs: 1_500 }))); // each read 1.5 s late
  const job = await json<Job>(callReplica(b, 'POST', '/api/v1/models', train('load')), 202);
  const runner = await runnerOf(job);
  const victim = replicas.find((r) => r.id === runner)!;
  const survivor = replicas.find((r) => r !== victim)!; // the last one left
  const seen: Job[] = [];
  for (let i = 0; i < 100 && seen.at(-1)?.status !== 'running'; i++)
    seen.push(await json<Job>(callReplica(survivor, 'GET', `/api/v1/jobs/${job.id}`)));
  expect(seen.at(-1)).toMatchObject({
    status: 'running',
    message: 'Reading the training data from InfluxDB',
  });
  await victim.kill();
  const done = await waitForJob(survivor, job.id);
  expect(done).toMatchObject({ status: 'succeeded', progress: 1 });
  expect(await engine.hget(bullJob(job), 'progress')).toBe('100');
  expect(done.models).toHaveLength(6);
  const finisher = await engine.hget(bullJob(job), 'pb');
  expect(finisher).not.toBe(runner);
  expect(await engine.hget(bullJob(job), 'stc')).toBe('1'); // BullMQ counted it stalled once
}, 60_000);
