import type { Detector, DetectorState, FitContext, RawScores, SeriesView } from '../../detector';
import { emptyRawScores } from '../../detector';
import { SortedWindow } from '../../sorted-window';
import { type BaselineOptions, DEFAULT_BASELINE_OPTIONS, seasonalBaseline } from './baseline';
import { RepeatTracker } from './repeats';
import { StepResolution } from './step-resolution';
import { recentLevel } from './young-season';

/** Identical values in a row before a run can count as stuck. */
const MIN_STUCK_RUN = 3;

/** A season learnt once or twice that disagrees with itself by more spreads than this is not used. */
const YOUNG_SEASON_DOUBT_SPREADS = 3;

export interface RobustParams extends BaselineOptions {
  period: number | null;
}

/**
 * The seasonal robust baseline: expected = median of the same phase in past seasons, shifted by
 * the recent median level offset; spread = robust σ of recent residuals. Needs no training:
 * `fit` only records the season length, so it is the cold-start detector.
 */
export class RobustDetector implements Detector {
  readonly id = 'robust' as const;
  readonly needsTraining = false;
  private params: RobustParams;
  private isFitted = false;

  constructor(options: Partial<BaselineOptions> = {}) {
    this.params = { ...DEFAULT_BASELINE_OPTIONS, ...options, period: null };
  }

  get fitted(): boolean {
    return this.isFitted;
  }

  get period(): number | null {
    return this.params.period;
  }

  async fit(_series: SeriesView, _end: number, context: FitContext): Promise<void> {
    this.params = { ...this.params, period: context.period };
    this.isFitted = true;
  }

  score(series: SeriesView, from: number, to: number): RawScores {
    const out = emptyRawScores(to - from);
    const lookback = Math.max(0, from - this.params.spreadWindow - this.params.levelWindow);
    const doubt = new Float64Array(to - lookback);
    const baseline = seasonalBaseline(series.values, lookback, to, this.params.period, this.params, doubt);
    const residuals = new SortedWindow(this.params.spreadWindow);
    const repeats = new RepeatTracker(this.params.spreadWindow, MIN_STUCK_RUN);
    const { stepShare, stepMemory, stepHorizon } = this.params;
    const steps = StepResolution.before(series.values, lookback, stepMemory, stepHorizon);
    const levelScratch = new Float64Array(this.params.levelWindow);
    for (let i = lookback; i < to; i++) {
      const k = i - lookback;
      const value = series.values[i]!;
      const spread = Math.max(spreadOf(residuals, this.params.minSpread), stepShare * steps.scaleAt(i));
      let expected = baseline[k]!;
      if (doubt[k]! > YOUNG_SEASON_DOUBT_SPREADS * spread) {
        const level = recentLevel(series.values, i, this.params.levelWindow, levelScratch);
        if (!Number.isNaN(level)) expected = level;
      }
      steps.observe(i, value);
      const known = !Number.isNaN(value) && !Number.isNaN(expected);
      if (i >= from) {
        out.expected[i - from] = expected;
        out.spread[i - from] = residuals.length >= this.params.minResiduals ? spread : Number.NaN;
      }
      const stuck = repeats.zFor(value);
      repeats.observe(value);
      if (!known) continue;
      const residual = value - expected;
      if (i >= from && residuals.length >= this.params.minResiduals)
        out.raw[i - from] = Math.max(Math.abs(residual) / spread, stuck);
      residuals.push(Math.abs(residual));
    }
    return out;
  }

  save(): DetectorState {
    return { detector: this.id, stateVersion: 1, params: this.params };
  }

  load(state: DetectorState): void {
    if (state.detector !== this.id || state.stateVersion !== 1) {
      throw new Error(`cannot load ${state.detector} state v${state.stateVersion} into robust v1`);
    }
    // Models saved before the step floor existed get it too: the robust member learns nothing.
    this.params = { ...DEFAULT_BASELINE_OPTIONS, ...(state.params as RobustParams) };
    this.isFitted = true;
  }

  dispose(): void {}
}

/** σ from the median and the mean absolute residual, so quantised data never gets σ = 0. */
function spreadOf(window: SortedWindow, minSpread: number): number {
  if (window.length === 0) return minSpread;
  const fromMedian = 1.4826 * window.median();
  const fromMean = 0.5 * 1.2533 * window.mean();
  return Math.max(fromMedian, fromMean, minSpread);
}
