import type { BacktestResult, ScoredSeries } from '@tidemark/core';
import { seriesTitle } from '../../datasource/frames';

/** At most this many points drawn per series; the backtest itself runs at the detector's interval. */
export const DRAWN_POINTS = 1_500;

/** The step to draw a backtest range at: the detector's interval, or coarser for long ranges. */
export function drawingIntervalMs(from: number, to: number, intervalMs: number): number {
  return Math.max(intervalMs, Math.ceil((to - from) / DRAWN_POINTS));
}

/**
 * The series as drawn for one backtest: value and expected band as scored for the drawing, the
 * flagged regions, anomaly points and threshold from the backtest (which ran at the detector's
 * own interval, causally), so both sides of a comparison share one line and differ only in flags.
 */
export function backtestSeries(drawn: ScoredSeries[], result: BacktestResult): ScoredSeries[] {
  const byTitle = new Map(result.series.map((series) => [seriesTitle(series), series]));
  return drawn.map((series) => {
    const regions = byTitle.get(seriesTitle(series))?.regions ?? [];
    // A drawn point stands for [time, time + step): flagged when a region touches that step.
    const step = series.time.length > 1 ? series.time[1]! - series.time[0]! : 1;
    const flagged = (time: number) =>
      regions.some((region) => region.start < time + step && region.end >= time);
    return {
      ...series,
      threshold: result.threshold,
      regions,
      anomaly: series.time.map((time, i) => series.value[i] !== null && flagged(time)),
      // The drawing's own scores are at another step than the backtest's: not shown.
      score: series.score.map(() => null),
    };
  });
}

/** Mean alerts per day over the days the backtest covered. */
export function alertsPerDay(result: BacktestResult): number {
  const days = result.alertsPerDay.length;
  return days === 0 ? 0 : result.alertsPerDay.reduce((sum, day) => sum + day.alerts, 0) / days;
}
