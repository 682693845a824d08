/**
 * Marks and maintenance windows kept by both state stores: the single-node file store and the
 * shared Redis store (a real redis-server), read back by a second store on the same state (a
 * restart, or another replica).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRedis, type RedisConnection } from '../cluster/redis';
import { openStateStore, type StateStore } from '../store';
import { openRedisStateStore } from '../store/redis-store';
import { useRedis } from '../test/redis-server';
import { MaintenanceService } from './maintenance';
import { MarkService } from './marks';
import { steeringFor } from './steering';

const redis = useRedis();
const connections: RedisConnection[] = [];
const opened: StateStore[] = [];
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tidemark-steering-store-'));
});
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await Promise.all(
    connections
      .splice(0)
      .map((c) => c.close())
      .map((p) => p.catch(() => undefined)),
  );
  await rm(dataDir, { recursive: true, force: true });
});

const stores: Array<[string, () => Promise<StateStore>]> = [
  ['file store', async () => openStateStore(dataDir)],
  [
    'Redis store',
    async () => {
      const connection = await connectRedis(redis.current.url, { prefix: 'tidemark-steering:' });
      connections.push(connection);
      return openRedisStateStore(connection);
    },
  ],
];

const services = (store: StateStore) => {
  opened.push(store);
  const maintenance = new MaintenanceService({ store, provisioned: [] });
  const marks = new MarkService({ store, checkDetector: async () => undefined });
  return { maintenance, marks };
};

describe.each(stores)('%s', (_name, open) => {
  it('keeps marks and windows per org; another store on the same state reads them; the steering applies them', async () => {
    const first = services(await open());
    const mark = await first.marks.create(
      3,
      { detector: 'cpu', series: 'cpu value {host=a}', kind: 'missed', from: 10, to: 20 },
      'user:1',
    );
    await first.maintenance.create(3, {
      id: 'nightly',
      scope: { detector: 'cpu' },
      schedule: { type: 'once', from: 100, to: 200 },
    });
    const second = services(await open());
    expect(await second.marks.list(3)).toEqual([mark]);
    expect((await second.maintenance.list(3)).map((w) => w.id)).toEqual(['nightly']);
    expect(await second.marks.list(4)).toEqual([]);
    expect(await second.maintenance.list(4)).toEqual([]);
    const steering = await steeringFor(second, 3, 'cpu');
    expect(steering!.forSeries('cpu value {host=a}', { host: 'a' }, 0, 1_000)).toEqual({
      maintenance: [{ from: 100, to: 200 }],
      excluded: [
        { from: 10, to: 21 },
        { from: 100, to: 200 },
      ],
      normal: [],
    });
    expect(await steeringFor(second, 3, 'other')).toBeNull();
    await second.marks.remove(3, mark.id);
    await second.maintenance.remove(3, 'nightly');
    expect(await steeringFor(first, 3, 'cpu')).toBeNull();
  });
});
