/**
 * Kills a real `tidemark serve` process mid-run (SIGKILL), restarts it, and proves its continuous
 * detector backfills from the checkpoint: every 1-second interval is written exactly once, no gap.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContinuousDetector } from '@tidemark/core';
import { InfluxClient } from '../influx';
import { createDatabase, seasonalPoints, TOKEN } from '../test/app-harness';
import { freePort, useInfluxd } from '../test/influxd';

const influxd = useInfluxd();
const STEP = 1_000;
let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tidemark-restart-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startScorer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../cli/main.ts'), 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      INFLUX_URL: influxd.current.url,
      TIDEMARK_TOKENS: TOKEN,
      DATA_DIR: join(dataDir, 'state'),
      DETECTORS_FILE: join(dataDir, 'detectors.yaml'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  for (let i = 0; i < 200; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (ready?.status === 200) return child;
    await sleep(50);
  }
  throw new Error('the scorer did not become ready');
}

async function scoredUntil(port: number): Promise<number | null> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/detectors/beat`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return ((await response.json()) as ContinuousDetector).scoredUntil;
}

async function waitForCheckpoint(port: number, atLeast: number): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const until = await scoredUntil(port).catch(() => null);
    if (until !== null && until >= atLeast) return until;
    await sleep(50);
  }
  throw new Error(`the checkpoint did not reach ${atLeast}`);
}

it('backfills after being killed mid-run: no interval skipped, none doubled', async () => {
  const influx = new InfluxClient({ url: influxd.current.url });
  await createDatabase(influx, 'metrics');
  const now = Math.floor(Date.now() / STEP) * STEP;
  await influx.write('metrics', seasonalPoints('beat', { host: 'a' }, now - 600 * STEP, 900, STEP));
  await writeFile(
    join(dataDir, 'detectors.yaml'),
    [
      'apiVersion: 1',
      'detectors:',
      '  - id: beat',
      '    query: { database: metrics, measurement: beat, field: value, groupBy: [host] }',
      '    interval: 1s',
      '    lag: 1ms',
      '    maxBackfill: 1m',
      '    detector: { id: robust, params: { trainingWindow: 5m } }',
    ].join('\n'),
  );

  const port = await freePort();
  const first = await startScorer(port);
  const firstUntil = await waitForCheckpoint(port, Date.now() - 1_000);
  await sleep(1_500);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const killedAt = Date.now();

  await sleep(4_000); // downtime: ~4 intervals nobody scores
  const second = await startScorer(port);
  const resumedUntil = await waitForCheckpoint(port, killedAt + 5_000);
  second.kill('SIGTERM');
  const code = await new Promise((resolve) => second.once('exit', (c) => resolve(c)));
  expect(code).toBe(0); // graceful shutdown

  const [result] = await influx.query(
    `SELECT "value", "score" FROM "metrics".."tidemark_anomaly" WHERE "detector" = 'beat'`,
  );
  const times = (result?.series?.[0]?.values ?? []).map((row) => Number(row[0]));
  expect(times.length).toBeGreaterThan(60 + 5);
  const firstTime = times[0]!;
  const last = times.at(-1)!;
  expect(new Set(times).size).toBe(times.length);
  expect(times.length).toBe((last - firstTime) / STEP + 1); // contiguous: every second is there
  expect(firstTime).toBeLessThanOrEqual(firstUntil - 60 * STEP + STEP);
  expect(last).toBeGreaterThanOrEqual(killedAt + 4_000);
  expect(resumedUntil).toBeGreaterThan(killedAt);
}, 60_000);
