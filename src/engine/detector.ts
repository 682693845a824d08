import type { DetectorId } from '../contract';

/**
 * A regularised series as detectors see it: one slot per interval, `NaN` for a gap.
 * Detectors read it by index; `times[i]` is the start of interval i in epoch milliseconds.
 */
export interface SeriesView {
  readonly values: Float64Array;
  readonly times: Float64Array;
  readonly intervalMs: number;
}

/**
 * What a detector says about points [from, to) of a series.
 * Every array has length `to - from`; index k describes point `from + k`.
 */
export interface RawScores {
  /** Forecast of the value, or NaN when the detector has no opinion (warm-up, gap). */
  expected: Float64Array;
  /** Typical size of |value − expected| for this point (robust σ), NaN when unknown. */
  spread: Float64Array;
  /** Non-negative anomaly evidence; larger is more anomalous. NaN = not scored (gap, warm-up). */
  raw: Float64Array;
}

/** Training progress, reported by detectors whose fit takes a while (the LSTM). */
export interface FitProgress {
  epoch: number;
  epochs: number;
  loss: number;
  /** Estimated milliseconds until the fit finishes. */
  etaMs: number;
}

export interface FitContext {
  /** Season length in steps learned by series preparation, or null when the series has none. */
  period: number | null;
  /** Seed for every random choice, so a fit is reproducible. */
  seed: number;
  onProgress?: (progress: FitProgress) => void;
  /** Aborts a long fit (the scorer cancels jobs through it). */
  signal?: AbortSignal;
}

/** A detector's learned state as bytes-friendly JSON plus optional binary blobs (e.g. LSTM weights). */
export interface DetectorState {
  detector: DetectorId;
  /** Version of this detector's own state layout. */
  stateVersion: number;
  params: unknown;
  blobs?: Record<string, Uint8Array>;
}

/**
 * One anomaly detector. Implementations are causal by construction: `score` may read
 * `series.values[j]` only for j ≤ i when scoring point i (the forecast `expected[i]` only j < i),
 * so scoring a prefix gives the same numbers as scoring the whole series.
 */
export interface Detector {
  readonly id: DetectorId;
  /** False for detectors that are useful untrained (cold start). */
  readonly needsTraining: boolean;
  /** Learns from points [0, end) of the series. Replaces anything learned before. */
  fit(series: SeriesView, end: number, context: FitContext): Promise<void>;
  /** Whether fit has run (or state was loaded). */
  readonly fitted: boolean;
  /** Scores points [from, to). Lookback before `from` is read from the series itself. */
  /**
   * `band: false` (another member already gives the band) lets a detector skip what only the band
   * needs and leave `expected` and `spread` NaN; `raw` must not change.
   */
  score(series: SeriesView, from: number, to: number, wants?: { band: boolean }): RawScores;
  save(): DetectorState;
  load(state: DetectorState): void;
  /** Frees native memory (tensors). Safe to call twice. */
  dispose(): void;
}

export function emptyRawScores(length: number): RawScores {
  return {
    expected: new Float64Array(length).fill(Number.NaN),
    spread: new Float64Array(length).fill(Number.NaN),
    raw: new Float64Array(length).fill(Number.NaN),
  };
}
