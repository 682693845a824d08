import {
  type ContinuousDetectorDefinition,
  DEFAULT_LATE_WINDOW,
  type DetectorSkip,
  parseDuration,
  type ScoredSeries,
  type SeriesQuery,
  type TagFilter,
  type TimeRange,
} from '@tidemark/core';
import type { OrgAccess } from '../access/org-access';
import type { InfluxClient } from '../influx';
import type { LinePoint } from '../influx/line-protocol';
import type { ScoreOptions, ScoringService } from '../scoring/score-service';
import type { Steering } from '../steering/steering';
import { firstPointTimes, type OutputPlace, pointCounts, writtenIntervals } from './late-data';
import { outputDatabase, outputPoints } from './output';
import { narrowed } from './partitions';

type Skip = DetectorSkip;

/** Where a detector has got to; stored per org and detector id. */
export interface Checkpoint {
  /** Epoch ms up to which every series is scored and written (exclusive), or null before the first run. */
  scoredUntil: number | null;
  lastRunAt: number | null;
  lastError: string | null;
  /** Where a series seen for the first time starts (the first run's start). */
  since: number | null;
  /** Per series name: the end of its last written interval. */
  series: Record<string, number>;
  /** Points scored after their series had moved on (late data, new series with history). */
  latePoints: number;
  skipped: { points: number; intervals: number; last: Skip | null };
}

export const emptyCheckpoint = (): Checkpoint => ({
  scoredUntil: null,
  lastRunAt: null,
  lastError: null,
  since: null,
  series: {},
  latePoints: 0,
  skipped: { points: 0, intervals: 0, last: null },
});

export interface RunResult {
  scoredUntil: number | null;
  pointsWritten: number;
  /** Most series one chunk scored. */
  series: number;
  latePointsWritten: number;
  chunks: number;
  skipped: Skip[];
}

export interface RunDeps {
  access: OrgAccess;
  scoring: ScoringService;
  defaultDatabase: string | null;
  /** The org untagged (older) output belongs to: DEFAULT_ORG_ID. */
  legacyOrgId: number;
  /** Scale-out: filters that keep the run to one partition's series (see `partitions.ts`). */
  narrow?: TagFilter[] | null;
  /** Scale-out: this replica's id, written with each point (field `replica`). */
  replica?: string;
  /** The detector's marks and maintenance windows, loaded for this run. */
  steering?: Steering | null;
}

/** Most intervals scored per read/score/write round; the checkpoint advances after each. */
export const MAX_CHUNK_INTERVALS = 5_000;

const alignDown = (time: number, step: number) => Math.floor(time / step) * step;

/**
 * The window a run scores: complete intervals (ending `lag` before now) from `lateWindow` before
 * the checkpoint, at most `maxBackfill` back (`earliest`); a first run backfills `maxBackfill`.
 */
export function windowToScore(
  definition: ContinuousDetectorDefinition,
  scoredUntil: number | null,
  now: number,
) {
  const interval = parseDuration(definition.interval);
  const end = alignDown(now - parseDuration(definition.lag), interval);
  const backfill = parseDuration(definition.maxBackfill);
  const earliest = alignDown(end - backfill, interval);
  const late = Math.min(parseDuration(definition.lateWindow ?? DEFAULT_LATE_WINDOW), backfill);
  const resumeAt = Math.max(scoredUntil ?? earliest, earliest);
  return { from: Math.max(alignDown(resumeAt - late, interval), earliest), to: end, interval, earliest };
}

type Window = ReturnType<typeof windowToScore>;

/**
 * One run of a continuous detector: score the window in chunks through the scoring service (so
 * stored models and the LSTM fallback apply), write the intervals not written yet, and move the
 * checkpoint after each chunk. A series whose last written interval lies before the window (new
 * with history, or back after an outage) is then caught up from there, at most `maxBackfill`
 * back; what lies beyond that is counted in `checkpoint.skipped`. `checkpoint` is updated in place
 * and `save` stores it. A crash re-scores at most one chunk; nothing is written twice.
 */
export async function runDetector(
  deps: RunDeps,
  orgId: number,
  definition: ContinuousDetectorDefinition,
  checkpoint: Checkpoint,
  now: number,
  save: () => Promise<void>,
  signal?: AbortSignal,
): Promise<RunResult> {
  const run = new DetectorRun(
    deps,
    orgId,
    definition,
    checkpoint,
    windowToScore(definition, checkpoint.scoredUntil, now),
    save,
    signal,
  );
  await run.skipDowntime();
  const lagging = await run.scoreWindow();
  await run.catchUp(lagging);
  return run.result;
}

/**
 * How a continuous detector scores a range: in chunks of at most MAX_CHUNK_INTERVALS intervals
 * from `range.from`, each through the scoring service with the detector's query, interval and
 * detector (a backtest scores the same way). `each` gets every chunk's series before the next.
 */
