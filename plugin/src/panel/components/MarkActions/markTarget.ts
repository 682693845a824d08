import type { MarkInput } from '@tidemark/core';
import { anomalyFlags, type PanelSeries, regionAt } from '../../model';

/**
 * What a mark at `time` on a series would say: on a flagged point, its whole region is
 * `not-anomaly`; on an unflagged one, its interval (up to the next point) was `missed`.
 */
export function markAt(
  series: PanelSeries,
  time: number,
  threshold: number | undefined,
  detector: string,
): Omit<MarkInput, 'note'> | null {
  const i = series.time.indexOf(time);
  if (i < 0 || series.value[i] === null) return null;
  const flagged = anomalyFlags(series, threshold ?? series.threshold)[i] ?? false;
  const next = series.time[i + 1];
  if (flagged) {
    // A drawn point can stand for a step holding a finer region (a backtest drawn coarser than
    // the detector's interval): the region touching [time, next) then.
    const region =
      regionAt(series, time) ?? series.regions.find((r) => r.start < (next ?? time + 1) && r.end >= time);
    return {
      detector,
      series: series.title,
      kind: 'not-anomaly',
      from: region?.start ?? time,
      to: region?.end ?? time,
    };
  }
  return {
    detector,
    series: series.title,
    kind: 'missed',
    from: time,
    to: next !== undefined ? next - 1 : time,
  };
}
