import { z } from 'zod';
import type { Detector, DetectorState, FitContext, RawScores, SeriesView } from '../../detector';
import {
  baselineResiduals,
  completeRows,
  DEFAULT_FEATURE_OPTIONS,
  FEATURE_COUNT,
  type FeatureOptions,
  featureRows,
  learnScaling,
} from './features';
import { DEFAULT_FOREST_OPTIONS, IsolationForest } from './forest';
import { DEFAULT_SPREAD_OPTIONS, rollingSpread } from './spread';

export interface IsolationForestOptions extends FeatureOptions {
  /** Isolation trees in the forest. */
  trees: number;
  /** Rows subsampled per tree (ψ). */
  sampleSize: number;
  /** Complete feature rows needed to grow a forest; with fewer, raw scores are NaN. */
  minTrainingRows: number;
  /** Past points whose residuals set the spread. */
  spreadWindow: number;
  /** Known residuals needed before a spread is given. */
  minResiduals: number;
  /** Lower bound on the spread. */
  minSpread: number;
}

export const DEFAULT_ISOLATION_FOREST_OPTIONS: IsolationForestOptions = {
  ...DEFAULT_FEATURE_OPTIONS,
  ...DEFAULT_FOREST_OPTIONS,
  minTrainingRows: 64,
  spreadWindow: DEFAULT_SPREAD_OPTIONS.window,
  minResiduals: DEFAULT_SPREAD_OPTIONS.minResiduals,
  minSpread: DEFAULT_SPREAD_OPTIONS.minSpread,
};

const STATE_VERSION = 1;
const count = z.number().int().positive();
const finite = z.number().finite();
const optionsSchema = z
  .object({
    shortWindow: count,
    longWindow: count,
    seasons: count,
    levelWindow: count,
    trees: count,
    sampleSize: count.min(2),
    minTrainingRows: count.min(2),
    spreadWindow: count,
    minResiduals: count,
    minSpread: z.number().nonnegative(),
  })
  .strict();
const paramsSchema = z.object({
  options: optionsSchema,
  period: count.nullable(),
  scaling: z.object({ center: finite, scale: finite.positive(), residualScale: finite.positive() }),
  trainingRows: z.number().int().nonnegative(),
  hasForest: z.boolean(),
});
type IsolationForestParams = z.infer<typeof paramsSchema>;

/**
 * Isolation forest over causal windowed features (see features.ts). `raw` is the forest's anomaly
 * score s = 2^(−E[h]/c(ψ)) in (0, 1): about 0.5 and below for ordinary points, towards 1 for points
 * isolated in few splits. `expected` is the robust detector's seasonal baseline (`seasonalBaseline`,
 * with this detector's own seasons and level window) and `spread` the robust σ of its residuals over
 * the last `spreadWindow` points, both from the past only.
 *
 * Unusual inputs: a gap (NaN value), and points whose windows are still warming up, get raw NaN.
 * A fit with fewer than `minTrainingRows` complete rows grows no forest: the detector is still
 * `fitted` and scores expected/spread, but every raw score is NaN (`hasForest` tells them apart).
 */
export class IsolationForestDetector implements Detector {
  readonly id = 'isolation-forest' as const;
  readonly needsTraining = true;
  readonly options: IsolationForestOptions;
  private state: { params: IsolationForestParams; forest: IsolationForest | null } | null = null;

  constructor(options: Partial<IsolationForestOptions> = {}) {
    const parsed = optionsSchema.safeParse({ ...DEFAULT_ISOLATION_FOREST_OPTIONS, ...options });
    if (!parsed.success) throw new RangeError(`isolation-forest options: ${z.prettifyError(parsed.error)}`);
    this.options = parsed.data;
  }

  get fitted(): boolean {
    return this.state !== null;
  }

  /** Whether the last fit (or load) grew a forest, i.e. raw scores can be finite. */
  get hasForest(): boolean {
    return this.state?.forest != null;
  }

