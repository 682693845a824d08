/**
 * The work queue under scale-out, on the two engines considered (docs/architecture.md): BullMQ
 * on Debian's redis-server, and a JetStream work-queue stream on Debian's nats-server. Each gets
 * the same job flow: a producer enqueues a small job, a worker takes it, acknowledges it and
 * reports completion back to the producer. Measured: round trip (enqueue → producer hears it
 * completed, one job at a time) p50/p99, and jobs/s with a batch in flight (worker concurrency 16).
 * Redis runs append-only with `appendfsync everysec` (what docs/operations.md recommends) and, for
 * the record, `always`; JetStream with file storage and its default sync. Needs `redis-server` and
 * `nats-server` (`apt-get install -y redis-server nats-server`). Prints figures; asserts nothing.
 * Usage: npx tsx bench/cluster-engine.bench.ts [--jobs 5000] [--trips 500]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { stopChild } from '../scorer/test/child-process';
import { freePort } from '../scorer/test/influxd';
import { startRedis } from '../scorer/test/redis-server';
import { percentile } from './scorer-support';

const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '5000' }, trips: { type: 'string', default: '500' } },
});
const JOBS = Number(values.jobs);
const TRIPS = Number(values.trips);
const CONCURRENCY = 16;

interface Engine {
  name: string;
  /** Enqueues one job and resolves when the producer hears it was completed. */
  roundTrip(id: number): Promise<void>;
  /** Enqueues `count` jobs and resolves once the worker has completed them all. */
  batch(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Counts completed jobs; `batch` sends `count` jobs in chunks and waits until they are all done. */
function completions() {
  let completed = 0;
  let waiter = null as { target: number; resolve: () => void } | null;
  return {
    done() {
      completed++;
      if (waiter && completed >= waiter.target) waiter.resolve();
    },
    async batch(count: number, send: (from: number, size: number) => Promise<unknown>) {
      const all = new Promise<void>((resolve) => {
        waiter = { target: completed + count, resolve };
      });
      for (let from = 0; from < count; from += 500) await send(from, Math.min(500, count - from));
      await all;
      waiter = null;
    },
  };
}

async function bullmqEngine(url: string, name: string): Promise<Engine> {
  const connection = { url, maxRetriesPerRequest: null };
  const queue = new Queue('bench', { connection, prefix: 'bench' });
  const events = new QueueEvents('bench', { connection, prefix: 'bench' });
  const completed = completions();
  const worker = new Worker(
    'bench',
    async () => {
      completed.done();
      return 1;
    },
    { connection, prefix: 'bench', concurrency: CONCURRENCY },
  );
  await Promise.all([events.waitUntilReady(), worker.waitUntilReady()]);
  return {
    name,
    async roundTrip(id) {
      const job = await queue.add('job', { id }, { removeOnComplete: { count: 1_000 } });
      await job.waitUntilFinished(events, 10_000);
    },
    batch: (count) =>
      completed.batch(count, (from, size) =>
        queue.addBulk(
          Array.from({ length: size }, (_, i) => ({
            name: 'job',
            data: { id: from + i },
            opts: { removeOnComplete: true },
          })),
        ),
      ),
    async close() {
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

async function startNats(): Promise<{ port: number; stop(): Promise<void> }> {
  const binary = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find(
    existsSync,
  );
  if (!binary) throw new Error('nats-server not found: apt-get install -y nats-server');
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-nats-'));
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false }).catch(() => null);
    if (nc) {
      await nc.close();
      break;
    }
    if (i > 200) throw new Error('nats-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function jetstreamEngine(port: number): Promise<Engine> {
  const nc = await connect({ servers: `127.0.0.1:${port}` });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: 'BENCH',
    subjects: ['bench.jobs'],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
  });
  await jsm.consumers.add('BENCH', {
    durable_name: 'workers',
    ack_policy: AckPolicy.Explicit,
    max_ack_pending: 1_000,
  });
  const js = jetstream(nc);
  const consumer = await js.consumers.get('BENCH', 'workers');
  const messages = await consumer.consume({ max_messages: CONCURRENCY * 16 });
  const completed = completions();
  void (async () => {
    for await (const message of messages) {
      const { id, reply } = message.json<{ id: number; reply: boolean }>();
      await message.ackAck(); // acknowledged and confirmed by the server, like BullMQ's completion
      if (reply) nc.publish(`bench.done.${id}`);
      completed.done();
    }
  })();
  const encode = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));
  return {
    name: 'JetStream work queue (nats-server file storage)',
    async roundTrip(id) {
      const heard = nc.subscribe(`bench.done.${id}`, { max: 1 });
      await js.publish('bench.jobs', encode({ id, reply: true }));
      for await (const _ of heard) break;
    },
    batch: (count) =>
      completed.batch(count, (from, size) =>
        Promise.all(
          Array.from({ length: size }, (_, i) =>
            js.publish('bench.jobs', encode({ id: from + i, reply: false })),
          ),
        ),
      ),
    async close() {
      messages.stop();
      await nc.drain();
    },
  };
}

async function measure(engine: Engine) {
  for (let i = 0; i < 50; i++) await engine.roundTrip(-1 - i); // warm-up
  const trips: number[] = [];
  for (let i = 0; i < TRIPS; i++) {
    const started = performance.now();
    await engine.roundTrip(i);
    trips.push(performance.now() - started);
  }
  trips.sort((x, y) => x - y);
  await engine.batch(500); // warm-up
  const started = performance.now();
  await engine.batch(JOBS);
  const seconds = (performance.now() - started) / 1000;
  const row = {
    engine: engine.name,
    'round trip p50 ms': percentile(trips, 50).toFixed(2),
    'round trip p99 ms': percentile(trips, 99).toFixed(2),
    'jobs/s': Math.round(JOBS / seconds),
  };
  console.log(JSON.stringify(row));
  return row;
}

async function main() {
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${JOBS} jobs, ${TRIPS} round trips`,
  );
  const rows = [];
  const redis = await startRedis();
  const admin = new Redis(redis.url);
  try {
    for (const fsync of ['everysec', 'always']) {
      await admin.config('SET', 'appendfsync', fsync);
      const engine = await bullmqEngine(redis.url, `BullMQ (redis-server, appendfsync ${fsync})`);
      rows.push(await measure(engine));
      await engine.close();
    }
  } finally {
    admin.disconnect();
    await redis.stop();
  }
  const nats = await startNats();
  try {
    const engine = await jetstreamEngine(nats.port);
    rows.push(await measure(engine));
    await engine.close();
  } finally {
    await nats.stop();
  }
  console.table(rows);
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
