import type { ChainableCommander } from 'ioredis';
import { Redis, type RedisOptions } from 'ioredis';
import { withoutPassword } from '../config';
import { RedisUnavailableError } from './errors';

/** Every key Tidemark writes starts with this, so one Redis can hold other data too. */
export const KEY_PREFIX = 'tidemark:';

const CONNECT_TIMEOUT_MS = 3_000;
const COMMAND_TIMEOUT_MS = 5_000;
const STARTUP_WAIT_MS = 10_000;

/**
 * Commands fail at once while Redis is down (no offline queue, one attempt) and after
 * COMMAND_TIMEOUT_MS when it hangs, so a request gets its 503 instead of waiting; the client
 * keeps reconnecting in the background.
 */
const REQUEST_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: CONNECT_TIMEOUT_MS,
  commandTimeout: COMMAND_TIMEOUT_MS,
  retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
};

export interface RedisEvents {
  /** The connection was lost (once per outage). */
  onLost?: (error: Error | null) => void;
  /** Connected again after a loss. */
  onRestored?: () => void;
}

/** The scorer's connection to the shared Redis: one client for requests, more made on demand. */
export interface RedisConnection {
  readonly client: Redis;
  /** The REDIS_URL without its password (for messages and logs). */
  readonly url: string;
  readonly prefix: string;
  /** Connection options for BullMQ, which makes its own clients (with the password; never log them). */
  readonly bullmq: { url: string; maxRetriesPerRequest: null };
  /** Runs commands; a failure of Redis itself (down, timed out, refused) becomes RedisUnavailableError. */
  run<T>(work: (client: Redis) => Promise<T>): Promise<T>;
  /**
   * `run` for commands sent by clients of their own (BullMQ's, which hold commands while Redis is
   * down): fails at once while this connection is down, and after COMMAND_TIMEOUT_MS.
   */
  runBounded<T>(work: () => Promise<T>): Promise<T>;
  /** Another client to the same Redis (pub/sub, queues), closed with this connection. */
  duplicate(options?: RedisOptions): Redis;
  close(): Promise<void>;
}

/** Connects to `url`, waiting up to STARTUP_WAIT_MS for Redis to answer. */
export async function connectRedis(
  url: string,
  options: { prefix?: string; events?: RedisEvents; startupWaitMs?: number } = {},
): Promise<RedisConnection> {
  const shown = withoutPassword(url);
  const extra: Redis[] = [];
  const client = new Redis(url, REQUEST_OPTIONS);
  watchConnection(client, options.events ?? {});
  try {
    await whenReady(client, options.startupWaitMs ?? STARTUP_WAIT_MS);
  } catch (error) {
    client.disconnect();
    throw new RedisUnavailableError(shown, { cause: error });
  }
  return {
    client,
    url: shown,
    prefix: options.prefix ?? KEY_PREFIX,
    bullmq: { url, maxRetriesPerRequest: null },
    async run(work) {
      try {
        return await work(client);
      } catch (error) {
        throw error instanceof RedisUnavailableError
          ? error
          : new RedisUnavailableError(shown, { cause: error });
      }
    },
    async runBounded(work) {
      if (client.status !== 'ready')
        throw new RedisUnavailableError(shown, { cause: new Error(`connection ${client.status}`) });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`)),
          COMMAND_TIMEOUT_MS,
        );
      });
      try {
        return await Promise.race([work(), timeout]);
      } catch (error) {
        throw error instanceof RedisUnavailableError
          ? error
          : new RedisUnavailableError(shown, { cause: error });
      } finally {
        clearTimeout(timer);
      }
    },
    duplicate(overrides = {}) {
      const copy = client.duplicate({ ...REQUEST_OPTIONS, ...overrides });
      copy.on('error', () => {}); // reported through the main client's events
      extra.push(copy);
      return copy;
    },
    async close() {
      await Promise.allSettled([...extra, client].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

function watchConnection(client: Redis, events: RedisEvents): void {
  let lost = false;
  let lastError: Error | null = null;
  client.on('error', (error: Error) => {
    lastError = error;
  });
  client.on('close', () => {
    if (lost || client.status === 'end') return;
    lost = true;
    events.onLost?.(lastError);
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    events.onRestored?.();
  });
}

function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error) => {
      lastError = error;
    };
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      client.off('error', onError);
      reject(lastError ?? new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      client.off('error', onError);
      resolve();
    };
    client.once('ready', onReady);
    client.on('error', onError);
  });
}

/** Runs a MULTI block, throwing the first command's error (ioredis returns them as values). */
export async function execAll(transaction: ChainableCommander): Promise<unknown[]> {
  const results = await transaction.exec();
  if (results === null) throw new Error('the transaction was aborted');
  for (const [error] of results) if (error) throw error;
  return results.map(([, value]) => value);
}
