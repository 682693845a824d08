import type { Points, TimeRange } from '@tidemark/core';
import { sortedTagEntries } from '../influx';
import type { ReadSeries } from '../influx/series-query';
import { firstPointAt, firstTimeAt } from './points-range';

/** One series as kept: columns, NaN for a gap (null). */
interface KeptSeries {
  tags: Record<string, string>;
  time: Float64Array;
  value: Float64Array;
}

/** What one query read last: its series over [from, to). */
interface Entry {
  from: number;
  to: number;
  /** When all of it was last read from InfluxDB (epoch ms). */
  readAllAt: number;
  series: Map<string, KeptSeries>;
  points: number;
}

export type ReadRange = (range: TimeRange) => Promise<ReadSeries[]>;

const tagsId = (tags: Record<string, string>) => JSON.stringify(sortedTagEntries(tags));

function keep(one: ReadSeries, from: number): KeptSeries {
  const start = firstPointAt(one.points, from);
  const count = one.points.length - start;
  const time = new Float64Array(count);
  const value = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const [t, v] = one.points[start + i]!;
    time[i] = t;
    value[i] = v ?? Number.NaN;
  }
  return { tags: one.tags, time, value };
}

/**
 * The kept points in [from, until), then `fresh` (read from `until` on): as the points a run
 * scores and as the columns kept for the next one, the kept part copied column to column.
 */
function joined(
  tags: Record<string, string>,
  kept: KeptSeries | undefined,
  from: number,
  until: number,
  fresh: Points,
): { read: ReadSeries; kept: KeptSeries } {
  const start = kept ? firstTimeAt(kept.time, from) : 0;
  const end = kept ? firstTimeAt(kept.time, until) : 0;
  const before = end - start;
  const points: Points = new Array(before + fresh.length);
  const time = new Float64Array(before + fresh.length);
  const value = new Float64Array(before + fresh.length);
  if (kept && before > 0) {
    time.set(kept.time.subarray(start, end));
    value.set(kept.value.subarray(start, end));
    for (let i = 0; i < before; i++) {
      const v = value[i]!;
      points[i] = [time[i]!, Number.isNaN(v) ? null : v];
    }
  }
  for (let i = 0; i < fresh.length; i++) {
    const point = fresh[i]!;
    points[before + i] = point;
    time[before + i] = point[0];
    value[before + i] = point[1] ?? Number.NaN;
  }
  return { read: { tags, points }, kept: { tags, time, value } };
}

/**
 * The points continuous runs read, kept per query (one partition's series) between runs, so a
 * run asks InfluxDB only for what may have changed since: the intervals from where the last read
 * ended or the run's `settledBefore` (the start of its late window), whichever is earlier. The
 * points before that are the ones the detector no longer scores (they are older than its late
 * window) and come from here. A cold replica (a restart, a partition it had not run) reads all.
 * At most `maxPoints` points are kept, least recently read queries dropped first; 0 keeps none.
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private points = 0;

  /**
   * `maxAgeMs`: a query's points are read again in full once they are this old, so a point
   * rewritten later than a late window is seen within it.
   */
  constructor(
    private readonly maxPoints: number,
    private readonly maxAgeMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The series over `range` (interval-aligned), as one read of it returns them: kept points
   * before the first changeable interval, then a read from there through `read`.
   */
  async read(key: string, range: TimeRange, settledBefore: number, read: ReadRange): Promise<ReadSeries[]> {
    const entry = this.entries.get(key);
    // An earlier range than the one kept (a catch-up): read as asked, the kept points stay.
    if (entry && entry.to > range.to) return read(range);
    const usable =
      entry &&
      entry.from <= range.from &&
      range.from <= entry.to &&
      this.now() - entry.readAllAt < this.maxAgeMs;
    const refetchFrom = usable ? Math.max(range.from, Math.min(entry.to, settledBefore)) : range.from;
    const fresh = await read({ from: refetchFrom, to: range.to });
    // A series not kept (new, or with no points in the kept range): its earlier points may have
    // come since, so the whole range is read again.
    if (usable && refetchFrom > range.from && fresh.some((one) => !entry.series.has(tagsId(one.tags)))) {
      const all = await read(range);
      this.store(key, range, all, this.now());
      return all;
    }
    const series: ReadSeries[] = [];
    const keep = new Map<string, KeptSeries>();
    for (const one of fresh) {
      const id = tagsId(one.tags);
      const kept = usable ? entry.series.get(id) : undefined;
      const both = joined(one.tags, kept, range.from, refetchFrom, one.points);
      series.push(both.read);
      keep.set(id, both.kept);
    }
    if (usable) {
      for (const [id, kept] of entry.series) {
        if (keep.has(id)) continue;
        const both = joined(kept.tags, kept, range.from, refetchFrom, []);
        if (both.read.points.length === 0) continue;
        series.push(both.read);
        keep.set(id, both.kept);
      }
    }
    this.store(key, range, series, usable ? entry.readAllAt : this.now(), keep);
    return series;
  }

  /** Forgets every query's points (a model changed elsewhere, or the subscription was lost). */
  clear(): void {
    this.entries.clear();
    this.points = 0;
  }

  /** `columns`: the series as kept, when the caller has them already (see `joined`). */
  private store(
    key: string,
    range: TimeRange,
    series: ReadSeries[],
    readAllAt: number,
    columns?: Map<string, KeptSeries>,
  ): void {
    this.drop(key);
    const points = series.reduce((sum, one) => sum + one.points.length, 0);
    if (points > this.maxPoints) return;
    const kept = columns ?? new Map(series.map((one) => [tagsId(one.tags), keep(one, range.from)]));
    this.entries.set(key, { from: range.from, to: range.to, readAllAt, series: kept, points });
    this.points += points;
    for (const [oldest] of this.entries) {
      if (this.points <= this.maxPoints) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.points -= entry.points;
  }
}
