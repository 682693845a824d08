/**
 * Isolation forest: our typed-array forest against ml-isolation-forest 0.1.0 (the card's choice) on
 * the same feature matrix, plus the whole detector (features + forest + band) end to end, on 10k and
 * 100k points of a labelled synthetic seasonal series (an anomaly every 60 points). Each run trains
 * on the first half and scores the second. Our timings are the best of 3 runs after a warm-up, ml's a
 * single run (it is slow). Prints figures and ratios only; nothing asserts on time.
 *
 *   npx tsx bench/isolation-forest.bench.ts          (add --expose-gc for steadier memory deltas)
 */
import { loadavg } from 'node:os';
import { IsolationForest as MlIsolationForest } from 'ml-isolation-forest';
import type { SeriesView } from '../src/engine/detector';
import {
  baselineResiduals,
  completeRows,
  DEFAULT_FEATURE_OPTIONS,
  FEATURE_COUNT,
  featureRows,
  learnScaling,
} from '../src/engine/detectors/isolation-forest/features';
import { DEFAULT_FOREST_OPTIONS, IsolationForest } from '../src/engine/detectors/isolation-forest/forest';
import { IsolationForestDetector } from '../src/engine/detectors/isolation-forest/isolation-forest-detector';
import { rocAuc, spearman } from '../src/engine/detectors/isolation-forest/rank-metrics';
import { labelledSeries } from '../src/engine/detectors/isolation-forest/synthetic';
import { seededRandom } from '../src/engine/random';

const SIZES = [10_000, 100_000];
const PERIOD = 48;
const SEED = 1;
/**
 * ml-isolation-forest grows every tree on the whole training set, so its fit grows as n·log n per
 * tree with heavy array copying; above this many rows it is trained on the last rows only.
 */
const ML_FIT_CAP = 10_000;
/** Timings of our forest and of the detector's score are the best of this many runs; ml's of one. */
const REPEATS = 3;

interface Timed<T> {
  result: T;
  ms: number;
  /** Heap and RSS growth across the run, in bytes (after a GC when --expose-gc is given). */
  heap: number;
  rss: number;
}

/** The fastest of `repeats` runs (memory from the first), so a busy machine's hiccups count less. */
function timed<T>(run: () => T, repeats = 1): Timed<T> {
  globalThis.gc?.();
  const before = process.memoryUsage();
  let started = performance.now();
  const result = run();
  let ms = performance.now() - started;
  const after = process.memoryUsage();
  for (let k = 1; k < repeats; k++) {
    started = performance.now();
    run();
    ms = Math.min(ms, performance.now() - started);
  }
  return { result, ms, heap: after.heapUsed - before.heapUsed, rss: after.rss - before.rss };
}

async function timedAsync<T>(run: () => Promise<T>): Promise<Timed<T>> {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const result = await run();
  const ms = performance.now() - started;
  const after = process.memoryUsage();
  return { result, ms, heap: after.heapUsed - before.heapUsed, rss: after.rss - before.rss };
}

const rate = (rows: number, ms: number) => (rows / ms) * 1000;
const fmtRate = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en-US')}/s`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const ratio = (ours: number, theirs: number) => `${(ours / theirs).toFixed(1)}×`;

/** ml-isolation-forest draws from Math.random; a seeded generator stands in while it trains. */
function withSeededMathRandom<T>(seed: number, run: () => T): T {
  const original = Math.random;
  Math.random = seededRandom(seed);
  try {
    return run();
  } finally {
    Math.random = original;
  }
}

/** Runs both forests once on a small slice, so the timings below are not dominated by JIT compilation. */
function warmUp(data: Float64Array, trees: number): void {
  const slice = data.subarray(0, Math.min(data.length, 1000 * FEATURE_COUNT));
  IsolationForest.fit(slice, FEATURE_COUNT, { trees, sampleSize: 256, seed: 0 }).scoreRows(slice);
  withSeededMathRandom(0, () => {
    const forest = new MlIsolationForest({ nEstimators: 10 });
    forest.train(toNested(slice));
    return forest.predict(toNested(slice));
  });
}

function toNested(data: Float64Array): number[][] {
  return Array.from({ length: data.length / FEATURE_COUNT }, (_, r) =>
    Array.from(data.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT)),
  );
}

async function benchDetector(series: SeriesView, labels: Uint8Array): Promise<void> {
  const n = series.values.length;
  const half = n >> 1;
  const detector = new IsolationForestDetector();
  const fit = await timedAsync(() => detector.fit(series, half, { period: PERIOD, seed: SEED }));
  const score = timed(() => detector.score(series, half, n), REPEATS);
  const auc = rocAuc(score.result.raw, labels.subarray(half));
  const bytes = detector.save().blobs?.['forest']?.length ?? 0;
  console.log(
    `  detector end to end: fit ${fmtRate(rate(half, fit.ms))} points (${fit.ms.toFixed(0)} ms), ` +
      `score ${fmtRate(rate(n - half, score.ms))} points (${score.ms.toFixed(0)} ms), AUC ${auc.toFixed(3)}, ` +
      `saved forest ${mb(bytes)}, heap Δ fit ${mb(fit.heap)} / score ${mb(score.heap)}`,
  );
}

