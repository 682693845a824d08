/**
 * LSTM detector throughput: fit and score points/s on 10k and 100k points of a noisy seasonal series,
 * and memory; then the default forecaster trained and run side by side
 * with the same model in PyTorch (Debian's python3-torch, one thread) on the same windows, with
 * tfjs's own LSTM layer as a third column. Prints figures and ratios only; nothing asserts on time.
 *
 *   npx tsx bench/lstm.bench.ts [--peer-only]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SeriesView } from '../src/engine/detector';
import { ensureTfBackend, LstmDetector } from '../src/engine/detectors/lstm';
import { buildForecaster, type ModelShape, predictWindows } from '../src/engine/detectors/lstm/model';
import { lstmConfig } from '../src/engine/detectors/lstm/options';
import { robustLocationScale } from '../src/engine/detectors/lstm/robust';
import { trainForecaster } from '../src/engine/detectors/lstm/train';
import {
  lookback,
  type TrainingWindows,
  trainingTargets,
  trainingWindows,
  type WindowShape,
} from '../src/engine/detectors/lstm/windows';

const PERIOD = 288; // one day of 5-minute points
const SIZES = [10_000, 100_000];

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
  await compareWithPyTorch();
  if (process.argv.includes('--peer-only')) return;
  let lastDetector: LstmDetector | null = null;
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
  }
  lastDetector?.dispose();
  console.log(`end: ${memory()}`);
}

const PEER = {
  trainingWindows: 3_200,
  predictWindows: 11_000,
  epochs: 4,
  python: '/usr/bin/python3',
  script: join(__dirname, 'peers', 'lstm_torch.py'),
};

/** The windows the detector would train on for a seasonal series: W = 32 steps × 2 channels. */
function peerWindows(count: number, shape: WindowShape): TrainingWindows {
  const end = count + lookback(shape);
  const { values } = seasonalSeries(end);
  const targets = trainingTargets(values, end, shape, count);
  return trainingWindows(values, end, targets, shape, robustLocationScale(values.subarray(0, end)));
}

/** tfjs's stock LSTM layer in the forecaster's place, for the third column. */
function stockForecaster(shape: ModelShape): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ name: 'lstm', units: shape.units, inputShape: [shape.window, shape.channels] }));
  model.add(tf.layers.dense({ name: 'forecast', units: 1 }));
  return model;
}

