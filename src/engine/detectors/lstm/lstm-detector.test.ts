import * as tf from '@tensorflow/tfjs';
import type { DetectorState, FitContext, FitProgress, RawScores, SeriesView } from '../../detector';
import { seededRandom } from '../../random';
import { ensureTfBackend } from './backend';
import { LstmDetector } from './lstm-detector';
import type { LstmOptions } from './options';

/** Small enough to fit in a second or two on the wasm backend, big enough to learn a sine. */
const SMALL: LstmOptions = { window: 16, units: 16, epochs: 8, maxTrainingWindows: 800, residualWindow: 48 };
const PERIOD = 24;
const TRAIN_END = 1000;
const SPIKE_AT = 1200;

/** 50 + 10·sin(2πi/24) + uniform noise of ±0.3, seeded. */
function sineSeries(length: number, seed = 3): SeriesView {
  const random = seededRandom(seed);
  const values = Float64Array.from(
    { length },
    (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / PERIOD) + (random() - 0.5) * 0.6,
  );
  return { values, times: Float64Array.from(values, (_, i) => i * 60_000), intervalMs: 60_000 };
}

function withValues(series: SeriesView, edit: (values: Float64Array) => void): SeriesView {
  const values = series.values.slice();
  edit(values);
  return { ...series, values };
}

function context(overrides: Partial<FitContext> = {}): FitContext {
  return { period: null, seed: 42, ...overrides };
}

function asArrays(scores: RawScores, length = scores.raw.length): number[][] {
  return [scores.expected, scores.spread, scores.raw].map((array) => Array.from(array.subarray(0, length)));
}

const series = withValues(sineSeries(1400), (values) => {
  values[SPIKE_AT] = values[SPIKE_AT]! + 6;
});
let detector: LstmDetector;
let progress: FitProgress[];

beforeAll(async () => {
  await ensureTfBackend();
  progress = [];
  detector = new LstmDetector(SMALL);
  await detector.fit(series, TRAIN_END, context({ onProgress: (update) => progress.push(update) }));
});

afterAll(() => detector.dispose());

describe('LstmDetector on a noisy sine', () => {
  it('runs on the wasm backend', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(detector.fitted).toBe(true);
    expect(detector.trained).toBe(true);
  });

  it('forecasts far better than persistence and gives normal points a small raw score', () => {
    const scores = detector.score(series, TRAIN_END, 1400);
    let forecastError = 0;
    let persistenceError = 0;
    const normalRaw: number[] = [];
    for (let i = TRAIN_END; i < 1400; i++) {
      if (i >= SPIKE_AT && i <= SPIKE_AT + SMALL.window!) continue;
      const k = i - TRAIN_END;
      forecastError += Math.abs(series.values[i]! - scores.expected[k]!);
      persistenceError += Math.abs(series.values[i]! - series.values[i - 1]!);
      normalRaw.push(scores.raw[k]!);
    }
    expect(forecastError).toBeLessThan(0.4 * persistenceError);
    const meanNormal = normalRaw.reduce((sum, raw) => sum + raw, 0) / normalRaw.length;
    expect(meanNormal).toBeLessThan(1.6);
    const spike = scores.raw[SPIKE_AT - TRAIN_END]!;
    expect(spike).toBeGreaterThan(6);
    expect(spike).toBeGreaterThan(5 * meanNormal);
    expect(scores.spread.every((spread) => spread > 0 && spread < 2)).toBe(true);
  });

  it('scores NaN for gaps but keeps forecasting after them', () => {
    const gappy = withValues(series, (values) => values.fill(Number.NaN, 1100, 1105));
    const scores = detector.score(gappy, 1090, 1120);
    for (const [expected, spread, raw] of [1100, 1104].map((i) => asArrays(scores).map((a) => a[i - 1090]))) {
      expect([expected, spread, raw]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    }
    const after = scores.raw.subarray(1105 - 1090);
    expect(after.every((raw) => Number.isFinite(raw))).toBe(true);
  });

  it('returns NaN while a point has no full window of remainders (warm-up: W + 1 points)', () => {
    // the first point has no baseline (nothing before it), so no remainder either
    const scores = detector.score(series, 0, 40);
    expect(asArrays(scores).map((array) => array.slice(0, 17).every(Number.isNaN))).toEqual([
      true,
      true,
      true,
    ]);
    expect(scores.raw.subarray(17).every(Number.isFinite)).toBe(true);
  });
});

