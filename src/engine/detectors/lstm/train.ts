import * as tf from '@tensorflow/tfjs';
import type { FitProgress } from '../../detector';
import { seededPermutation, seededRandom } from '../../random';
import { type ModelShape, predictWindows } from './model';
import { MAD_TO_SIGMA, median } from './robust';
import type { TrainingWindows } from './windows';

export interface TrainOptions {
  epochs: number;
  patience: number;
  batchSize: number;
  learningRate: number;
  huberDelta: number;
  validationFraction: number;
  predictBatchSize: number;
  seed: number;
  onProgress?: (progress: FitProgress) => void;
  signal?: AbortSignal;
}

export interface TrainResult {
  epochsRun: number;
  /** Mean training loss of the last epoch run. */
  trainLoss: number;
  /** Best validation loss, NaN when there were too few windows to hold any out. */
  validationLoss: number;
  /** σ of held-out residuals (training residuals without a hold-out), in normalised units. */
  residualScale: number;
}

/** Thrown when the fit's AbortSignal fires; `name` is 'AbortError' like a DOM abort. */
export class FitAbortedError extends Error {
  override name = 'AbortError';
  constructor() {
    super('lstm fit aborted');
  }
}

/** Below this many held-out windows, early stopping and the residual scale use the training windows. */
const MIN_VALIDATION_WINDOWS = 16;

interface Snapshot {
  loss: number;
  weights: tf.Tensor[];
}

/**
 * Trains `model` on the windows: Adam on a Huber loss, the older windows for training in a seeded
 * shuffle per epoch, the most recent `validationFraction` held out for early stopping (the best
 * epoch's weights are kept). Yields to the event loop after every batch so an abort lands promptly.
 */
export async function trainForecaster(
  model: tf.LayersModel,
  windows: TrainingWindows,
  shape: ModelShape,
  options: TrainOptions,
): Promise<TrainResult> {
  throwIfAborted(options.signal);
  const heldOut = Math.floor(windows.count * options.validationFraction);
  const validation =
    heldOut >= MIN_VALIDATION_WINDOWS ? slice(windows, windows.count - heldOut, windows.count, shape) : null;
  const training = slice(windows, 0, windows.count - (validation?.count ?? 0), shape);
  const optimizer = tf.train.adam(options.learningRate);
  const delta = options.huberDelta;
  model.compile({ optimizer, loss: (yTrue, yPred) => tf.losses.huberLoss(yTrue, yPred, undefined, delta) });
  const random = seededRandom(options.seed);
  const started = performance.now();
  let best: Snapshot | null = null;
  let epochsRun = 0;
  let trainLoss = Number.NaN;
  let sinceImprovement = 0;
  try {
    while (epochsRun < options.epochs && sinceImprovement < options.patience) {
      trainLoss = await trainEpoch(model, training, shape, options, random);
      epochsRun++;
      const perEpoch = (performance.now() - started) / epochsRun;
      options.onProgress?.({
        epoch: epochsRun,
        epochs: options.epochs,
        loss: trainLoss,
        etaMs: perEpoch * (options.epochs - epochsRun),
      });
      if (!validation) continue;
      const loss = meanHuber(validation, predict(model, validation, shape, options), delta);
      if (best !== null && !(loss < best.loss)) {
        sinceImprovement++;
        continue;
      }
      disposeSnapshot(best);
      best = { loss, weights: model.getWeights().map((weight) => weight.clone()) };
      sinceImprovement = 0;
    }
    if (best) model.setWeights(best.weights);
  } finally {
    disposeSnapshot(best);
    optimizer.dispose();
  }
  const scored = validation ?? training;
  return {
    epochsRun,
    trainLoss,
    validationLoss: best?.loss ?? Number.NaN,
    residualScale: residualSigma(scored, predict(model, scored, shape, options)),
  };
}

/** One pass over the training windows in a seeded order; returns the mean batch loss. */
async function trainEpoch(
  model: tf.LayersModel,
  training: TrainingWindows,
  shape: ModelShape,
  options: TrainOptions,
  random: () => number,
): Promise<number> {
  const order = seededPermutation(training.count, random);
  const stride = shape.window * shape.channels;
  let lossSum = 0;
  for (let start = 0; start < training.count; start += options.batchSize) {
    const size = Math.min(options.batchSize, training.count - start);
    const xs = new Float32Array(size * stride);
    const ys = new Float32Array(size);
    for (let k = 0; k < size; k++) {
      const row = order[start + k]!;
      xs.set(training.xs.subarray(row * stride, (row + 1) * stride), k * stride);
      ys[k] = training.ys[row]!;
    }
    const input = tf.tensor3d(xs, [size, shape.window, shape.channels]);
    const target = tf.tensor2d(ys, [size, 1]);
    try {
      lossSum += ((await model.trainOnBatch(input, target)) as number) * size;
    } finally {
      input.dispose();
      target.dispose();
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    throwIfAborted(options.signal);
  }
  return lossSum / training.count;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FitAbortedError();
}

/** Windows [from, to) of a set, sharing its memory. */
function slice(windows: TrainingWindows, from: number, to: number, shape: ModelShape): TrainingWindows {
  const stride = shape.window * shape.channels;
  return {
    xs: windows.xs.subarray(from * stride, to * stride),
    ys: windows.ys.subarray(from, to),
    count: to - from,
  };
}

function predict(
  model: tf.LayersModel,
  windows: TrainingWindows,
  shape: ModelShape,
  options: TrainOptions,
): Float32Array {
  return predictWindows(model, windows.xs, windows.count, shape, options.predictBatchSize);
}

/** Mean Huber loss, as tf.losses.huberLoss computes it. */
function meanHuber(windows: TrainingWindows, predicted: Float32Array, delta: number): number {
  let sum = 0;
  for (let k = 0; k < windows.count; k++) {
    const error = Math.abs(windows.ys[k]! - predicted[k]!);
    sum += error <= delta ? 0.5 * error * error : delta * (error - 0.5 * delta);
  }
  return sum / windows.count;
}

/** Robust σ of the residuals: 1.4826 × median |residual|. */
function residualSigma(windows: TrainingWindows, predicted: Float32Array): number {
  const absolute = new Float64Array(windows.count);
  for (let k = 0; k < windows.count; k++) absolute[k] = Math.abs(windows.ys[k]! - predicted[k]!);
  return MAD_TO_SIGMA * median(absolute);
}

function disposeSnapshot(snapshot: Snapshot | null): void {
  for (const tensor of snapshot?.weights ?? []) tensor.dispose();
}
