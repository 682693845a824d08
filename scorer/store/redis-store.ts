import { execAll, type RedisConnection } from '../cluster/redis';
import type { ModelChange, StateStore, StateStoreOptions } from './contract';
import { KeyedMutex } from './files';
import { RedisJsonCollection } from './redis-collection';
import { redisKeys } from './redis-keys';
import { RedisModelRegistry } from './redis-models';

export interface RedisStateStore extends StateStore {
  readonly models: RedisModelRegistry;
}

/**
 * The shared store of a scaled-out scorer: the same records as the file store, in Redis, so any
 * replica answers any request and a restart of every replica loses nothing.
 */
export function openRedisStateStore(
  redis: RedisConnection,
  options: StateStoreOptions & {
    replicaId?: string;
    /** Told of every model change this replica made (ModelChangeFeed.publish). */
    onModelChange?: (change: ModelChange) => Promise<void>;
  } = {},
): RedisStateStore {
  const keys = redisKeys(redis.prefix);
  const models = new RedisModelRegistry(redis, keys, {
    ...(options.keepModelVersions !== undefined ? { keepVersions: options.keepModelVersions } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.onModelChange ? { onChange: options.onModelChange } : {}),
  });
  const updates = new KeyedMutex();
  const probe = keys.readyProbe(options.replicaId ?? String(process.pid));
  return {
    location: `Redis at ${redis.url}`,
    models,
    recoveredTempFiles: 0,
    collection: (kind, schema) => new RedisJsonCollection(redis, keys, kind, schema, updates),
    async orgIds() {
      const members = await redis.run((c) => c.smembers(keys.orgs));
      return members.map(Number).sort((a, b) => a - b);
    },
    async checkWritable() {
      await redis.run((c) => execAll(c.multi().set(probe, String(Date.now()), 'PX', 10_000).del(probe)));
    },
    close: () => redis.close(),
  };
}