describe('causality', () => {
  it('scores a prefix exactly as the first points of the whole series', () => {
    const whole = detector.score(series, 0, 1400);
    for (const k of [17, 500, 1201]) {
      expect(asArrays(detector.score(series, 0, k))).toEqual(asArrays(whole, k));
    }
  });

  it('scores a range exactly as the same points of the whole series', () => {
    const whole = detector.score(series, 0, 1400);
    const part = detector.score(series, 1150, 1300);
    expect(asArrays(part)).toEqual(asArrays(whole).map((array) => array.slice(1150, 1300)));
  });

  it('does not look at the future, nor at a point when forecasting it', () => {
    const before = detector.score(series, 0, 1400);
    const changed = withValues(series, (values) => values.fill(1e6, 1300));
    const after = detector.score(changed, 0, 1400);
    expect(asArrays(after, 1300)).toEqual(asArrays(before, 1300));
    expect(after.expected[1300]).toBe(before.expected[1300]);
    expect(after.raw[1300]).not.toBe(before.raw[1300]);
    expect(after.expected[1301]).not.toBe(before.expected[1301]);
  });
});

describe('causality with the dynamic threshold', () => {
  let thresholded: LstmDetector;
  beforeAll(async () => {
    thresholded = new LstmDetector({
      ...SMALL,
      dynamicThreshold: true,
      thresholdMode: 'ratio',
      thresholdHistory: 200,
      thresholdStep: 50,
    });
    await thresholded.fit(series, TRAIN_END, context());
  });
  afterAll(() => thresholded.dispose());

  it('scores a prefix and a range exactly as the same points of the whole series', () => {
    const whole = thresholded.score(series, 0, 1400);
    expect(asArrays(whole)).not.toEqual(asArrays(detector.score(series, 0, 1400)));
    for (const k of [17, 500, 1201]) {
      expect(asArrays(thresholded.score(series, 0, k))).toEqual(asArrays(whole, k));
    }
    const part = thresholded.score(series, 1150, 1300);
    expect(asArrays(part)).toEqual(asArrays(whole).map((array) => array.slice(1150, 1300)));
  });

  it('does not look at the future', () => {
    const before = thresholded.score(series, 0, 1400);
    const changed = withValues(series, (values) => values.fill(1e6, 1300));
    const after = thresholded.score(changed, 0, 1400);
    expect(asArrays(after, 1300)).toEqual(asArrays(before, 1300));
    expect(after.raw[1300]).not.toBe(before.raw[1300]);
  });

  it('flags the spike of the series above its threshold', () => {
    expect(thresholded.score(series, 0, 1400).raw[SPIKE_AT]).toBeGreaterThan(1);
  });
});

describe('save and load', () => {
  it('round-trips through JSON params and the model.json/weights.bin blobs to identical scores', () => {
    const state = detector.save();
    expect(state).toMatchObject({ detector: 'lstm', stateVersion: 1 });
    expect(Object.keys(state.blobs ?? {}).sort()).toEqual(['model.json', 'weights.bin']);
    const modelJson = JSON.parse(new TextDecoder().decode(state.blobs!['model.json']));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    const restored: DetectorState = { ...state, params: JSON.parse(JSON.stringify(state.params)) };
    // other scoring options on the loading side must not matter: they come from the state
    const loaded = new LstmDetector({ residualWindow: 5, smoothingSpan: 1, predictBatchSize: 7 });
    loaded.load(restored);
    try {
      expect(asArrays(loaded.score(series, 900, 1400))).toEqual(asArrays(detector.score(series, 900, 1400)));
    } finally {
      loaded.dispose();
    }
  });

  it('loads a state saved before forecastRemainder existed as a model of the series itself', async () => {
    const plain = new LstmDetector({ ...SMALL, epochs: 2, forecastRemainder: false });
    await plain.fit(series, TRAIN_END, context());
    const state = plain.save();
    const { baseline, ...older } = state.params as Record<string, unknown>;
    expect(baseline).toBeNull();
    const loaded = new LstmDetector();
    loaded.load({ ...state, params: older });
    try {
      expect(asArrays(loaded.score(series, 900, 1400))).toEqual(asArrays(plain.score(series, 900, 1400)));
      // and the remainder model is another model: its expected values differ
      expect(asArrays(detector.score(series, 900, 1400))[0]).not.toEqual(
        asArrays(plain.score(series, 900, 1400))[0],
      );
    } finally {
      for (const d of [plain, loaded]) d.dispose();
    }
  });

  it('rejects states of another detector, version or architecture', () => {
    const state = detector.save();
    const fresh = new LstmDetector();
    expect(() => fresh.load({ ...state, detector: 'robust' })).toThrow(/robust/);
    expect(() => fresh.load({ ...state, stateVersion: 2 })).toThrow(/version 2/);
    const otherUnits = { ...state, params: { ...(state.params as object), units: 9 } };
    expect(() => fresh.load(otherUnits)).toThrow(/shape/);
    expect(() => fresh.load({ ...state, blobs: {} })).toThrow(/weights\.bin/);
    expect(fresh.fitted).toBe(false);
  });

  it('refuses to score or save before fit or load', () => {
    const fresh = new LstmDetector();
    expect(() => fresh.score(series, 0, 10)).toThrow(/before fit/);
    expect(() => fresh.save()).toThrow(/before fit/);
  });
});

