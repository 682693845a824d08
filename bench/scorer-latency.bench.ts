/**
 * `POST /api/v1/score` on 10k points in InfluxDB with a trained model, through a real socket:
 * latency p50/p99 against reading the same points from InfluxDB directly (target ratio ≤ 1.5×),
 * with the stages the scorer reports in Server-Timing. The direct read is timed three ways: as
 * Grafana's InfluxDB data source asks (InfluxQL, JSON, gzip accepted: Go's HTTP client asks for
 * gzip unless told not to), as JSON without gzip, and as the scorer itself asks (msgpack, no gzip).
 * Prints figures; asserts nothing. Usage: npx tsx bench/scorer-latency.bench.ts [--runs 50]
 */
import { parseArgs } from 'node:util';
import { decode } from '@msgpack/msgpack';
import type { ScoreResponse } from '@tidemark/core';
import { buildSeriesQuery } from '../scorer/influx';
import { percentile, QUERY, RANGE, RANGE_POINTS, STEP, setUp } from './scorer-support';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' } } });
const runs = Number(values.runs);

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
    const reader =
      (headers: Record<string, string>, decode: (r: Response) => Promise<unknown>) => async () => {
        const form = new URLSearchParams({ q: direct, db: QUERY.database, epoch: 'ms' });
        await decode(await fetch(`${bench.influxd.url}/query`, { method: 'POST', body: form, headers }));
      };
    const reads = {
      'JSON, gzip (as Grafana asks)': reader({}, (r) => r.json()),
      'JSON, no gzip': reader({ 'accept-encoding': 'identity' }, (r) => r.json()),
      'msgpack, no gzip (as the scorer)': reader(
        { accept: 'application/x-msgpack', 'accept-encoding': 'identity' },
        async (r) => decode(new Uint8Array(await r.arrayBuffer())),
      ),
    };
    const contenders: Record<string, () => Promise<void>> = { score, ...reads };
    // Round-robin, one request of each in turn: a noisy neighbour slows all of them alike, so the
    // ratios compare like with like.
    for (let warm = 0; warm < 5; warm++) for (const run of Object.values(contenders)) await run();
    stages.clear();
    const times = new Map<string, number[]>(Object.keys(contenders).map((name) => [name, []]));
    for (let k = 0; k < runs; k++) {
      for (const [name, run] of Object.entries(contenders)) {
        const started = performance.now();
        await run();
        times.get(name)!.push(performance.now() - started);
      }
    }
    for (const t of times.values()) t.sort((a, b) => a - b);
    const scoreTimes = times.get('score')!;
    const readTimes = new Map([...times].filter(([name]) => name !== 'score'));
    const row = (name: string, t: number[]) =>
      `${name.padEnd(36)} ${percentile(t, 50).toFixed(1).padStart(8)} ${percentile(t, 99).toFixed(1).padStart(8)}`;
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
    console.log('InfluxDB /query directly, same points:');
    for (const [name, times] of readTimes) console.log(row(`  ${name}`, times));
    const metrics = await (await bench.call('GET', '/metrics')).text();
    const engineCalls = metrics.split('\n').filter((line) => line.startsWith('tidemark_engine_calls_total'));
    console.log(`engine calls: ${engineCalls.join(', ') || 'none'}`);
    console.log('ratio of POST /api/v1/score to each direct read (target <= 1.5x):');
    for (const [name, times] of readTimes) {
      const p50 = percentile(scoreTimes, 50) / percentile(times, 50);
      const p99 = percentile(scoreTimes, 99) / percentile(times, 99);
      console.log(`  ${name.padEnd(32)} p50 ${p50.toFixed(2)}x   p99 ${p99.toFixed(2)}x`);
    }
  } finally {
    await bench.tearDown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
