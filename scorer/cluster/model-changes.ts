import type { Redis } from 'ioredis';
import type { Logger } from '../log';
import type { ModelCaches, ModelChange } from '../store';
import { redisKeys } from '../store/redis-keys';
import type { RedisConnection } from './redis';

/**
 * Tells every replica of model changes (Redis pub/sub), so each drops what it keeps of a changed
 * model: decoded models, fits, cached records. Pub/sub delivers only to connected subscribers, so
 * after the subscription was lost (Redis restarted, connection cut) everything is dropped: any
 * change may have been missed.
 */
export class ModelChangeFeed {
  private readonly caches: ModelCaches[] = [];

  private constructor(
    private readonly redis: RedisConnection,
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  /** Subscribes (waiting until it is in place) with `caches` to drop entries from. */
  static async start(
    redis: RedisConnection,
    replicaId: string,
    logger: Logger,
    caches: ModelCaches[] = [],
  ): Promise<ModelChangeFeed> {
    const subscriber = redis.duplicate({
      connectionName: `tidemark-model-changes-${replicaId}`,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
    });
    const feed = new ModelChangeFeed(redis, subscriber, redisKeys(redis.prefix).modelChanges, logger);
    feed.caches.push(...caches);
    subscriber.on('message', (_channel: string, message: string) => feed.received(message));
    let lost = false;
    subscriber.on('close', () => {
      lost = true;
    });
    subscriber.on('ready', () => {
      if (!lost) return;
      lost = false; // ioredis subscribes again by itself; what was sent meanwhile is gone
      feed.forgetAll();
      logger.info('model change subscription restored: dropped every cached model');
    });
    await redis.run(() => subscriber.subscribe(feed.channel));
    return feed;
  }

  add(caches: ModelCaches): void {
    this.caches.push(caches);
  }

  /** Drops the model here and tells the other replicas to. */
  async publish(change: ModelChange): Promise<void> {
    this.forget(change);
    await this.redis
      .run((c) => c.publish(this.channel, JSON.stringify(change)))
      .catch((error: unknown) => {
        // The change is stored; replicas that miss it keep a stale cache only until they reconnect.
        this.logger.warn('could not publish a model change', { change, error });
      });
  }

  close(): Promise<void> {
    return this.subscriber.quit().then(
      () => undefined,
      () => this.subscriber.disconnect(),
    );
  }

  private received(message: string): void {
    const change = parseChange(message);
    if (change) this.forget(change);
    else this.forgetAll(); // not one we understand (another version?): drop everything to be safe
  }

  private forget(change: ModelChange): void {
    for (const cache of this.caches) cache.forgetModel(change);
  }

  private forgetAll(): void {
    for (const cache of this.caches) cache.forgetAllModels();
  }
}

function parseChange(message: string): ModelChange | null {
  try {
    const change = JSON.parse(message) as ModelChange;
    return typeof change?.orgId === 'number' && typeof change.id === 'string' ? change : null;
  } catch {
    return null;
  }
}