export async function scoreInChunks(
  scoring: ScoringService,
  orgId: number,
  definition: Pick<ContinuousDetectorDefinition, 'query' | 'interval' | 'detector'>,
  range: TimeRange,
  options: ScoreOptions,
  each: (chunk: TimeRange, series: ScoredSeries[], index: number, count: number) => Promise<void>,
): Promise<void> {
  const interval = parseDuration(definition.interval);
  const step = MAX_CHUNK_INTERVALS * interval;
  const count = Math.max(0, Math.ceil((range.to - range.from) / step));
  for (let index = 0; index < count; index++) {
    options.signal?.throwIfAborted();
    const from = range.from + index * step;
    const chunk = { from, to: Math.min(range.to, from + step) };
    const response = await scoring.score(
      orgId,
      { query: definition.query, range: chunk, intervalMs: interval, detector: definition.detector },
      options,
    );
    await each(chunk, response.series, index, count);
  }
}

class DetectorRun {
  readonly result: RunResult;
  private readonly place: OutputPlace;
  /** Clients for the org: where it reads its query (input) and writes its scores (output). */
  private readonly input: InfluxClient;
  private readonly output: InfluxClient;
  private readonly previousUntil: number | null;
  /** The query as this run reads it (one partition's series in scale-out). */
  private readonly readQuery: SeriesQuery;

  constructor(
    private readonly deps: RunDeps,
    private readonly orgId: number,
    private readonly definition: ContinuousDetectorDefinition,
    private readonly checkpoint: Checkpoint,
    private readonly window: Window,
    private readonly save: () => Promise<void>,
    private readonly signal: AbortSignal | undefined,
  ) {
    const database = outputDatabase(definition, deps.defaultDatabase);
    this.output = deps.access.client(orgId, database);
    this.input = deps.access.client(orgId, definition.query.database);
    this.place = { database, orgId, legacyOrgId: deps.legacyOrgId };
    this.previousUntil = checkpoint.scoredUntil;
    this.readQuery = narrowed(definition.query, deps.narrow);
    // A checkpoint from before per-series progress scored every series up to its scoredUntil.
    checkpoint.since ??= checkpoint.scoredUntil ?? window.earliest;
    this.result = {
      scoredUntil: checkpoint.scoredUntil,
      pointsWritten: 0,
      series: 0,
      latePointsWritten: 0,
      chunks: 0,
      skipped: [],
    };
  }

  private get requestOptions() {
    return this.signal ? { signal: this.signal } : {};
  }

  private get scoreOptions() {
    return {
      ...this.requestOptions,
      ...(this.deps.narrow ? { narrow: this.deps.narrow } : {}),
      ...(this.deps.steering ? { steering: this.deps.steering } : {}),
      settledBefore: this.settledBefore,
    };
  }

  /**
   * Where the points a run may read could still have changed since its last read: its late
   * window, or the end of a series' last written interval if that is earlier (its data may have
   * come late, after an outage).
   */
  private get settledBefore(): number {
    let settled = this.window.from;
    for (const until of Object.values(this.checkpoint.series)) settled = Math.min(settled, until);
    return settled;
  }

  /** Down longer than `maxBackfill`: the intervals before `earliest` are given up, and counted. */
  async skipDowntime(): Promise<void> {
    const { earliest, interval } = this.window;
    const until = this.previousUntil;
    if (until === null || until >= earliest) return;
    const counts = await pointCounts(this.input, this.readQuery, { from: until, to: earliest }, this.signal);
    const points = [...counts.values()].reduce((sum, n) => sum + n, 0);
    this.checkpoint.skipped.intervals += Math.round((earliest - until) / interval);
    this.record({ reason: 'downtime', series: null, from: until, to: earliest, points });
    this.checkpoint.scoredUntil = earliest;
    await this.saveNow();
  }

  /**
   * Scores [from, to) and writes every interval not written yet. Returns the series that were
   * behind the window, with where each had got to (their progress is left for `catchUp`).
   */
  async scoreWindow(): Promise<Map<string, { start: number; reached: number }>> {
    const { from, to, interval } = this.window;
    const { checkpoint } = this;
    const lagging = new Map<string, { start: number; reached: number }>();
    if (from >= to) return lagging;
    const written =
      this.previousUntil !== null && from < Math.min(to, this.previousUntil)
        ? await writtenIntervals(
            this.output,
            this.definition,
            this.place,
            { from, to: Math.min(to, this.previousUntil) },
            this.signal,
            this.deps.narrow,
          )
        : new Map<string, Set<number>>();
    await this.chunks({ from, to }, async (chunk, series) => {
      const timesOf = await this.write(series, chunk, (one, time) => !written.get(one.name)?.has(time));
      for (const [k, one] of series.entries()) {
        const times = timesOf[k]!;
        // Intervals the checkpoint had passed: their points arrived late.
        this.countLate(
          times.filter((time) => time < (this.previousUntil ?? Number.NEGATIVE_INFINITY)).length,
        );
        const reached = endOfLast(one, chunk, interval);
        const start = checkpoint.series[one.name] ?? checkpoint.since!;
        const behind = lagging.get(one.name);
        if (behind || start < from) {
          lagging.set(one.name, { start, reached: Math.max(behind?.reached ?? start, reached ?? start) });
        } else if (reached !== null) {
          checkpoint.series[one.name] = Math.max(checkpoint.series[one.name] ?? reached, reached);
        }
      }
      checkpoint.scoredUntil = chunk.to;
      this.result.scoredUntil = chunk.to;
    });
    return lagging;
  }

