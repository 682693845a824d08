import { encodeModel, trainModel } from '@tidemark/core/engine';
import { createLogger } from '../log';
import { FitCache } from '../scoring/fit-cache';
import { ModelCache } from '../scoring/model-cache';
import type { ModelRecord } from '../store';
import { openRedisStateStore, type RedisStateStore } from '../store/redis-store';
import { useRedis } from '../test/redis-server';
import { ModelChangeFeed } from './model-changes';
import { connectRedis, type RedisConnection } from './redis';

/** Replicas in one process, each with its own connections, feed and caches, on a real redis-server. */
const redis = useRedis();
const connections: RedisConnection[] = [];
const logger = createLogger('silent');
let testNumber = 0;
beforeEach(() => {
  testNumber++;
});
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
});

interface Replica {
  store: RedisStateStore;
  models: ModelCache;
  fits: FitCache;
}

async function replica(name: string, options: { feed?: boolean } = {}): Promise<Replica> {
  const connection = await connectRedis(redis.current.url, {
    prefix: `model-changes-${testNumber}:`,
  });
  connections.push(connection);
  const feed = options.feed === false ? null : await ModelChangeFeed.start(connection, name, logger);
  const store = openRedisStateStore(connection, {
    replicaId: name,
    ...(feed ? { onModelChange: (change) => feed.publish(change) } : {}),
  });
  const models = new ModelCache(store.models);
  const fits = new FitCache();
  feed?.add(store.models);
  feed?.add(models);
  feed?.add(fits);
  return { store, models, fits };
}

/** A real model trained on `count` points (the count tells two models apart). */
async function modelBytes(count: number): Promise<Uint8Array> {
  const points = Array.from({ length: count }, (_, i): [number, number] => [
    i * 60_000,
    50 + 10 * Math.sin(i / 5) + (i % 3),
  ]);
  return encodeModel(await trainModel(points, { detector: { id: 'robust' }, intervalMs: 60_000 }));
}

const input = { id: 'cpu', key: 'series:cpu|robust', detector: 'robust', labels: { queryKey: 'q-cpu' } };

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

const trainedPoints = async (r: Replica, record: ModelRecord | null) =>
  record ? (await (await r.models.load(1, record))?.decoded())?.trainedPoints : undefined;

it('a model deleted and trained again on A (version 1 again) is decoded afresh by B', async () => {
  const [a, b] = [await replica('a'), await replica('b')];
  await a.store.models.saveVersion(1, input, await modelBytes(200));
  expect(await trainedPoints(b, await b.store.models.get(1, 'cpu'))).toBe(200);
  const decoded = await (await b.models.load(1, (await b.store.models.get(1, 'cpu'))!))!.decoded();
  b.fits.put(`1|60000|{}|q-cpu|0|series`, decoded);

  await a.store.models.delete(1, 'cpu');
  const again = await a.store.models.saveVersion(1, input, await modelBytes(300));
  expect(again.currentVersion).toBe(1); // the same cache key as before: only the event tells B
  await eventually(
    async () => (await trainedPoints(b, await b.store.models.get(1, 'cpu'))) === 300,
    "B decodes A's new model",
  );
  expect(b.fits.withPrefix('1|', 1)).toEqual([]);
});

it('a rollback on B is what A reads and decodes next', async () => {
  const [a, b] = [await replica('a'), await replica('b')];
  await a.store.models.saveVersion(1, input, await modelBytes(200));
  await a.store.models.saveVersion(1, input, await modelBytes(300));
  expect(await trainedPoints(a, await a.store.models.get(1, 'cpu'))).toBe(300);
  await b.store.models.rollback(1, 'cpu', 1);
  const seen = await a.store.models.get(1, 'cpu');
  expect(seen?.currentVersion).toBe(1);
  expect(await trainedPoints(a, seen)).toBe(200);
});

it('after its subscription was lost, a replica drops every cached model (it may have missed changes)', async () => {
  const b = await replica('b');
  const unheard = await replica('unheard', { feed: false }); // its changes are never published
  await unheard.store.models.saveVersion(1, input, await modelBytes(200));
  expect(await trainedPoints(b, await b.store.models.get(1, 'cpu'))).toBe(200);
  await unheard.store.models.delete(1, 'cpu');
  await unheard.store.models.saveVersion(1, input, await modelBytes(300));
  // Without an event B still has the old decoded model under the same key.
  expect(await trainedPoints(b, await b.store.models.get(1, 'cpu'))).toBe(200);

  await connections[0]!.client.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
  await eventually(
    async () => (await trainedPoints(b, await b.store.models.get(1, 'cpu'))) === 300,
    'B drops its cache when it subscribes again',
  );
});
