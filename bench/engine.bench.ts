/**
 * Engine throughput and memory: batch fit + score (points/s) for each fast detector on 10k and
 * 100k points, causal scoring, and model scoring. Prints figures and ratios; asserts nothing.
 * Model scoring and batch scoring take the fastest of `--repeat` runs (a shared machine's load
 * shows in single runs); training and causal scoring run once.
 * Usage: npx tsx bench/engine.bench.ts [--sizes 10000,100000] [--detectors robust,isolation-forest,ensemble]
 *        [--repeat 5]
 */
import { parseArgs } from 'node:util';
import type { DetectorId } from '@tidemark/core';
import { scorePoints, trainModel } from '@tidemark/core/engine';
import { seasonalPoints } from '../src/engine/test-support';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    detectors: { type: 'string', default: 'robust,isolation-forest,ensemble' },
    repeat: { type: 'string', default: '5' },
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

/** The fastest of `runs` runs of `fn`. */
async function fastest<T>(runs: number, fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  let best = await timed(fn);
  for (let k = 1; k < runs; k++) {
    const next = await timed(fn);
    if (next.seconds < best.seconds) best = next;
  }
  return best;
}

async function main() {
  const repeat = Math.max(1, Number(values.repeat));
  console.log(
    'detector          points   train pts/s   model-score pts/s   batch pts/s   causal pts/s   rss',
  );
  for (const detector of values.detectors!.split(',') as DetectorId[]) {
    for (const size of values.sizes!.split(',').map(Number)) {
      const points = seasonalPoints({ length: size, period: 288, noise: 2, seed: 7 });
      const spec = { id: detector };
      const train = await timed(() => trainModel(points, { detector: spec }));
      const withModel = await fastest(repeat, () =>
        scorePoints(points, { detector: spec, model: train.result }),
      );
      const batch = await fastest(repeat, () => scorePoints(points, { detector: spec }));
      const causal = await timed(() => scorePoints(points, { detector: spec, causal: true }));
      const rate = (s: number) => Math.round(size / s).toLocaleString('en-US');
      console.log(
        `${detector.padEnd(17)} ${String(size).padStart(7)} ${rate(train.seconds).padStart(13)} ${rate(withModel.seconds).padStart(19)} ${rate(batch.seconds).padStart(13)} ${rate(causal.seconds).padStart(14)}   ${mib(process.memoryUsage().rss)}`,
      );
    }
  }
  console.log('\ntrain = fit + score the training points (builds the calibration history); model-score =');
  console.log('score with a trained model (what the scorer does per panel refresh); causal = refit as the');
  console.log(`series grows (continuous detectors, NAB). Model-score and batch: fastest of ${repeat} runs.`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