  /**
   * Series behind the window: their points older than `maxBackfill` are counted as skipped, the
   * rest (from where each got to, or where its data starts) is scored and written.
   */
  async catchUp(lagging: Map<string, { start: number; reached: number }>): Promise<void> {
    if (lagging.size === 0) return;
    const { from, earliest, interval } = this.window;
    const { checkpoint } = this;
    const tooOldUntil = Math.min(earliest, this.previousUntil ?? earliest);
    for (const start of new Set([...lagging.values()].map((l) => l.start).filter((s) => s < tooOldUntil))) {
      const counts = await pointCounts(
        this.input,
        this.readQuery,
        { from: start, to: tooOldUntil },
        this.signal,
      );
      for (const [name, { start: own }] of lagging) {
        const points = counts.get(name) ?? 0;
        if (own === start && points > 0)
          this.record({ reason: 'too-late', series: name, from: start, to: tooOldUntil, points });
      }
    }
    const starts = new Map([...lagging].map(([name, l]) => [name, Math.max(l.start, earliest)]));
    for (const [name, start] of starts) checkpoint.series[name] = start;
    await this.saveNow();

    const lowest = Math.min(...starts.values());
    const first =
      lowest < from
        ? await firstPointTimes(this.input, this.readQuery, { from: lowest, to: from }, this.signal)
        : new Map<string, number>();
    const todo = new Map<string, number>();
    for (const [name, start] of starts) {
      const at = first.get(name);
      if (at !== undefined && start < from) todo.set(name, Math.max(start, alignDown(at, interval)));
    }
    if (todo.size > 0) {
      await this.chunks({ from: Math.min(...todo.values()), to: from }, async (chunk, series) => {
        const timesOf = await this.write(
          series,
          chunk,
          (one, time) => time >= (todo.get(one.name) ?? Number.POSITIVE_INFINITY),
        );
        for (const [k, one] of series.entries()) {
          const start = todo.get(one.name);
          if (start === undefined) continue;
          this.countLate(timesOf[k]!.length);
          checkpoint.series[one.name] = Math.max(start, chunk.to);
        }
      });
    }
    for (const [name, { reached }] of lagging)
      checkpoint.series[name] = Math.max(reached, checkpoint.series[name] ?? reached);
    await this.saveNow();
  }

  /** Scores `range` in chunks; after `each` has written a chunk, the checkpoint is saved. */
  private async chunks(
    range: TimeRange,
    each: (chunk: TimeRange, series: ScoredSeries[]) => Promise<void>,
  ): Promise<void> {
    await scoreInChunks(
      this.deps.scoring,
      this.orgId,
      this.definition,
      range,
      this.scoreOptions,
      async (chunk, series) => {
        await each(chunk, series);
        this.result.series = Math.max(this.result.series, series.length);
        await this.saveNow();
        this.result.chunks++;
      },
    );
  }

  /**
   * Writes every series' points in `chunk` that `wanted` keeps, all series in one request (the
   * client splits it into batches); returns each series' times, in the order of `series`. Called
   * before the checkpoint records any of them, so a failed write records none.
   */
  private async write(
    series: readonly ScoredSeries[],
    chunk: TimeRange,
    wanted: (series: ScoredSeries, time: number) => boolean,
  ): Promise<number[][]> {
    const all: LinePoint[] = [];
    const timesOf = series.map((one) => {
      const points = [
        ...outputPoints(
          this.orgId,
          this.definition,
          one,
          this.deps.replica,
          (time) => time >= chunk.from && time < chunk.to && wanted(one, time),
        ),
      ];
      for (const point of points) all.push(point);
      return points.map((p) => p.time);
    });
    if (all.length === 0) return timesOf;
    // Not aborted mid-request: influxd may apply a write whose client gave up, after the abort.
    this.signal?.throwIfAborted();
    const written = await this.output.write(
      this.place.database,
      all,
      this.definition.output.retentionPolicy
        ? { retentionPolicy: this.definition.output.retentionPolicy }
        : {},
    );
    this.result.pointsWritten += written;
    return timesOf;
  }

  private countLate(points: number): void {
    this.result.latePointsWritten += points;
    this.checkpoint.latePoints += points;
  }

  private record(skip: Skip): void {
    this.checkpoint.skipped.points += skip.points;
    this.checkpoint.skipped.last = skip;
    this.result.skipped.push(skip);
  }

  private async saveNow(): Promise<void> {
    this.signal?.throwIfAborted();
    await this.save();
  }
}

/** The end of the series' last interval with a value in `chunk`, or null without one. */
function endOfLast(series: ScoredSeries, chunk: TimeRange, interval: number): number | null {
  for (let i = series.time.length - 1; i >= 0; i--) {
    const time = series.time[i]!;
    if (time >= chunk.from && time < chunk.to && (series.value[i] ?? null) !== null) return time + interval;
  }
  return null;
}
