import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type InfluxdInstance, startInfluxd } from '../../../scorer/test/influxd';

export const REPO = join(__dirname, '..', '..', '..');
/** The scorer's HTTP entry point; the end-to-end test waits for it to exist. */
export const SCORER_ENTRY = join(REPO, 'scorer', 'app.ts');

export const DATABASE = 'tidemark_e2e';
export const MINUTE = 60_000;
/** Two days of one-minute CPU data per host, ending at END; web-1 spikes at SPIKE. */
export const END = Date.UTC(2026, 2, 3, 0, 0);
export const START = END - 2 * 24 * 60 * MINUTE;
export const SPIKE = END - 3 * 60 * MINUTE;

/** Line protocol for the fixture: a daily wave with small deterministic noise, and one spike on web-1. */
export function fixtureLines(): string[] {
  const lines: string[] = [];
  for (const [h, host] of ['web-1', 'web-2'].entries()) {
    for (let t = START; t < END; t += MINUTE) {
      const i = (t - START) / MINUTE;
      const daily = 30 + h * 20 + 10 * Math.sin((2 * Math.PI * i) / 1440);
      const noise = ((i * 7919 + h * 104_729) % 1000) / 1000 - 0.5;
      const value = t === SPIKE && host === 'web-1' ? daily + 60 : daily + noise;
      lines.push(`cpu,host=${host} usage_user=${value.toFixed(3)} ${t * 1_000_000}`);
    }
  }
  return lines;
}

export async function seedInflux(influx: InfluxdInstance): Promise<void> {
  const create = await fetch(`${influx.url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q: `CREATE DATABASE "${DATABASE}"` }),
  });
  if (!create.ok) throw new Error(`CREATE DATABASE failed: ${create.status} ${await create.text()}`);
  const lines = fixtureLines();
  for (let i = 0; i < lines.length; i += 5_000) {
    const response = await fetch(`${influx.url}/write?db=${DATABASE}&precision=ns`, {
      method: 'POST',
      body: lines.slice(i, i + 5_000).join('\n'),
    });
    if (response.status !== 204) throw new Error(`write failed: ${response.status} ${await response.text()}`);
  }
}

export interface Scorer {
  url: string;
  stop(): Promise<void>;
}

/** Runs the real scorer (`tidemark serve`, as users start it) on a free loopback port against the given InfluxDB. */
export async function startScorer(
  influxUrl: string,
  token: string,
  env: Record<string, string> = {},
): Promise<Scorer> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'tidemark-e2e-scorer-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(REPO, 'scorer', 'bin', 'tidemark.cjs'), 'serve'],
    {
      cwd: REPO,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        INFLUX_URL: influxUrl,
        TIDEMARK_TOKENS: token,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the scorer exited (${child.exitCode}): ${stderr}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      return {
        url,
        stop: async () => {
          child.kill('SIGTERM');
          await new Promise((resolve) =>
            child.exitCode !== null ? resolve(null) : child.once('exit', resolve),
          );
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGTERM'); // the bin passes it on to the server it started
  throw new Error(`the scorer did not answer /healthz within 60 s: ${stderr}`);
}

export { existsSync, startInfluxd };
