/**
 * Whether the scorer stays responsive while it works hard, through a real socket against a real
 * `influxd`: `/healthz` is polled back to back (and `GET /api/v1/detectors/<id>` every 250 ms, on
 * kept-alive connections as Node's fetch keeps them) while (1) one `POST /api/v1/score/points`
 * carries `--points` points (270k, 5.1 MB: near the default MAX_BODY_BYTES), and (2) the first run of a continuous detector scores
 * `--series` series (500) of 1-minute points over a day. Prints, per phase, how long the big work
 * took, the health latency p50/p99/max and every failed poll. Asserts nothing.
 * Usage: npx tsx bench/scorer-responsiveness.bench.ts [--points 270000] [--series 500] [--workers N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ContinuousDetector } from '@tidemark/core';
import { InfluxClient } from '../scorer/influx';
import { createDatabase, seasonalPoints, TOKEN } from '../scorer/test/app-harness';
import { startInfluxd } from '../scorer/test/influxd';
import { percentile, startBenchScorer } from './scorer-support';

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '270000' },
    series: { type: 'string', default: '500' },
    workers: { type: 'string' },
  },
});
const bodyPoints = Number(values.points);
const seriesCount = Number(values.series);
const STEP = 60_000;
const DAY_POINTS = 1_440;

interface Polls {
  latencies: number[];
  errors: string[];
}

/** Calls `probe` back to back (with `pauseMs` between) until `stop` resolves. */
async function poll(probe: () => Promise<Response>, pauseMs: number, stop: Promise<unknown>): Promise<Polls> {
  const polls: Polls = { latencies: [], errors: [] };
  let done = false;
  void stop.finally(() => {
    done = true;
  });
  while (!done) {
    const started = performance.now();
    try {
      const response = await probe();
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      polls.latencies.push(performance.now() - started);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      polls.errors.push(cause ?? String((error as Error).message));
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return polls;
}

function report(phase: string, seconds: number, health: Polls, reads: Polls): void {
  const sorted = [...health.latencies].sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(`${phase}: ${seconds.toFixed(1)} s`);
  console.log(
    `  /healthz: ${sorted.length} polls, p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? Number.NaN)}, ${health.errors.length} failed ${health.errors.length ? JSON.stringify(health.errors) : ''}`,
  );
  const readSorted = [...reads.latencies].sort((a, b) => a - b);
  console.log(
    `  GET /api/v1/detectors/<id>: ${readSorted.length} ok, max ${ms(readSorted.at(-1) ?? Number.NaN)}, ${reads.errors.length} failed ${reads.errors.length ? JSON.stringify(reads.errors) : ''}`,
  );
}

async function main() {
  const influxd = await startInfluxd();
  const influx = new InfluxClient({ url: influxd.url });
  const dataDir = await mkdtemp(join(tmpdir(), 'tidemark-bench-'));
  const now = Date.now();
  const from = Math.floor(now / STEP) * STEP - DAY_POINTS * STEP;
  await createDatabase(influx, 'bench');
  for (let k = 0; k < seriesCount; k++) {
    const host = `h${String(k).padStart(3, '0')}`;
    await influx.write(
      'bench',
      seasonalPoints('cpu', { host }, from, DAY_POINTS, STEP, { [k % DAY_POINTS]: 40 }),
    );
  }
  const server = await startBenchScorer(influxd.url, dataDir, {
    MAX_SERIES: String(Math.max(100, seriesCount)),
    ...(values.workers !== undefined ? { SCORE_WORKERS: values.workers } : {}),
  });
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const call = (method: string, path: string, body?: string) =>
    fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const health = () => fetch(`${server.url}/healthz`);
  const detectorRead = () => call('GET', '/api/v1/detectors/bench');
  const phase = async (name: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    const running = work();
    const [healthPolls, readPolls] = await Promise.all([
      poll(health, 10, running),
      poll(detectorRead, 250, running),
      running,
    ]);
    report(name, (performance.now() - started) / 1_000, healthPolls, readPolls);
  };
  try {
    // The detector exists (disabled) from the start, so its reads answer 200 in every phase.
    const definition = {
      id: 'bench',
      query: { database: 'bench', measurement: 'cpu', field: 'value', groupBy: ['host'] },
      interval: '1m',
      lag: '1s',
      maxBackfill: '1d',
      enabled: false,
    };
    const created = await call('POST', '/api/v1/detectors', JSON.stringify(definition));
    if (created.status !== 201) throw new Error(`creating the detector answered ${await created.text()}`);
    await phase('idle (3 s)', () => new Promise((resolve) => setTimeout(resolve, 3_000)));

    const points = seasonalPoints('cpu', {}, from, bodyPoints, STEP, { [bodyPoints - 100]: 60 });
    const body = JSON.stringify({
      series: [{ name: 'big', points: points.map((p) => [p.time, Math.round(Number(p.fields.value))]) }],
      detector: { id: 'ensemble' },
    });
    await phase(
      `POST /api/v1/score/points, ${bodyPoints} points (${(body.length / 1e6).toFixed(2)} MB)`,
      async () => {
        const response = await call('POST', '/api/v1/score/points', body);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`score/points answered ${response.status}`);
      },
    );

    await phase(
      `first run of a continuous detector, ${seriesCount} series × ${DAY_POINTS} points`,
      async () => {
        await call('PUT', '/api/v1/detectors/bench', JSON.stringify({ ...definition, enabled: true }));
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          const state = (await (await detectorRead()).json()) as ContinuousDetector;
          if (state.lastError) throw new Error(`the run failed: ${state.lastError}`);
          if (state.status === 'idle' && state.scoredUntil !== null) return;
        }
      },
    );
  } finally {
    await server.close();
    await influxd.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
