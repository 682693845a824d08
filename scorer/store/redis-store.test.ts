import { z } from 'zod';
import { RedisUnavailableError } from '../cluster/errors';
import { connectRedis, type RedisConnection } from '../cluster/redis';
import { freePort } from '../test/influxd';
import { useRedis } from '../test/redis-server';
import type { StateStoreOptions } from '.';
import { redisKeys } from './redis-keys';
import { openRedisStateStore } from './redis-store';
import { describeStoreContract } from './store-contract';

const redis = useRedis();
const connections: RedisConnection[] = [];
let prefix = '';
let testNumber = 0;

beforeEach(() => {
  prefix = `tidemark-test-${++testNumber}:`; // every test on state of its own
});
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
});

async function connect(): Promise<RedisConnection> {
  const connection = await connectRedis(redis.current.url, { prefix });
  connections.push(connection);
  return connection;
}
const open = async (options?: StateStoreOptions) => openRedisStateStore(await connect(), options);

describeStoreContract('Redis store', () => ({
  open,
  writers: async (options) => [await open(options), await open(options)],
  writeRaw: async (orgId, kind, id, text) => {
    await (await connect()).client.hset(redisKeys(prefix).collection(orgId, kind), id, text);
  },
  corruptBlob: async (orgId, id, version) => {
    await (await connect()).client.set(redisKeys(prefix).modelBlob(orgId, id, version), 'evil');
  },
  storedBlobVersions: async (orgId, id) => {
    const client = (await connect()).client;
    const keys = await client.keys(`${redisKeys(prefix).modelBlob(orgId, id, 0).slice(0, -1)}*`);
    return keys.map((key) => Number(key.split(':').pop())).sort((a, b) => a - b);
  },
}));

const recordSchema = z.object({ name: z.string() });

describe('Redis store: Redis itself failing', () => {
  it('a kill -9 and restart of redis-server loses nothing written (append-only, fsync always)', async () => {
    const store = await open();
    await store.collection('checkpoints', recordSchema).put(3, 'series-a', { name: 'kept' });
    await store.models.saveVersion(3, { id: 'm', key: 'k', detector: 'robust' }, Buffer.from('weights'));
    await redis.current.halt({ kill: true });
    await redis.current.start();
    const after = await open();
    expect(await after.collection('checkpoints', recordSchema).get(3, 'series-a')).toEqual({ name: 'kept' });
    expect(Buffer.from((await after.models.load(3, 'm'))?.bytes ?? []).toString()).toBe('weights');
  });

  it('while Redis is down, calls fail at once with RedisUnavailableError naming it; they work again once it is back', async () => {
    const store = await open();
    const jobs = store.collection('jobs', recordSchema);
    await jobs.put(1, 'j', { name: 'before' });
    await redis.current.halt({ kill: true });
    try {
      const started = Date.now();
      await expect(jobs.get(1, 'j')).rejects.toThrow(RedisUnavailableError);
      await expect(store.models.list(1)).rejects.toThrow(`Redis at ${redis.current.url} is unreachable`);
      await expect(store.checkWritable()).rejects.toThrow(RedisUnavailableError);
      expect(Date.now() - started).toBeLessThan(5_000); // not a hang: the offline queue is off
    } finally {
      await redis.current.start();
    }
    for (let attempt = 0; ; attempt++) {
      const record = await jobs.get(1, 'j').catch(() => null);
      if (record) {
        expect(record).toEqual({ name: 'before' });
        break;
      }
      if (attempt > 100) throw new Error('the store never reconnected');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('connecting to a Redis that is not there fails with the URL, never its password', async () => {
    const url = `redis://user:secret@127.0.0.1:${await freePort()}`;
    const error = await connectRedis(url, { startupWaitMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(String((error as Error).message)).toMatch(
      /^Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:\d+ is unreachable/,
    );
    expect(String((error as Error).message)).not.toContain('secret');
  });
});
