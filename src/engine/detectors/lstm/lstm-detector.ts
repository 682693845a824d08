import type * as tf from '@tensorflow/tfjs';
import {
  type Detector,
  type DetectorState,
  emptyRawScores,
  type FitContext,
  type RawScores,
  type SeriesView,
} from '../../detector';
import { withoutAnomalousTargets } from './anomaly-skip';
import { ensureTfBackend, readyTfBackend } from './backend';
import { buildForecaster, type ModelShape, predictWindows } from './model';
import { type LstmConfig, type LstmOptions, lstmConfig } from './options';
import { decompose, remainderBaseline } from './remainder';
import { type ResidualScoring, residualLookback, scoreResiduals } from './residuals';
import { robustLocationScale } from './robust';
import {
  LSTM_STATE_VERSION,
  type LstmParams,
  loadBlobsInto,
  lstmParamsSchema,
  type ModelBlobs,
  modelToBlobs,
} from './state';
import { FitAbortedError, type TrainResult, trainForecaster } from './train';
import {
  FilledSeries,
  forecastablePoints,
  lookback,
  type Normalisation,
  type TrainingWindows,
  trainingTargets,
  trainingWindows,
  type WindowShape,
  writeWindow,
} from './windows';

/**
 * An LSTM forecaster (TensorFlow.js, wasm backend) whose residuals give the band and the score.
 *
 * - `fit` trains on the most recent windows of [0, end), reproducibly for a given seed, reporting
 *   progress after every epoch. A refit of a trained detector with the same shape starts from its
 *   weights and runs at most `warmStartEpochs`, so a causal run does not retrain from scratch at
 *   every refit; an aborted fit throws an `AbortError` and keeps what was learned
 *   before. With fewer than `minTrainingWindows` usable windows (about window + 32 points), fit
 *   succeeds but leaves the detector *untrained*: `fitted` is true, `trained` false. With
 *   `forecastRemainder` it then scores the baseline alone (a remainder forecast of its median),
 *   so a short series is judged from its first points; without, `score` returns NaN everywhere
 *   (no opinion), so an ensemble can fall back to other detectors.
 * - `score` is causal: the forecast for point i reads values before i, its spread the residuals of
 *   the `residualWindow` points before i, so scoring any range gives the same numbers as the same
 *   points of a longer range. Gaps and warm-up points (no full window yet) are NaN.
 * - `load` is synchronous, so the TensorFlow.js backend must be initialised first:
 *   `await ensureTfBackend()` (fit does it itself).
 */
export class LstmDetector implements Detector {
  readonly id = 'lstm' as const;
  readonly needsTraining = true;
  private readonly config: LstmConfig;
  private params: LstmParams | null = null;
  private model: tf.LayersModel | null = null;
  private blobs: ModelBlobs | null = null;

  constructor(options: LstmOptions = {}) {
    this.config = lstmConfig(options);
  }

  get fitted(): boolean {
    return this.params !== null;
  }

  /** Whether the detector has a model (false before fit, and after a fit with too little data). */
  get trained(): boolean {
    return this.params?.trained ?? false;
  }

