import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, stopChild } from './child-process';

/** A throwaway InfluxDB 1.x server on loopback, for integration tests. */
export interface InfluxdInstance {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly dir: string;
  /** Admin credentials when started with `auth: true`. */
  readonly admin?: { username: string; password: string };
  /** SIGTERM, then SIGKILL after a grace period; deletes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface InfluxdOptions {
  /** Turn on `auth-enabled` and create an admin user. */
  auth?: boolean;
  /** How long to wait for `/ping` (ms). */
  startTimeoutMs?: number;
}

const INFLUXD_CANDIDATES = [process.env.INFLUXD_PATH, '/usr/bin/influxd', '/usr/local/bin/influxd'];
const ADMIN = { username: 'tidemark_admin', password: 'test-password' };

export function findInfluxd(): string {
  return findExecutable(
    INFLUXD_CANDIDATES,
    'influxd not found: the scorer tests need a real InfluxDB 1.x. Install it with ' +
      '`apt-get install -y influxdb` (Debian/Ubuntu), or set INFLUXD_PATH to an influxd binary.',
  );
}

/** A port the OS says is free right now (there is a small race until influxd binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function configText(dir: string, httpPort: number, rpcPort: number, auth: boolean): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  trace-logging-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = ${auth}
  log-enabled = false
  pprof-enabled = false
  flux-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false
`;
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`influxd exited (code ${child.exitCode}, signal ${child.signalCode}):\n${log()}`);
    }
    try {
      const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
      if (response.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`influxd did not answer /ping with 204 within ${timeoutMs} ms:\n${log()}`);
}

async function createAdmin(url: string): Promise<void> {
  const body = new URLSearchParams({
    q: `CREATE USER "${ADMIN.username}" WITH PASSWORD '${ADMIN.password}' WITH ALL PRIVILEGES`,
  });
  const response = await fetch(`${url}/query`, { method: 'POST', body });
  if (!response.ok) throw new Error(`creating the influxd admin failed: ${await response.text()}`);
}

async function launch(dir: string, options: InfluxdOptions): Promise<InfluxdInstance> {
  const binary = findInfluxd();
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const configPath = join(dir, 'influxdb.conf');
  await writeFile(configPath, configText(dir, httpPort, rpcPort, options.auth ?? false));
  const child = spawn(binary, ['run', '-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const url = `http://127.0.0.1:${httpPort}`;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= stopChild(child).then(() => rm(dir, { recursive: true, force: true }));
    return stopped;
  };
  try {
    await waitForPing(url, child, options.startTimeoutMs ?? 15_000, () => output);
    if (options.auth) await createAdmin(url);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dir, stop, ...(options.auth ? { admin: ADMIN } : {}) };
}

/**
 * Starts `influxd run` on free loopback ports with every directory in a new temp folder and
 * waits until `/ping` answers 204. Retries once on a port race (another process took the port).
 */
export async function startInfluxd(options: InfluxdOptions = {}): Promise<InfluxdInstance> {
  findInfluxd();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-influxd-'));
    try {
      return await launch(dir, options);
    } catch (error) {
      lastError = error;
      await rm(dir, { recursive: true, force: true });
      if (!String(error).includes('address already in use')) break;
    }
  }
  throw lastError;
}

/**
 * Jest helper: one influxd per test file, started in `beforeAll` and stopped in `afterAll`.
 * Read `.current` inside tests (it is set once `beforeAll` has run).
 */
export function useInfluxd(options: InfluxdOptions = {}): { readonly current: InfluxdInstance } {
  let instance: InfluxdInstance | undefined;
  beforeAll(async () => {
    instance = await startInfluxd(options);
  }, 30_000);
  afterAll(async () => {
    await instance?.stop();
  }, 20_000);
  return {
    get current(): InfluxdInstance {
      if (!instance)
        throw new Error('influxd is not running: use `.current` inside a test, not at load time');
      return instance;
    },
  };
}
