import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, stopChild } from './child-process';
import { freePort } from './influxd';

/** A throwaway `redis-server` on loopback, for integration tests. */
export interface RedisInstance {
  /** e.g. `redis://127.0.0.1:41234` */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server (SIGTERM, or SIGKILL with `{ kill: true }`), keeping its data for `start`. */
  halt(options?: { kill?: boolean }): Promise<void>;
  /** Starts it again on the same port and data directory (the append-only file is replayed). */
  start(): Promise<void>;
  /** Stops it and deletes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const REDIS_CANDIDATES = [
  process.env.REDIS_SERVER_PATH,
  '/usr/bin/redis-server',
  '/usr/local/bin/redis-server',
];

export function findRedisServer(): string {
  return findExecutable(
    REDIS_CANDIDATES,
    'redis-server not found: the scale-out tests need a real Redis. Install it with ' +
      '`apt-get install -y redis-server` (Debian/Ubuntu), or set REDIS_SERVER_PATH.',
  );
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

async function waitForPing(port: number, child: ChildProcess, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited (code ${child.exitCode}):\n${log()}`);
    }
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not answer PING within ${timeoutMs} ms:\n${log()}`);
}

/**
 * Starts `redis-server` on a free loopback port with its data in a new temp folder, append-only
 * file on (fsync every write, so a restart loses nothing), no RDB snapshots, and waits for PING.
 */
export async function startRedis(): Promise<RedisInstance> {
  const binary = findRedisServer();
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const launch = async () => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
      '--protected-mode',
      'yes',
      '--maxmemory-policy',
      'noeviction',
    ];
    child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const capture = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    await waitForPing(port, child, 10_000, () => output);
  };
  const halt = async (options: { kill?: boolean } = {}) => {
    if (!child) return;
    const running = child;
    child = undefined;
    if (options.kill) {
      running.kill('SIGKILL');
      await new Promise((resolve) =>
        running.exitCode !== null ? resolve(null) : running.once('exit', resolve),
      );
    } else {
      await stopChild(running);
    }
  };
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= halt().then(() => rm(dir, { recursive: true, force: true }));
    return stopped;
  };
  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, port, dir, halt, start: launch, stop };
}

/** Jest helper: one redis-server per test file (read `.current` inside tests). */
export function useRedis(): { readonly current: RedisInstance } {
  let instance: RedisInstance | undefined;
  beforeAll(async () => {
    instance = await startRedis();
  }, 20_000);
  afterAll(async () => {
    await instance?.stop();
  }, 20_000);
  return {
    get current(): RedisInstance {
      if (!instance) throw new Error('redis-server is not running: use `.current` inside a test');
      return instance;
    },
  };
}