  async fit(series: SeriesView, end: number, context: FitContext): Promise<void> {
    checkRange(series, 0, end);
    const backend = await ensureTfBackend();
    if (context.signal?.aborted) throw new FitAbortedError();
    const baseline = this.config.forecastRemainder ? remainderBaseline(context.period) : null;
    const input = baseline ? decompose(series.values, 0, end, baseline).remainder : series.values;
    const { shape, normalisation, windows } = this.trainingData(
      input,
      end,
      context.period,
      baseline !== null,
    );
    const untrained = this.untrainedParams(shape, normalisation, baseline, {
      points: end,
      windows: windows.count,
      backend,
    });
    if (windows.count < this.config.minTrainingWindows) {
      // the baseline alone forecasts the remainder's median: its residual σ is the remainder's own
      this.replace(baseline ? { ...untrained, residualScale: 1 } : untrained, null, null);
      return;
    }
    const previous = this.warmStartModel(untrained);
    const trainOn = previous ? this.withoutPreviousAnomalies(windows, previous, untrained) : windows;
    const model = buildForecaster(untrained, context.seed);
    try {
      if (previous) model.setWeights(previous.getWeights());
      const result = await trainForecaster(model, trainOn, untrained, {
        ...this.config,
        epochs: previous ? this.config.warmStartEpochs : this.config.epochs,
        seed: context.seed,
        onProgress: context.onProgress,
        signal: context.signal,
      });
      if (!Number.isFinite(result.residualScale)) {
        throw new Error('lstm: training diverged (non-finite residuals); try a lower learningRate');
      }
      const blobs = await modelToBlobs(model);
      this.replace(trainedParams(untrained, result), model, blobs);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  score(series: SeriesView, from: number, to: number): RawScores {
    const params = this.params;
    if (!params) throw new Error('lstm: score called before fit or load');
    checkRange(series, from, to);
    if (!params.trained && !params.baseline) return emptyRawScores(to - from);
    const scoring = residualScoring(params);
    const first = Math.max(0, from - residualLookback(scoring));
    if (!params.baseline) {
      const forecasts = this.forecast(series.values, first, to, params, this.model!);
      return scoreResiduals(series.values, forecasts, first, from, to, scoring);
    }
    const start = Math.max(0, first - lookback(windowShapeOf(params)));
    const { baseline, remainder } = decompose(series.values, start, to, params.baseline);
    const forecasts = this.forecast(remainder, first, to, params, this.model);
    const scores = scoreResiduals(remainder, forecasts, first, from, to, scoring);
    for (let k = 0; k < to - from; k++) scores.expected[k]! += baseline[from + k]!;
    return scores;
  }

  save(): DetectorState {
    if (!this.params) throw new Error('lstm: nothing to save before fit or load');
    const state: DetectorState = {
      detector: this.id,
      stateVersion: LSTM_STATE_VERSION,
      params: structuredClone(this.params),
    };
    if (this.blobs) state.blobs = copyBlobs(this.blobs);
    return state;
  }

  load(state: DetectorState): void {
    if (state.detector !== this.id) throw new Error(`lstm: cannot load a ${state.detector} state`);
    if (state.stateVersion !== LSTM_STATE_VERSION) {
      throw new Error(
        `lstm: unsupported state version ${state.stateVersion} (expected ${LSTM_STATE_VERSION})`,
      );
    }
    const params = lstmParamsSchema.parse(state.params);
    if (!params.trained) {
      this.replace(params, null, null);
      return;
    }
    if (readyTfBackend() === null) {
      throw new Error('lstm: TensorFlow.js is not initialised; await ensureTfBackend() before load');
    }
    const model = buildForecaster(params, 0);
    try {
      loadBlobsInto(model, state.blobs);
    } catch (error) {
      model.dispose();
      throw error;
    }
    this.replace(params, model, copyBlobs(state.blobs as ModelBlobs));
  }

  dispose(): void {
    this.replace(null, null, null);
  }

  /** The model of the previous fit when a refit of this shape may start from its weights. */
  private warmStartModel(shape: LstmParams): tf.LayersModel | null {
    const { params, model } = this;
    if (!params?.trained || !model || this.config.warmStartEpochs === 0) return null;
    const same =
      params.window === shape.window &&
      params.channels === shape.channels &&
      params.period === shape.period &&
      params.seasonalBaseline === shape.seasonalBaseline &&
      JSON.stringify(params.baseline) === JSON.stringify(shape.baseline) &&
      params.units === shape.units;
    return same ? model : null;
  }

  /** The windows whose targets the previous fit's model did not miss badly (anomaly-skip.ts). */
  private withoutPreviousAnomalies(windows: TrainingWindows, previous: tf.LayersModel, shape: LstmParams) {
    const { skipErrorAbove, minTrainingWindows, predictBatchSize } = this.config;
    if (skipErrorAbove === 0) return windows;
    const predicted = predictWindows(previous, windows.xs, windows.count, shape, predictBatchSize);
    const kept = withoutAnomalousTargets(windows, predicted, shape.window * shape.channels, skipErrorAbove);
    return kept.count >= minTrainingWindows ? kept : windows;
  }

  /** The most recent windows of [0, end), normalised with the robust location/scale of their span. */
  private trainingData(values: Float64Array, end: number, period: number | null, remainder: boolean) {
    const shape = this.windowShape(period, end, remainder);
    const targets = trainingTargets(values, end, shape, this.config.maxTrainingWindows);
    // the span actually trained on, not all history: a long trend would inflate the scale
    const spanStart = Math.max(0, (targets[0] ?? 0) - lookback(shape));
    const normalisation = robustLocationScale(values.subarray(spanStart, end));
    return { shape, normalisation, windows: trainingWindows(values, end, targets, shape, normalisation) };
  }

  private untrainedParams(
    shape: WindowShape,
    normalisation: Normalisation,
    baseline: LstmParams['baseline'],
    data: { points: number; windows: number; backend: string },
  ): LstmParams {
    const { config } = this;
    return {
      trained: false,
      window: shape.window,
      channels: shape.channels,
      period: shape.period,
      units: config.units,
      clip: config.clip,
      seasonalBaseline: shape.seasonalBaseline ?? false,
      baseline,
      normalisation,
      residualScale: 0,
      residualWindow: config.residualWindow,
      priorWeight: config.priorWeight,
      smoothingSpan: config.smoothingSpan,
      minSpreadFraction: config.minSpreadFraction,
      meanSpreadShare: config.meanSpreadShare,
      threshold: config.dynamicThreshold
        ? {
            history: config.thresholdHistory,
            step: config.thresholdStep,
            pruneFraction: config.pruneFraction,
            belowShare: config.belowThresholdShare,
            mode: config.thresholdMode,
          }
        : null,
      predictBatchSize: config.predictBatchSize,
      training: { ...data, epochsRun: 0, trainLoss: null, validationLoss: null },
    };
  }

  /** The season channel is used only with a period and at least a season of windows to learn it. */
  private windowShape(period: number | null, end: number, remainder: boolean): WindowShape {
    const { window, clip, seasonalChannel, minTrainingWindows } = this.config;
    const plain: WindowShape = { window, channels: 1, period: null, clip, remainder };
    if (!seasonalChannel || period === null || period < 2) return plain;
    const seasonal: WindowShape = {
      window,
      channels: 2,
      period: Math.round(period),
      clip,
      seasonalBaseline: this.config.seasonalBaseline,
      remainder,
    };
    return end - lookback(seasonal) >= Math.max(minTrainingWindows, seasonal.period!) ? seasonal : plain;
  }

  /**
   * Forecasts (series units) of the known points of [first, to) that have a full window, NaN
   * elsewhere; one predict call per `predictBatchSize` windows. Without a model (an untrained
   * remainder forecaster) every change is 0.
   */
  private forecast(
    values: Float64Array,
    first: number,
    to: number,
    params: LstmParams,
    model: tf.LayersModel | null,
  ): Float64Array {
    const { normalisation, predictBatchSize } = params;
    const shape = windowShapeOf(params);
    const forecasts = new Float64Array(to - first).fill(Number.NaN);
    const filled = new FilledSeries(values, Math.max(0, first - lookback(shape)), to, normalisation);
    const points = forecastablePoints(values, filled, shape, first, to);
    const stride = shape.window * shape.channels;
    const xs = new Float32Array(Math.min(predictBatchSize, points.length) * stride);
    const references = new Float64Array(predictBatchSize);
    for (let start = 0; start < points.length; start += predictBatchSize) {
      const chunk = points.slice(start, start + predictBatchSize);
      chunk.forEach((i, k) => {
        references[k] = writeWindow(filled, shape, i, xs, k * stride);
      });
      const changes = model
        ? predictWindows(model, xs, chunk.length, params as ModelShape, predictBatchSize)
        : new Float32Array(chunk.length);
      chunk.forEach((i, k) => {
        forecasts[i - first] = (references[k]! + changes[k]!) * normalisation.scale + normalisation.center;
      });
    }
    return forecasts;
  }

  private replace(params: LstmParams | null, model: tf.LayersModel | null, blobs: ModelBlobs | null): void {
    if (this.model !== model) this.model?.dispose();
    this.params = params;
    this.model = model;
    this.blobs = blobs;
  }
}

function windowShapeOf(params: LstmParams): WindowShape {
  return { ...params, remainder: params.baseline !== null };
}

function trainedParams(untrained: LstmParams, result: TrainResult): LstmParams {
  return {
    ...untrained,
    trained: true,
    residualScale: result.residualScale,
    training: {
      ...untrained.training,
      epochsRun: result.epochsRun,
      trainLoss: finiteOrNull(result.trainLoss),
      validationLoss: finiteOrNull(result.validationLoss),
    },
  };
}

function residualScoring(params: LstmParams): ResidualScoring {
  const { scale } = params.normalisation;
  return {
    priorSpread: params.residualScale * scale,
    priorWeight: params.priorWeight,
    residualWindow: params.residualWindow,
    smoothingSpan: params.smoothingSpan,
    minSpread: params.minSpreadFraction * scale,
    meanSpreadShare: params.meanSpreadShare,
    threshold: params.threshold,
  };
}

function checkRange(series: SeriesView, from: number, to: number): void {
  const ok = Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to;
  if (!ok || to > series.values.length) {
    throw new RangeError(
      `lstm: invalid range [${from}, ${to}) for a series of ${series.values.length} points`,
    );
  }
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function copyBlobs(blobs: ModelBlobs): ModelBlobs {
  return { 'model.json': blobs['model.json'].slice(), 'weights.bin': blobs['weights.bin'].slice() };
}
