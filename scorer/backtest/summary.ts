import type { BacktestResult, Mark, Region, ScoredSeries } from '@tidemark/core';
import { regionsAgain } from '../continuous/overlay';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** 1970-01-05, the first Monday after the epoch: weeks start on Mondays, UTC. */
const FIRST_MONDAY = 4 * DAY;

/** One series' columns over the whole backtest, chunk after chunk. */
export class SeriesColumns {
  readonly series: ScoredSeries;
  private readonly explanations = new Map<number, string>();

  constructor(first: ScoredSeries) {
    this.series = {
      ...first,
      time: [],
      value: [],
      expected: [],
      lower: [],
      upper: [],
      score: [],
      anomaly: [],
      regions: [],
    };
  }

  append(part: ScoredSeries, from: number, to: number): void {
    for (const region of part.regions) this.explanations.set(region.peakTime, region.explanation);
    part.time.forEach((time, i) => {
      if (time < from || time >= to) return;
      const { series } = this;
      series.time.push(time);
      series.value.push(part.value[i] ?? null);
      series.expected.push(part.expected[i] ?? null);
      series.lower.push(part.lower[i] ?? null);
      series.upper.push(part.upper[i] ?? null);
      series.score.push(part.score[i] ?? null);
      series.anomaly.push(part.anomaly[i] ?? false);
    });
  }

  /** Regions over the whole range (one cut by a chunk boundary is joined again). */
  regions(): Region[] {
    return regionsAgain(this.series, (i) => this.explanations.get(this.series.time[i]!) ?? null);
  }
}

const pointColumns = ({ time, value, expected, lower, upper, score, anomaly }: ScoredSeries) => ({
  time,
  value,
  expected,
  lower,
  upper,
  score,
  anomaly,
});

const overlaps = (region: Region, mark: Mark) => region.start <= mark.to && mark.from <= region.end;

/** Counts per period start, every period of [from, to) listed. */
function perPeriod(starts: number[], from: number, to: number, floor: (t: number) => number, step: number) {
  const counts = new Map<number, number>();
  for (let at = floor(from); at < to; at += step) counts.set(at, 0);
  for (const start of starts) counts.set(floor(start), (counts.get(floor(start)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([start, alerts]) => ({ start, alerts }));
}

/** Regions, alerts per day and week, the score histogram and accuracy against the marks. */
export function summarize(
  columns: SeriesColumns[],
  maintenanceOf: (series: ScoredSeries) => BacktestResult['series'][number]['maintenance'],
  marks: Mark[],
  range: { from: number; to: number },
  intervalMs: number,
  threshold: number,
  includePoints: boolean,
): BacktestResult {
  const counts = new Array<number>(10).fill(0);
  let scored = 0;
  let flaggedRegions = 0;
  let falsePositives = 0;
  const detected = new Set<string>();
  const starts: number[] = [];
  const series = columns.map((one) => {
    const regions = one.regions();
    const own = marks.filter((m) => m.series === one.series.name);
    for (const score of one.series.score) {
      if (score === null) continue;
      counts[Math.min(9, Math.max(0, Math.floor(score / 10)))]!++;
      scored++;
    }
    for (const region of regions) {
      starts.push(region.start);
      flaggedRegions++;
      if (own.some((m) => m.kind === 'not-anomaly' && overlaps(region, m))) falsePositives++;
      for (const m of own) if (m.kind === 'missed' && overlaps(region, m)) detected.add(m.id);
    }
    return {
      name: one.series.name,
      tags: one.series.tags,
      points: one.series.value.filter((v) => v !== null).length,
      flaggedPoints: one.series.anomaly.filter(Boolean).length,
      regions,
      maintenance: maintenanceOf(one.series),
      ...(includePoints ? { columns: pointColumns(one.series) } : {}),
    };
  });
  const labelledEvents = marks.filter((m) => m.kind === 'missed').length;
  return {
    range,
    intervalMs,
    threshold,
    series,
    alertsPerDay: perPeriod(starts, range.from, range.to, (t) => Math.floor(t / DAY) * DAY, DAY),
    alertsPerWeek: perPeriod(
      starts,
      range.from,
      range.to,
      (t) => Math.floor((t - FIRST_MONDAY) / WEEK) * WEEK + FIRST_MONDAY,
      WEEK,
    ),
    scoreHistogram: { binWidth: 10, counts, scored },
    accuracy: {
      flaggedRegions,
      falsePositives,
      labelledEvents,
      detectedEvents: detected.size,
      precision: flaggedRegions > 0 ? (flaggedRegions - falsePositives) / flaggedRegions : null,
      recall: labelledEvents > 0 ? detected.size / labelledEvents : null,
    },
  };
}