describe('fit', () => {
  it('reports progress once per epoch with a falling loss and a numeric ETA', () => {
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBeLessThanOrEqual(SMALL.epochs!);
    expect(progress.map((update) => update.epoch)).toEqual(progress.map((_, index) => index + 1));
    expect(progress.every((update) => update.epochs === SMALL.epochs)).toBe(true);
    expect(progress.every((update) => Number.isFinite(update.etaMs) && update.etaMs >= 0)).toBe(true);
    expect(progress.at(-1)!.loss).toBeLessThan(progress[0]!.loss / 2);
    const { training } = detector.save().params as { training: { epochsRun: number } };
    expect(training.epochsRun).toBe(progress.length);
  });

  it('is reproducible for a seed, the seed matters, and points from `end` on do not', async () => {
    const tiny: LstmOptions = { ...SMALL, epochs: 1, maxTrainingWindows: 200 };
    const weights = async (seed: number, data = series) => {
      const fitted = new LstmDetector(tiny);
      await fitted.fit(data, 400, context({ seed }));
      const bytes = fitted.save().blobs!['weights.bin']!;
      fitted.dispose();
      return Array.from(bytes);
    };
    const first = await weights(7);
    expect(await weights(7)).toEqual(first);
    expect(await weights(8)).not.toEqual(first);
    // and it learns from [0, end) only
    expect(
      await weights(
        7,
        withValues(series, (values) => values.fill(-1e9, 400)),
      ),
    ).toEqual(first);
  });

  it('starts a refit of the same shape from the previous weights, for at most warmStartEpochs', async () => {
    const options = { ...SMALL, epochs: 3, patience: 3, warmStartEpochs: 1 };
    const refitted = new LstmDetector(options);
    await refitted.fit(series, 600, context());
    await refitted.fit(series, TRAIN_END, context());
    const fresh = new LstmDetector(options);
    await fresh.fit(series, TRAIN_END, context());
    const cold = new LstmDetector({ ...options, warmStartEpochs: 0 });
    await cold.fit(series, 600, context());
    await cold.fit(series, TRAIN_END, context());
    const epochsRun = (d: LstmDetector) =>
      (d.save().params as { training: { epochsRun: number } }).training.epochsRun;
    expect(epochsRun(refitted)).toBe(1);
    expect(epochsRun(fresh)).toBe(3);
    const forecast = (d: LstmDetector) => Array.from(d.score(series, TRAIN_END, TRAIN_END + 50).expected);
    expect(forecast(refitted)).not.toEqual(forecast(fresh));
    expect(forecast(cold)).toEqual(forecast(fresh));
    for (const d of [refitted, fresh, cold]) d.dispose();
  });

  it('forecasts the sharp steps of a pattern that repeats every season: the remainder, or seasonalBaseline', async () => {
    // a square wave: 8 steps high, 16 low, jumping from 20 to 68 like NAB's art_daily_* series
    const values = Float64Array.from({ length: 900 }, (_, i) => (i % PERIOD < 8 ? 68 : 20));
    const square: SeriesView = {
      values,
      times: Float64Array.from(values, (_, i) => i * 60_000),
      intervalMs: 60_000,
    };
    const misses = async (options: LstmOptions) => {
      // one epoch: what a quick refit learns
      const fitted = new LstmDetector({ ...SMALL, epochs: 1, ...options });
      await fitted.fit(square, 700, context({ period: PERIOD }));
      const { expected } = fitted.score(square, 700, 900);
      fitted.dispose();
      const jumps = Array.from({ length: 200 }, (_, k) => 700 + k).filter(
        (i) => i % PERIOD === 0 || i % PERIOD === 8,
      );
      return Math.max(...jumps.map((i) => Math.abs(expected[i - 700]! - values[i]!)));
    };
    const remainder = await misses({});
    const withBaseline = await misses({ forecastRemainder: false, seasonalBaseline: true });
    const without = await misses({ forecastRemainder: false });
    expect(remainder).toBeLessThan(2);
    expect(withBaseline).toBeLessThan(2);
    expect(without).toBeGreaterThan(3 * Math.max(withBaseline, remainder));
  });

  it('uses the season as a second input channel when the context has a period', async () => {
    const seasonal = new LstmDetector({ ...SMALL, epochs: 2, maxTrainingWindows: 300 });
    await seasonal.fit(series, TRAIN_END, context({ period: PERIOD }));
    const params = seasonal.save().params as { channels: number; period: number | null };
    expect(params).toMatchObject({ channels: 2, period: PERIOD });
    const scores = seasonal.score(series, 0, 100);
    // the seasonal channel reads one season further back, so warm-up is W + P − 1 points, and one
    // more for the first remainder
    expect(scores.raw.subarray(0, 16 + PERIOD).every(Number.isNaN)).toBe(true);
    expect(scores.raw.subarray(16 + PERIOD).every(Number.isFinite)).toBe(true);
    seasonal.dispose();
  });

  it('stops on abort with an AbortError and keeps what it learned before', async () => {
    // from scratch, so the fit would run all its epochs if the abort were ignored
    const refit = new LstmDetector({ ...SMALL, warmStartEpochs: 0 });
    refit.load(detector.save());
    const before = asArrays(refit.score(series, 1000, 1100));
    const controller = new AbortController();
    const epochs: number[] = [];
    let abortedAt = 0;
    // aborted after the first epoch, mid-fit: the fused layer trains fast enough to finish before
    // any fixed delay
    const fit = refit.fit(series, TRAIN_END, {
      ...context({ seed: 5 }),
      signal: controller.signal,
      onProgress: (update) => {
        epochs.push(update.epoch);
        if (abortedAt > 0) return;
        abortedAt = performance.now();
        controller.abort();
      },
    });
    await expect(fit).rejects.toMatchObject({ name: 'AbortError' });
    // a batch takes milliseconds; this only catches a fit that runs on to the end of an epoch or more
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(epochs.length).toBeLessThan(SMALL.epochs!);
    expect(asArrays(refit.score(series, 1000, 1100))).toEqual(before);
    await expect(
      refit.fit(series, TRAIN_END, { ...context(), signal: controller.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    refit.dispose();
  });

  it('with too little data succeeds untrained and scores the baseline alone, through save and load too', async () => {
    const short = new LstmDetector(SMALL);
    await short.fit(series, 16 + 20, context({ period: PERIOD }));
    expect(short.fitted).toBe(true);
    expect(short.trained).toBe(false);
    const state = short.save();
    expect(state.blobs).toBeUndefined();
    const loaded = new LstmDetector();
    loaded.load(JSON.parse(JSON.stringify(state)));
    const spiked = withValues(series, (values) => {
      values[150] = values[150]! + 20;
    });
    for (const untrained of [short, loaded]) {
      const scores = untrained.score(spiked, 0, 200);
      expect(scores.raw.subarray(0, 17).every(Number.isNaN)).toBe(true);
      expect(scores.raw.subarray(17).every(Number.isFinite)).toBe(true);
      // the remainder forecast is its median, so expected follows the sine through the seasonal baseline
      const misses = Array.from({ length: 50 }, (_, k) =>
        Math.abs(scores.expected[100 + k]! - series.values[100 + k]!),
      );
      expect(Math.max(...misses)).toBeLessThan(5);
      expect(scores.raw[150]).toBeGreaterThan(3 * Math.max(...scores.raw.subarray(100, 149)));
    }
    loaded.dispose();
    short.dispose();
  });

  it('without forecastRemainder, with too little data, succeeds untrained and scores NaN', async () => {
    const short = new LstmDetector({ ...SMALL, forecastRemainder: false });
    await short.fit(series, 16 + 20, context());
    expect(short.trained).toBe(false);
    const loaded = new LstmDetector();
    loaded.load(JSON.parse(JSON.stringify(short.save())));
    for (const untrained of [short, loaded]) {
      const scores = untrained.score(series, 0, 200);
      expect(asArrays(scores).every((array) => array.every(Number.isNaN))).toBe(true);
    }
  });

  it('rejects a range outside the series', async () => {
    await expect(new LstmDetector().fit(series, 5000, context())).rejects.toThrow(RangeError);
    expect(() => detector.score(series, 10, 5)).toThrow(RangeError);
  });
});

describe('tensor hygiene', () => {
  it('does not grow the tensor count across score calls', () => {
    detector.score(series, 0, 1400);
    const tensors = tf.memory().numTensors;
    for (let call = 0; call < 3; call++) detector.score(series, 0, 1400);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('frees everything a fit, an aborted fit and a load allocate once disposed', async () => {
    const baseline = tf.memory().numTensors;
    const fitted = new LstmDetector({ ...SMALL, epochs: 1, maxTrainingWindows: 100 });
    await fitted.fit(series, 400, context());
    expect(tf.memory().numTensors).toBeGreaterThan(baseline);
    const controller = new AbortController();
    const aborted = fitted.fit(series, 400, { ...context(), signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    const loaded = new LstmDetector();
    loaded.load(fitted.save());
    fitted.dispose();
    fitted.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
