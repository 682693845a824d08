/**
 * Sustained load on `POST /api/v1/score` through a real socket: `--concurrency` clients (50) each
 * sending requests back to back for `--seconds` (30) over a panel-sized range (`--points`, 1000
 * intervals) with a trained model. Prints throughput, latency percentiles and the error count.
 * Usage: npx tsx bench/scorer-load.bench.ts [--concurrency 50] [--seconds 30] [--points 1000]
 */
import { parseArgs } from 'node:util';
import type { ScoreResponse } from '@tidemark/core';
import { percentile, QUERY, RANGE, STEP, setUp } from './scorer-support';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '30' },
    points: { type: 'string', default: '1000' },
  },
});
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const points = Number(values.points);

async function main() {
  const bench = await setUp();
  try {
    await bench.train();
    const latencies: number[] = [];
    const errors = new Map<string, number>();
    const deadline = performance.now() + seconds * 1_000;
    let served = 0;
    const client = async (k: number) => {
      let i = 0;
      while (performance.now() < deadline) {
        // Each client slides its range a little, as dashboards of different users would.
        const to = RANGE.to - ((k * 7 + i++) % 100) * STEP;
        const request = { query: QUERY, range: { from: to - points * STEP, to }, intervalMs: STEP };
        const started = performance.now();
        try {
          const response = await bench.call('POST', '/api/v1/score', request);
          const body = (await response.json()) as ScoreResponse;
          if (response.status !== 200 || body.series.length !== 1) throw new Error(`HTTP ${response.status}`);
          served += body.series[0]!.time.length;
          latencies.push(performance.now() - started);
        } catch (error) {
          const key = String((error as Error).message);
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, (_, k) => client(k)));
    const elapsed = (performance.now() - started) / 1_000;
    latencies.sort((a, b) => a - b);
    const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
    console.log(
      `concurrency ${concurrency}, ${seconds} s, ${points} intervals per request, trained ensemble model`,
    );
    console.log(
      `requests: ${latencies.length} ok, ${errorCount} errors ${errorCount ? JSON.stringify([...errors]) : ''}`,
    );
    console.log(
      `throughput: ${(latencies.length / elapsed).toFixed(1)} req/s, ${Math.round(served / elapsed).toLocaleString('en-US')} points/s`,
    );
    console.log(
      `latency ms: p50 ${percentile(latencies, 50).toFixed(0)}, p90 ${percentile(latencies, 90).toFixed(0)}, p99 ${percentile(latencies, 99).toFixed(0)}, max ${latencies.at(-1)?.toFixed(0)}`,
    );
  } finally {
    await bench.tearDown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