  async fit(series: SeriesView, end: number, context: FitContext): Promise<void> {
    if (!(Number.isInteger(end) && end >= 0 && end <= series.values.length)) {
      throw new RangeError(`isolation-forest: cannot fit on [0, ${end}) of ${series.values.length} points`);
    }
    const { period } = context;
    if (period !== null && !(Number.isInteger(period) && period >= 1)) {
      throw new RangeError(
        `isolation-forest: the period must be a positive whole number of steps, got ${period}`,
      );
    }
    context.signal?.throwIfAborted();
    const base = baselineResiduals(series.values, 0, end, period, this.options);
    const scaling = learnScaling(series.values, end, base);
    const { data } = completeRows(featureRows(series.values, 0, end, base, scaling, this.options), 0);
    context.signal?.throwIfAborted();
    const trainingRows = data.length / FEATURE_COUNT;
    const forest =
      trainingRows >= this.options.minTrainingRows
        ? IsolationForest.fit(data, FEATURE_COUNT, { ...this.options, seed: context.seed })
        : null;
    context.signal?.throwIfAborted();
    const params = {
      options: { ...this.options },
      period,
      scaling,
      trainingRows,
      hasForest: forest !== null,
    };
    this.state = { params, forest };
  }

  score(series: SeriesView, from: number, to: number, wants = { band: true }): RawScores {
    if (this.state === null) throw new Error('isolation-forest: score called before fit or load');
    const { values } = series;
    if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= values.length)) {
      throw new RangeError(`isolation-forest: bad range [${from}, ${to}) of ${values.length} points`);
    }
    const { params, forest } = this.state;
    const { options } = params;
    const start = Math.max(0, from - Math.max(options.spreadWindow, options.longWindow));
    const base = baselineResiduals(values, start, to, params.period, options);
    const spreadOptions = {
      window: options.spreadWindow,
      minResiduals: options.minResiduals,
      minSpread: options.minSpread,
    };
    const raw = new Float64Array(to - from).fill(Number.NaN);
    if (forest !== null) {
      const { data, points } = completeRows(
        featureRows(values, from, to, base, params.scaling, options),
        from,
      );
      const scores = forest.scoreRows(data);
      points.forEach((point, k) => {
        raw[point - from] = scores[k]!;
      });
    }
    if (!wants.band) {
      const unknown = new Float64Array(to - from).fill(Number.NaN);
      return { expected: unknown, spread: unknown, raw };
    }
    return {
      expected: base.expected.slice(from - start),
      spread: rollingSpread(base, from, to, spreadOptions),
      raw,
    };
  }

  save(): DetectorState {
    if (this.state === null) throw new Error('isolation-forest: nothing to save before fit');
    const { params, forest } = this.state;
    const state: DetectorState = {
      detector: this.id,
      stateVersion: STATE_VERSION,
      params: structuredClone(params),
    };
    if (forest !== null) state.blobs = { forest: forest.toBytes() };
    return state;
  }

  load(state: DetectorState): void {
    if (state.detector !== this.id || state.stateVersion !== STATE_VERSION) {
      throw new Error(
        `cannot load ${state.detector} state v${state.stateVersion} into isolation-forest v${STATE_VERSION}`,
      );
    }
    const parsed = paramsSchema.safeParse(state.params);
    if (!parsed.success) throw new Error(`isolation-forest state: ${z.prettifyError(parsed.error)}`);
    const params = parsed.data;
    const bytes = state.blobs?.['forest'];
    if (params.hasForest && bytes === undefined)
      throw new Error('isolation-forest state: the forest blob is missing');
    const forest = params.hasForest && bytes !== undefined ? IsolationForest.fromBytes(bytes) : null;
    if (forest !== null && forest.dims !== FEATURE_COUNT) {
      throw new Error(
        `isolation-forest state: forest has ${forest.dims} columns, features have ${FEATURE_COUNT}`,
      );
    }
    this.state = { params, forest };
  }

  dispose(): void {}
}
