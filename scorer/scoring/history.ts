import { type DetectorParams, parseDuration } from '@tidemark/core';

/** Default training window when a request sets none. */
export const DEFAULT_TRAINING_WINDOW = '7d';
/** Fitting on more history than this many points costs more than it teaches a panel query. */
export const MAX_HISTORY_POINTS = 10_000;

export interface HistoryPlan {
  /** How far before an anchor to read, in ms (a whole number of intervals). */
  historyMs: number;
  /** Set when the training window was shortened, to tell the user. */
  shortenedFrom: number | null;
}

/**
 * How much history a fit learns from: the training window, capped at `MAX_HISTORY_POINTS` and at
 * half of `maxPoints`. It does not depend on the range asked for, so neither does the fit.
 */
export function planHistory(params: DetectorParams, intervalMs: number, maxPoints: number): HistoryPlan {
  const wantedMs = parseDuration(params.trainingWindow ?? DEFAULT_TRAINING_WINDOW);
  const wantedPoints = Math.ceil(wantedMs / intervalMs);
  const points = Math.min(wantedPoints, MAX_HISTORY_POINTS, Math.floor(maxPoints / 2));
  return { historyMs: points * intervalMs, shortenedFrom: points < wantedPoints ? wantedPoints : null };
}

/** History a stored model needs to score a range: its seasons and the detectors' windows. */
export function modelLookbackMs(period: number | null, intervalMs: number, historyMs: number): number {
  const steps = (period ?? 0) * 7 + 1_024;
  return Math.min(historyMs, steps * intervalMs);
}