function benchForests(values: Float64Array, labels: Uint8Array): void {
  const n = values.length;
  const half = n >> 1;
  const features = timed(() => {
    const base = baselineResiduals(values, 0, n, PERIOD, DEFAULT_FEATURE_OPTIONS);
    const scaling = learnScaling(values, half, base);
    return featureRows(values, 0, n, base, scaling, DEFAULT_FEATURE_OPTIONS);
  }, REPEATS);
  const train = completeRows(features.result.subarray(0, half * FEATURE_COUNT), 0);
  const test = completeRows(features.result.subarray(half * FEATURE_COUNT), half);
  const truth = Array.from(test.points, (p) => labels[p]!);
  const trainRows = train.points.length;
  const testRows = test.points.length;
  console.log(
    `  features: ${fmtRate(rate(n, features.ms))} points (${features.ms.toFixed(0)} ms); ` +
      `${trainRows.toLocaleString('en-US')} training rows, ${testRows.toLocaleString('en-US')} test rows`,
  );

  const options = { ...DEFAULT_FOREST_OPTIONS, seed: SEED };
  warmUp(train.data, options.trees);
  const oursFit = timed(() => IsolationForest.fit(train.data, FEATURE_COUNT, options), REPEATS);
  const oursScore = timed(() => oursFit.result.scoreRows(test.data), REPEATS);
  const oursAuc = rocAuc(oursScore.result, truth);

  const mlTrainRows = Math.min(trainRows, ML_FIT_CAP);
  const mlTrain = toNested(train.data.subarray((trainRows - mlTrainRows) * FEATURE_COUNT));
  const mlTest = toNested(test.data);
  const mlFit = timed(() =>
    withSeededMathRandom(SEED, () => {
      const forest = new MlIsolationForest({ nEstimators: options.trees });
      forest.train(mlTrain);
      return forest;
    }),
  );
  const mlScore = timed(() => mlFit.result.predict(mlTest));
  const mlAuc = rocAuc(mlScore.result, truth);

  const ours = { fit: rate(trainRows, oursFit.ms), score: rate(testRows, oursScore.ms) };
  const theirs = { fit: rate(mlTrainRows, mlFit.ms), score: rate(testRows, mlScore.ms) };
  const capped =
    mlTrainRows < trainRows ? ` (capped at the last ${ML_FIT_CAP.toLocaleString('en-US')} rows)` : '';
  console.log(
    `  ours (ψ ${oursFit.result.sampleSize}, ${options.trees} trees): fit ${fmtRate(ours.fit)} rows ` +
      `(${oursFit.ms.toFixed(0)} ms), score ${fmtRate(ours.score)} rows (${oursScore.ms.toFixed(0)} ms), ` +
      `AUC ${oursAuc.toFixed(3)}, heap Δ fit ${mb(oursFit.heap)}, model ${mb(oursFit.result.toBytes().length)}`,
  );
  console.log(
    `  ml-isolation-forest (${options.trees} trees on ${mlTrainRows.toLocaleString('en-US')} rows${capped}): ` +
      `fit ${fmtRate(theirs.fit)} rows (${mlFit.ms.toFixed(0)} ms), score ${fmtRate(theirs.score)} rows ` +
      `(${mlScore.ms.toFixed(0)} ms), AUC ${mlAuc.toFixed(3)}, heap Δ fit ${mb(mlFit.heap)}, rss Δ fit ${mb(mlFit.rss)}`,
  );
  console.log(
    `  ours/theirs: fit ${ratio(ours.fit, theirs.fit)} rows/s, score ${ratio(ours.score, theirs.score)} rows/s, ` +
      `AUC ${oursAuc.toFixed(3)} vs ${mlAuc.toFixed(3)}, Spearman ρ of test scores ${spearman(oursScore.result, mlScore.result).toFixed(3)}`,
  );
}

async function main(): Promise<void> {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `isolation forest bench, node ${process.version}, gc ${globalThis.gc ? 'exposed' : 'not exposed'}, load ${load}`,
  );
  console.log(
    '(ours grows each tree on ψ sampled rows, so its fit time hardly depends on the training size)',
  );
  for (const size of SIZES) {
    const { values, labels } = labelledSeries({ length: size, period: PERIOD, cleanUntil: 0, seed: SEED });
    const series: SeriesView = {
      values,
      times: Float64Array.from(values, (_, i) => i * 60_000),
      intervalMs: 60_000,
    };
    console.log(`\n${size.toLocaleString('en-US')} points (train on the first half, score the second):`);
    await benchDetector(series, labels);
    benchForests(values, labels);
  }
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`\nfinal rss ${mb(rss)}, heap ${mb(heapUsed)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
