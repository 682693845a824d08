/**
 * Shared set-up for the scorer benchmarks: a real influxd (scorer/test/influxd.ts), 10k points
 * of a seasonal series plus history, and a real `tidemark serve` (in-process, real socket).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@tidemark/core';
import { loadConfig } from '../scorer/config';
import { InfluxClient } from '../scorer/influx';
import { startServer } from '../scorer/serve';
import { createDatabase, seasonalPoints, TOKEN } from '../scorer/test/app-harness';
import { freePort, startInfluxd } from '../scorer/test/influxd';

export const STEP = 60_000;
export const RANGE_POINTS = 10_000;
export const HISTORY_POINTS = 10_000;
export const T0 = Date.UTC(2024, 0, 1);
export const QUERY = {
  database: 'bench',
  measurement: 'cpu',
  field: 'value',
  tags: [{ key: 'host', value: 'a' }],
};
export const RANGE = { from: T0 + HISTORY_POINTS * STEP, to: T0 + (HISTORY_POINTS + RANGE_POINTS) * STEP };

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A real scorer on a free loopback port; `env` adds to (or overrides) the bench's settings. */
export async function startBenchScorer(influxUrl: string, dataDir: string, env: Record<string, string> = {}) {
  return startServer(
    loadConfig({
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      INFLUX_URL: influxUrl,
      TIDEMARK_TOKENS: TOKEN,
      // The benches train and define detectors with the bearer token alone (no Grafana in front).
      TOKEN_ONLY_ROLE: 'Editor',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    }),
  );
}

export async function setUp() {
  const influxd = await startInfluxd();
  const influx = new InfluxClient({ url: influxd.url });
  await createDatabase(influx, 'bench');
  await influx.write(
    'bench',
    seasonalPoints('cpu', { host: 'a' }, T0, HISTORY_POINTS + RANGE_POINTS, STEP, { 15000: 80 }),
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'tidemark-bench-'));
  const server = await startBenchScorer(influxd.url, dataDir);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return response;
  };
  return {
    influx,
    influxd,
    server,
    call,
    /** Trains the default detector's model on the history before the range and waits for it. */
    async train(): Promise<Job> {
      const job = (await (
        await call('POST', '/api/v1/models', {
          query: QUERY,
          range: { from: T0, to: RANGE.from },
          intervalMs: STEP,
        })
      ).json()) as Job;
      for (;;) {
        const state = (await (await call('GET', `/api/v1/jobs/${job.id}`)).json()) as Job;
        if (state.status === 'succeeded') return state;
        if (state.status === 'failed') throw new Error(`training failed: ${state.message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async tearDown() {
      await server.close();
      await influxd.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
