import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { useRedis } from './redis-server';

const redis = useRedis();

describe('redis-server test harness (real redis-server, BullMQ on it)', () => {
  it('keeps data across a kill -9 and restart on the same port (append-only, fsync always)', async () => {
    const client = new Redis(redis.current.url, { maxRetriesPerRequest: null });
    client.on('error', () => {});
    await client.set('tidemark:probe', 'kept');
    await redis.current.halt({ kill: true });
    await redis.current.start();
    expect(await client.get('tidemark:probe')).toBe('kept');
    client.disconnect();
  });

  it('runs a BullMQ job through a worker and reports its result', async () => {
    const connection = { url: redis.current.url };
    const queue = new Queue('harness-check', { connection });
    const events = new QueueEvents('harness-check', { connection });
    const worker = new Worker('harness-check', async (job) => (job.data as { n: number }).n * 2, {
      connection,
    });
    await events.waitUntilReady();
    const job = await queue.add('double', { n: 21 });
    await expect(job.waitUntilFinished(events, 10_000)).resolves.toBe(42);
    await worker.close();
    await events.close();
    await queue.close();
  });
});
