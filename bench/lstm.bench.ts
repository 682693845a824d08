/**
 * LSTM detector throughput: fit and score points/s on 10k and 100k points of a noisy seasonal series,
 * the wasm/cpu scoring ratio, and memory. Prints figures only; nothing here asserts on time.
 *
 *   npx tsx bench/lstm.bench.ts
 */
import * as tf from '@tensorflow/tfjs';
import type { SeriesView } from '../src/engine/detector';
import { ensureTfBackend, LstmDetector } from '../src/engine/detectors/lstm';

const PERIOD = 288; // one day of 5-minute points
const SIZES = [10_000, 100_000];
const CPU_POINTS = 2_000;

/** Daily and weekly seasons, Gaussian noise (σ = 2) and a spike every 5,000 points, seeded. */
function seasonalSeries(length: number): SeriesView {
  let state = 12345;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const values = Float64Array.from({ length }, (_, i) => {
    const season = 20 * Math.sin((2 * Math.PI * i) / PERIOD) + 5 * Math.sin((2 * Math.PI * i) / (7 * PERIOD));
    return 100 + season + 2 * gaussian() + (i % 5_000 === 4_999 ? 25 : 0);
  });
  return { values, times: Float64Array.from(values, (_, i) => i * 300_000), intervalMs: 300_000 };
}

function perSecond(points: number, ms: number): string {
  return `${Math.round((points / ms) * 1000).toLocaleString('en-US')} points/s`;
}

function memory(): string {
  const { rss, heapUsed, external } = process.memoryUsage();
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const tensors = tf.memory();
  return `rss ${mb(rss)}, heap ${mb(heapUsed)}, external ${mb(external)}, tensors ${tensors.numTensors} (${mb(tensors.numBytes)})`;
}

async function time<T>(run: () => T | Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const backend = await ensureTfBackend();
  console.log(`backend ${backend}, node ${process.version}, ${memory()}`);
  let lastDetector: LstmDetector | null = null;
  let lastSeries: SeriesView | null = null;
  for (const size of SIZES) {
    const series = seasonalSeries(size);
    const detector = new LstmDetector();
    const fit = await time(() => detector.fit(series, size, { period: PERIOD, seed: 1 }));
    const { training } = detector.save().params as { training: { windows: number; epochsRun: number } };
    const score = await time(() => detector.score(series, 0, size));
    const scored = score.result.raw.filter(Number.isFinite);
    const meanRaw = scored.reduce((sum, raw) => sum + raw, 0) / scored.length;
    console.log(
      `${size.toLocaleString('en-US')} points: fit ${(fit.ms / 1000).toFixed(1)} s ` +
        `(${perSecond(size, fit.ms)}; ${training.windows} windows × ${training.epochsRun} epochs, ` +
        `${Math.round((training.windows * training.epochsRun * 1000) / fit.ms)} window-epochs/s), ` +
        `score ${(score.ms / 1000).toFixed(2)} s (${perSecond(size, score.ms)}), mean raw ${meanRaw.toFixed(2)}`,
    );
    console.log(`  after ${size.toLocaleString('en-US')}: ${memory()}`);
    lastDetector?.dispose();
    lastDetector = detector;
    lastSeries = series;
  }
  if (lastDetector && lastSeries) await compareBackends(lastDetector, lastSeries);
  lastDetector?.dispose();
  console.log(`end: ${memory()}`);
}

/** Scores the same points on wasm and on the pure-JS cpu backend (few points: cpu is slow). */
async function compareBackends(detector: LstmDetector, series: SeriesView): Promise<void> {
  const to = PERIOD * 2 + CPU_POINTS;
  const wasm = await time(() => detector.score(series, PERIOD * 2, to));
  await tf.setBackend('cpu');
  const cpu = await time(() => detector.score(series, PERIOD * 2, to));
  await tf.setBackend('wasm');
  let largest = 0;
  for (let k = 0; k < CPU_POINTS; k++) {
    largest = Math.max(largest, Math.abs(wasm.result.expected[k]! - cpu.result.expected[k]!) || 0);
  }
  console.log(
    `score ${CPU_POINTS.toLocaleString('en-US')} points: wasm ${perSecond(CPU_POINTS, wasm.ms)}, ` +
      `cpu ${perSecond(CPU_POINTS, cpu.ms)}, wasm/cpu ${(cpu.ms / wasm.ms).toFixed(1)}×, ` +
      `largest forecast difference ${largest.toExponential(1)}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
