import { createHash } from 'node:crypto';
import type { MaintenanceWindowDefinition, Mark, Points, ScoredSeries } from '@tidemark/core';
import { regionsAgain } from '../continuous/overlay';
import { covers, type MaintenanceService, windowPeriods } from './maintenance';
import type { MarkService } from './marks';
import { inPeriods, mergePeriods, type Period } from './schedule';

/** What marks and maintenance windows change for one series over a stretch of time. */
export interface SeriesSteering {
  /** Open maintenance windows: never learned from, never flagged. */
  maintenance: Period[];
  /** Maintenance and `missed` marks: never learned from. */
  excluded: Period[];
  /** `not-anomaly` marks: learned as normal by the calibration. */
  normal: Period[];
}

/** The marks and windows that apply to one detector's series, loaded once per run or request. */
export interface Steering {
  /** Changes whenever a mark or window that applies does: part of the fit-cache key. */
  readonly fingerprint: string;
  forSeries(name: string, tags: Record<string, string>, from: number, to: number): SeriesSteering;
}

/** A mark covers its points from `from` to `to`, both inclusive. */
const markPeriod = (mark: Mark): Period => ({ from: mark.from, to: mark.to + 1 });

/**
 * What applies to detector `detectorId` of the org: its marks and the enabled windows covering
 * it; null when there are none (scoring is then exactly as without steering).
 */
export async function steeringFor(
  services: { marks: Pick<MarkService, 'list'>; maintenance: Pick<MaintenanceService, 'definitionsOf'> },
  orgId: number,
  detectorId: string,
): Promise<Steering | null> {
  const marks = await services.marks.list(orgId, { detector: detectorId });
  const windows = (await services.maintenance.definitionsOf(orgId)).filter(
    (w) => w.enabled && (w.scope.detector === undefined || w.scope.detector === detectorId),
  );
  if (marks.length === 0 && windows.length === 0) return null;
  return new DetectorSteering(detectorId, marks, windows);
}

class DetectorSteering implements Steering {
  readonly fingerprint: string;

  constructor(
    private readonly detectorId: string,
    private readonly marks: Mark[],
    private readonly windows: MaintenanceWindowDefinition[],
  ) {
    const what = JSON.stringify([
      marks.map((m) => [m.id, m.series, m.kind, m.from, m.to]),
      windows.map((w) => [w.id, w.scope, w.schedule]),
    ]);
    this.fingerprint = `steer:${createHash('sha256').update(what).digest('hex').slice(0, 16)}`;
  }

  forSeries(name: string, tags: Record<string, string>, from: number, to: number): SeriesSteering {
    const maintenance = mergePeriods(
      this.windows.filter((w) => covers(w, this.detectorId, tags)).flatMap((w) => windowPeriods(w, from, to)),
    );
    const own = this.marks.filter((m) => m.series === name);
    const missed = own.filter((m) => m.kind === 'missed').map(markPeriod);
    const normal = mergePeriods(own.filter((m) => m.kind === 'not-anomaly').map(markPeriod));
    return { maintenance, excluded: mergePeriods([...maintenance, ...missed]), normal };
  }
}

/** The points with those inside `excluded` turned into gaps (never learned from). */
export function withoutExcluded(points: Points, excluded: readonly Period[]): Points {
  if (excluded.length === 0) return points;
  return points.map((point) => (inPeriods(excluded, point[0]) ? [point[0], null] : point));
}

/**
 * Clears the flags of points inside maintenance and finds the regions again (a region cut by a
 * window keeps the explanation of its peak where the peak is unchanged). Returns the points cleared.
 */
export function clearMaintenanceFlags(series: ScoredSeries, maintenance: readonly Period[]): number {
  let cleared = 0;
  series.time.forEach((time, i) => {
    if (series.anomaly[i] && inPeriods(maintenance, time)) {
      series.anomaly[i] = false;
      cleared++;
    }
  });
  if (cleared === 0) return 0;
  const computed = new Map(series.regions.map((region) => [region.peakTime, region.explanation]));
  series.regions = regionsAgain(series, (i) => computed.get(series.time[i]!) ?? null);
  return cleared;
}
