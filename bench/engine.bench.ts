/**
 * Engine throughput and memory: batch fit + score (points/s) for each fast detector on 10k and
 * 100k points, causal scoring, and model scoring. Prints figures and ratios; asserts nothing.
 * Usage: npx tsx bench/engine.bench.ts [--sizes 10000,100000] [--detectors robust,isolation-forest,ensemble]
 */
import { parseArgs } from 'node:util';
import type { DetectorId } from '@tidemark/core';
import { scorePoints, trainModel } from '@tidemark/core/engine';
import { seasonalPoints } from '../src/engine/test-support';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    detectors: { type: 'string', default: 'robust,isolation-forest,ensemble' },
  },
});

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function main() {
  console.log(
    'detector          points   train pts/s   model-score pts/s   batch pts/s   causal pts/s   rss',
  );
  for (const detector of values.detectors!.split(',') as DetectorId[]) {
    for (const size of values.sizes!.split(',').map(Number)) {
      const points = seasonalPoints({ length: size, period: 288, noise: 2, seed: 7 });
      const spec = { id: detector };
      const train = await timed(() => trainModel(points, { detector: spec }));
      const withModel = await timed(() => scorePoints(points, { detector: spec, model: train.result }));
      const batch = await timed(() => scorePoints(points, { detector: spec }));
      const causal = await timed(() => scorePoints(points, { detector: spec, causal: true }));
      const rate = (s: number) => Math.round(size / s).toLocaleString('en-US');
      console.log(
        `${detector.padEnd(17)} ${String(size).padStart(7)} ${rate(train.seconds).padStart(13)} ${rate(withModel.seconds).padStart(19)} ${rate(batch.seconds).padStart(13)} ${rate(causal.seconds).padStart(14)}   ${mib(process.memoryUsage().rss)}`,
      );
    }
  }
  console.log('\ntrain = fit + score the training points (builds the calibration history); model-score =');
  console.log('score with a trained model (what the scorer does per panel refresh); causal = refit as the');
  console.log('series grows (continuous detectors, NAB).');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
