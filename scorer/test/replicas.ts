import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { TOKEN } from './app-harness';
import { stopChild } from './child-process';
import { freePort } from './influxd';

/** One `tidemark serve` process of a scale-out cluster, on a free loopback port. */
export interface Replica {
  readonly id: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** `/metrics` parsed: sample name with its labels (as exposed) → value. */
  metrics(): Promise<Map<string, number>>;
  /** The sum of every sample of one metric (over its labels). */
  total(metric: string): Promise<number>;
  /** kill -9: no shutdown, locks left to expire. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL after 5 s. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/**
 * Starts `tidemark serve` (node + tsx, as `npm start` runs it) with `env` on top of the harness
 * token and a free port, and waits for `/readyz`. Its output goes to this process's. `pin`: the
 * CPU it may run on (`taskset -c`), for benchmarks.
 */
export async function startReplica(
  id: string,
  env: Record<string, string>,
  { pin }: { pin?: number } = {},
): Promise<Replica> {
  const port = await freePort();
  const node = [process.execPath, '--import', 'tsx', join(__dirname, '../cli/main.ts'), 'serve'];
  const [command, ...args] = pin === undefined ? node : ['taskset', '-c', String(pin), ...node];
  const child = spawn(command!, args, {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TIDEMARK_TOKENS: TOKEN,
      TOKEN_ONLY_ROLE: 'Editor',
      REPLICA_ID: id,
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  for (let i = 0; ; i++) {
    if (exited()) throw new Error(`replica ${id} exited (code ${child.exitCode}) before it was ready`);
    const ready = await fetch(`${url}/readyz`).catch(() => null);
    if (ready?.status === 200) break;
    if (i > 1_200) {
      child.kill('SIGKILL');
      throw new Error(`replica ${id} was not ready within 60 s`);
    }
    await sleep(50);
  }
  const metrics = async () => parseMetrics(await (await fetch(`${url}/metrics`)).text());
  return {
    id,
    url,
    child,
    metrics,
    async total(metric) {
      let sum = 0;
      for (const [name, value] of await metrics())
        if (name === metric || name.startsWith(`${metric}{`)) sum += value;
      return sum;
    },
    async kill() {
      if (exited()) return;
      child.kill('SIGKILL');
      await new Promise((resolve) => (exited() ? resolve(null) : child.once('exit', resolve)));
    },
    stop: () => stopChild(child),
  };
}

/** Calls a replica's API with the harness token (the role TOKEN_ONLY_ROLE gives: Editor). */
export function callReplica(replica: Pick<Replica, 'url'>, method: string, path: string, body?: unknown) {
  return fetch(`${replica.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}
