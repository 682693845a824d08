import { SortedWindow } from './sorted-window';

export interface CalibratorOptions {
  /** How many past raw scores the calibration remembers. */
  capacity: number;
  /** Raw scores needed before any probability is given. */
  minHistory: number;
  /** Fraction of the history treated as the tail, modelled as exponential beyond its threshold. */
  tailFraction: number;
  /**
   * Recent raw scores an anomaly is compared with: a point no more extreme than k of the last
   * `recentWindow` gets tail probability at least k / recentWindow, so an episode is scored high
   * when it starts, not again at every point of it.
   */
  recentWindow: number;
}

export const DEFAULT_CALIBRATOR_OPTIONS: CalibratorOptions = {
  capacity: 8640,
  minHistory: 48,
  tailFraction: 0.05,
  recentWindow: 150,
};

interface Windows {
  history: SortedWindow;
  recent: SortedWindow;
}

/**
 * Windows built from a saved history (a model's), by the history array and the window sizes: each
 * series scored with a model starts its calibrations from the same histories, copied, not sorted
 * again. Such a history is frozen once used, so that it cannot change under its windows.
 */
const built = new WeakMap<readonly number[], Map<string, Windows>>();

function windowsOf(history: readonly number[], options: CalibratorOptions): Windows {
  const sizes = `${options.capacity}/${options.recentWindow}`;
  const kept = history.length > 0 ? built.get(history)?.get(sizes) : undefined;
  if (kept) return kept;
  const known = history.filter((raw) => !Number.isNaN(raw));
  const windows = {
    history: SortedWindow.of(options.capacity, known),
    recent: SortedWindow.of(Math.max(1, options.recentWindow), known),
  };
  if (history.length > 0) {
    Object.freeze(history);
    const bySizes = built.get(history) ?? new Map<string, Windows>();
    bySizes.set(sizes, windows);
    built.set(history, bySizes);
  }
  return windows;
}

/**
 * Turns raw scores into tail probabilities against the raw scores seen before: the empirical
 * distribution in the body and an exponential tail fitted to the exceedances over its
 * (1 − tailFraction) quantile (peaks over threshold), so values past anything seen still get
 * finite, ordered probabilities; and never rarer than its rank among the last few raw scores
 * (see `recentWindow`). Strictly causal: `probability` never sees the value being asked about.
 */
export class TailCalibrator {
  private readonly history: SortedWindow;
  private readonly recent: SortedWindow;
  readonly options: CalibratorOptions;

  constructor(options: Partial<CalibratorOptions> = {}, history: readonly number[] = []) {
    const merged = { ...DEFAULT_CALIBRATOR_OPTIONS, ...options };
    this.options = { ...merged, capacity: Math.max(merged.capacity, merged.recentWindow) };
    const start = windowsOf(history, this.options);
    this.history = start.history.copy();
    this.recent = start.recent.copy();
  }

  get size(): number {
    return this.history.length;
  }

  get ready(): boolean {
    return this.history.length >= this.options.minHistory;
  }

  /** P(raw' ≥ raw) under the history; NaN until `minHistory` raw scores were seen. */
  probability(raw: number): number {
    if (!this.ready || Number.isNaN(raw)) return Number.NaN;
    const recentAtLeast = this.options.recentWindow > 0 ? this.recent.countAtLeast(raw) : 0;
    const floor = recentAtLeast / Math.max(1, this.options.recentWindow);
    return Math.max(this.longRunProbability(raw), floor);
  }

  private longRunProbability(raw: number): number {
    const n = this.history.length;
    const tail = this.tail();
    if (raw <= tail.threshold) return (this.history.countAtLeast(raw) + 1) / (n + 1);
    return tail.mass * Math.exp(-(raw - tail.threshold) / tail.scale);
  }

  /** The raw score whose long-run tail probability is `p` (ignores the recent-window floor). */
  rawForProbability(p: number): number {
    if (!this.ready) return Number.NaN;
    const tail = this.tail();
    if (p >= tail.mass) return this.history.quantile(Math.max(0, 1 - p));
    return tail.threshold + tail.scale * Math.log(tail.mass / p);
  }

  update(raw: number): void {
    if (Number.isNaN(raw)) return;
    this.history.push(raw);
    this.recent.push(raw);
  }

  /**
   * Raw scores of points a user confirmed normal (marks): added to the history only, each as
   * often as it takes for them together to be twice the tail's share of it, so a raw score no
   * higher than theirs is in the body of the distribution, not its tail.
   */
  learnNormal(raws: readonly number[]): void {
    const known = raws.filter((raw) => !Number.isNaN(raw));
    if (known.length === 0) return;
    const share = 2 * this.options.tailFraction * Math.max(this.history.length, this.options.minHistory);
    const copies = Math.ceil(share / known.length);
    for (let k = 0; k < copies; k++) for (const raw of known) this.history.push(raw);
  }

  snapshot(): number[] {
    return this.history.toArray();
  }

  /**
   * The exponential tail beyond the (1 − tailFraction) quantile, fitted to the raw scores strictly
   * above it: its mass is their share and its scale comes from their median excess (median excess
   * = scale · ln 2), so one huge outlier cannot stretch the tail, and a history tied at the
   * threshold (a zero-inflated series: mostly 0, now and then a burst) neither counts its ties as
   * tail nor lets them shrink the scale to nothing. The scale is floored at a twentieth of the
   * body's upper half so tied (quantised) tops keep their order.
   */
  private tail(): { threshold: number; mass: number; scale: number } {
    const n = this.history.length;
    const tailFraction = this.options.tailFraction;
    const threshold = this.history.quantile(1 - tailFraction);
    const floor = Math.max(
      0.05 * (threshold - this.history.median()),
      1e-9 * Math.max(1, Math.abs(threshold)),
    );
    const above = this.history.countAbove(threshold);
    const mass = (above + 1) / (n + 1);
    if (above === 0) return { threshold, mass, scale: floor };
    const medianAbove = this.history.nth(n - 1 - ((above - 1) >> 1));
    return { threshold, mass, scale: Math.max((medianAbove - threshold) / Math.LN2, floor) };
  }
}