/** By wall clock and by the process's CPU time (steadier when other work shares the cores). */
interface PeerFigures {
  epochSeconds: number[];
  epochCpuSeconds: number[];
  predictWindowsPerSecond: number;
  predictWindowsPerCpuSecond: number;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Trains `epochs` epochs (no hold-out, no early stop) through the detector's own training loop. */
async function tfjsFigures(
  model: tf.LayersModel,
  shape: ModelShape,
  train: TrainingWindows,
  predict: TrainingWindows,
): Promise<PeerFigures> {
  const config = lstmConfig();
  const marks: number[] = [performance.now()];
  const cpuMarks: number[] = [cpuSeconds()];
  await trainForecaster(model, train, shape, {
    ...config,
    epochs: PEER.epochs,
    patience: PEER.epochs + 1,
    validationFraction: 0,
    seed: 1,
    onProgress: () => {
      marks.push(performance.now());
      cpuMarks.push(cpuSeconds());
    },
  });
  const epochSeconds = marks.slice(1).map((mark, k) => (mark - marks[k]!) / 1000);
  const epochCpuSeconds = cpuMarks.slice(1).map((mark, k) => mark - cpuMarks[k]!);
  predictWindows(model, predict.xs, config.predictBatchSize, shape, config.predictBatchSize);
  const started = performance.now();
  const startedCpu = cpuSeconds();
  predictWindows(model, predict.xs, predict.count, shape, config.predictBatchSize);
  const predictWindowsPerSecond = predict.count / ((performance.now() - started) / 1000);
  const predictWindowsPerCpuSecond = predict.count / (cpuSeconds() - startedCpu);
  model.dispose();
  return { epochSeconds, epochCpuSeconds, predictWindowsPerSecond, predictWindowsPerCpuSecond };
}

function torchFigures(
  shape: ModelShape,
  train: TrainingWindows,
  predict: TrainingWindows,
): PeerFigures | string {
  if (!existsSync(PEER.python)) return `${PEER.python} not found (apt-get install python3-torch)`;
  const folder = mkdtempSync(join(tmpdir(), 'tidemark-lstm-bench-'));
  try {
    const config = lstmConfig();
    writeFileSync(join(folder, 'xs.f32'), train.xs);
    writeFileSync(join(folder, 'ys.f32'), train.ys);
    writeFileSync(join(folder, 'predict.f32'), predict.xs);
    const meta = {
      ...shape,
      epochs: PEER.epochs,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      huberDelta: config.huberDelta,
      predictBatchSize: config.predictBatchSize,
    };
    writeFileSync(join(folder, 'meta.json'), JSON.stringify(meta));
    // torch.set_num_threads(1) leaves the BLAS and OpenMP pools at one thread per core: pin them too,
    // so "one thread" holds for prediction (BLAS-bound) as well as training.
    const oneThread = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const run = spawnSync(PEER.python, [PEER.script, folder], {
      encoding: 'utf8',
      env: { ...process.env, ...oneThread },
    });
    if (run.status !== 0) {
      const reason = run.stderr.includes("No module named 'torch'")
        ? 'python3-torch is not installed (apt-get install python3-torch)'
        : run.stderr.trim().split('\n').at(-1);
      return `PyTorch run failed: ${reason}`;
    }
    const figures = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as PeerFigures & { torch: string };
    console.log(`PyTorch ${figures.torch}, one thread`);
    return figures;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function compareWithPyTorch(): Promise<void> {
  const config = lstmConfig();
  const shape: WindowShape & ModelShape = {
    window: config.window,
    channels: 2,
    period: PERIOD,
    clip: config.clip,
    units: config.units,
  };
  const train = peerWindows(PEER.trainingWindows, shape);
  const predict = peerWindows(PEER.predictWindows, shape);
  console.log(
    `\nForecaster side by side: LSTM(${shape.units}) over ${shape.window} steps × ${shape.channels} channels, dense head, ` +
      `Adam ${config.learningRate}, Huber ${config.huberDelta}; ${train.count.toLocaleString('en-US')} windows, batch ${config.batchSize}, ` +
      `${PEER.epochs} epochs; predict ${predict.count.toLocaleString('en-US')} windows in batches of ${config.predictBatchSize}`,
  );
  const torch = torchFigures(shape, train, predict);
  const fused = await tfjsFigures(buildForecaster(shape, 1), shape, train, predict);
  const stock = await tfjsFigures(stockForecaster(shape), shape, train, predict);
  const rows: [string, PeerFigures | string][] = [
    ['tfjs, fused LSTM layer (the detector)', fused],
    ['tfjs, stock tf.layers.lstm', stock],
    ['PyTorch', torch],
  ];
  for (const [name, figures] of rows) {
    if (typeof figures === 'string') {
      console.log(`  ${name}: ${figures}`);
      continue;
    }
    const epochs = figures.epochSeconds.map((s) => s.toFixed(2)).join(', ');
    console.log(
      `  ${name}: s/epoch median ${medianOf(figures.epochSeconds).toFixed(2)} (${epochs}; CPU ${medianOf(figures.epochCpuSeconds).toFixed(2)}); ` +
        `predict ${Math.round(figures.predictWindowsPerSecond).toLocaleString('en-US')} windows/s ` +
        `(CPU ${Math.round(figures.predictWindowsPerCpuSecond).toLocaleString('en-US')})`,
    );
  }
  if (typeof torch === 'string') return;
  const ratios = (wall: boolean) => {
    const epoch = (f: PeerFigures) => medianOf(wall ? f.epochSeconds : f.epochCpuSeconds);
    const rate = (f: PeerFigures) => (wall ? f.predictWindowsPerSecond : f.predictWindowsPerCpuSecond);
    return `training time ${(epoch(fused) / epoch(torch)).toFixed(2)}×, prediction rate ${(rate(fused) / rate(torch)).toFixed(2)}×`;
  };
  console.log(
    `  detector / PyTorch, wall clock: ${ratios(true)}; CPU time: ${ratios(false)} (targets ≤ 2×, ≥ 1×)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
