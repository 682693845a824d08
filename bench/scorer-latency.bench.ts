/**
 * `POST /api/v1/score` on 10k points in InfluxDB with a trained model, through a real socket:
 * latency p50/p99 against reading the same points from InfluxDB directly (target ratio ≤ 1.5×).
 * Prints figures; asserts nothing. Usage: npx tsx bench/scorer-latency.bench.ts [--runs 50]
 */
import { parseArgs } from 'node:util';
import type { ScoreResponse } from '@tidemark/core';
import { buildSeriesQuery } from '../scorer/influx';
import { percentile, QUERY, RANGE, RANGE_POINTS, STEP, setUp } from './scorer-support';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' } } });
const runs = Number(values.runs);

async function timeEach(n: number, fn: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

async function main() {
  const bench = await setUp();
  try {
    const trained = await bench.train();
    console.log(`trained ${trained.models.join(', ')}`);
    const request = { query: QUERY, range: RANGE, intervalMs: STEP };
    const direct = buildSeriesQuery({ ...QUERY, aggregation: 'mean' }, RANGE, STEP);
    let points = 0;
    const stages = new Map<string, number[]>();
    const score = async () => {
      const response = await bench.call('POST', '/api/v1/score', request);
      for (const part of (response.headers.get('server-timing') ?? '').split(', ')) {
        const [stage, ms] = part.split(';dur=');
        if (stage && ms) stages.set(stage, [...(stages.get(stage) ?? []), Number(ms)]);
      }
      const body = (await response.json()) as ScoreResponse;
      points = body.series[0]?.time.length ?? 0;
      if (!body.series[0]?.notices.some((n) => n.text.startsWith('Scored with trained model'))) {
        throw new Error('the score did not use the trained model');
      }
    };
    const read = async () => {
      const form = new URLSearchParams({ q: direct, db: QUERY.database, epoch: 'ms' });
      await (await fetch(`${bench.influxd.url}/query`, { method: 'POST', body: form })).json();
    };
    await timeEach(5, score);
    await timeEach(5, read);
    stages.clear();
    const scoreTimes = await timeEach(runs, score);
    const readTimes = await timeEach(runs, read);
    const row = (name: string, t: number[]) =>
      `${name.padEnd(34)} ${percentile(t, 50).toFixed(1).padStart(8)} ${percentile(t, 99).toFixed(1).padStart(8)}`;
    console.log(`points per request: ${points} (range ${RANGE_POINTS} intervals), runs: ${runs}`);
    console.log(`${''.padEnd(34)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    console.log(row('POST /api/v1/score (trained model)', scoreTimes));
    for (const [stage, times] of stages) {
      console.log(
        row(
          `  of which ${stage} (Server-Timing)`,
          times.sort((a, b) => a - b),
        ),
      );
    }
    console.log(row('InfluxDB /query, same points', readTimes));
    const ratio = percentile(scoreTimes, 50) / percentile(readTimes, 50);
    console.log(
      `ratio p50: ${ratio.toFixed(2)}x (target <= 1.5x); p99: ${(percentile(scoreTimes, 99) / percentile(readTimes, 99)).toFixed(2)}x`,
    );
  } finally {
    await bench.tearDown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
