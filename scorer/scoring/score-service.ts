import {
  CONTRACT_VERSION,
  type DetectorSpec,
  isDerivative,
  type Notice,
  type ParsedScoreRequest,
  type Points,
  type ScoredSeries,
  type ScoreResponse,
  type TagFilter,
  type TimeRange,
} from '@tidemark/core';
import { MIN_HISTORY_POINTS, type TrainedModel } from '@tidemark/core/engine';
import type { OrgAccess } from '../access/org-access';
import { limitProblem } from '../http/problem';
import { sortedTagEntries } from '../influx';
import { type ReadSeries, readSeries } from '../influx/series-query';
import {
  clearMaintenanceFlags,
  type SeriesSteering,
  type Steering,
  withoutExcluded,
} from '../steering/steering';
import type { ModelRecord, ModelRegistry } from '../store';
import { anchorSpanMs, segmentsOf } from './anchors';
import { type Engine, localEngine } from './engine-pool';
import { checkGroupByKeys, explainEmpty } from './explain-empty';
import { FitCache } from './fit-cache';
import { modelLookbackMs, planHistory } from './history';
import { joinSegments, uniqueNotices } from './join-segments';
import { ModelCache } from './model-cache';
import { pointsBetween } from './points-range';
import type { ReadCache } from './read-cache';
import { queryKey, seriesKey, seriesName } from './series-identity';
import { tooManySeries } from './series-limit';

export interface ScoringLimits {
  maxPoints: number;
  maxSeries: number;
}

/** Starts training a model in the background; resolves to the job id, or null if it cannot start now. */
export type BackgroundTrainer = (
  orgId: number,
  request: {
    query: ParsedScoreRequest['query'];
    range: { from: number; to: number };
    intervalMs: number;
    detector: DetectorSpec;
  },
) => Promise<string | null>;

export interface ScoringDeps {
  /** Every read is for an org: its databases and credentials. */
  access: OrgAccess;
  models: ModelRegistry;
  limits: ScoringLimits;
  trainInBackground?: BackgroundTrainer;
  /** Fits the scorer made itself, reused across requests (one per process by default). */
  fitCache?: FitCache;
  /** Decoded stored models (one per process by default). */
  modelCache?: ModelCache;
  /** Queries one large read is split into, run at once (see `readSeries`); default 1. */
  readParts?: number;
  /** Where series are fitted and scored (an engine worker pool); default this thread. */
  engine?: Engine;
  /** Points kept between continuous runs (see `ScoreOptions.settledBefore`); none by default. */
  readCache?: ReadCache;
}

/** The parts of a score request whose time is reported (Server-Timing, metrics). */
export type ScoreStage = 'influx' | 'engine';

export interface ScoreOptions {
  signal?: AbortSignal;
  /** Called once per stage with the milliseconds it took (all series together). */
  onStage?: (stage: ScoreStage, ms: number) => void;
  /**
   * More `=` filters for the InfluxDB reads only (a scale-out partition's series): the series
   * keep the query's identity, so its stored models and fits still apply.
   */
  narrow?: TagFilter[];
  /**
   * More series than MAX_SERIES: score the first MAX_SERIES (by tag values) and say so in a
   * notice (a panel), instead of refusing the request (the default: a continuous detector must
   * not drop series).
   */
  capSeries?: boolean;
  /**
   * Marks and maintenance windows of the continuous detector scoring on whose behalf (continuous
   * runs, backtests): see docs/scoring.md, "Marks and maintenance windows".
   */
  steering?: Steering | null;
  /**
   * A continuous run: points before this time (the start of its late window) are final for it,
   * so they may come from the points kept since its last read (`ScoringDeps.readCache`).
   */
  settledBefore?: number;
}

export interface ScoringService {
  score(orgId: number, request: ParsedScoreRequest, options?: ScoreOptions): Promise<ScoreResponse>;
}

/** The first `max` series in tag order; a warning notice when that leaves some out. */
function firstSeries(read: ReadSeries[], max: number, notices: Notice[]): ReadSeries[] {
  if (read.length <= max) return read;
  notices.push(seriesCappedNotice(read.length, max));
  return [...read].sort((a, b) => compareText(tagsId(a.tags), tagsId(b.tags))).slice(0, max);
}

export function seriesCappedNotice(found: number, max: number): Notice {
  return {
    severity: 'warning',
    text: `The query returns ${found} series; only the first ${max} (in tag-value order) were scored, as MAX_SERIES is ${max}. Add tag filters, narrow a regex or select fewer variable values to see the others.`,
  };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function tooManyPoints(points: number, limit: number, fix: string) {
  return limitProblem(
    `The request needs ${points} points per series, more than MAX_POINTS (${limit}). ${fix}`,
  );
}

/** Models stored for this query and detector, and the ones trained at the request's interval. */
async function modelsFor(deps: ScoringDeps, orgId: number, request: ParsedScoreRequest) {
  const key = queryKey(request.query, request.detector.id);
  const all = (await deps.models.list(orgId)).filter((m) => m.labels.queryKey === key);
  const usable = all.filter((m) => m.labels.intervalMs === request.intervalMs);
  const notices: Notice[] = [];
  const other = all.find((m) => m.labels.intervalMs !== request.intervalMs);
  if (usable.length === 0 && other) {
    notices.push({
      severity: 'info',
      text: `A trained model exists for an interval of ${other.labels.intervalMs} ms, not ${request.intervalMs} ms: set the panel's min interval to use it. Trained on the history instead.`,
    });
  }
  return { usable, notices };
}

/** The fit-cache key prefix shared by every series of one request's query (and its steering). */
function fitPrefix(
  orgId: number,
  request: ParsedScoreRequest,
  steering: Steering | null | undefined,
): string {
  const { id, params } = request.detector;
  const steered = steering ? `${steering.fingerprint}|` : '';
  return `${orgId}|${request.intervalMs}|${JSON.stringify(params)}|${queryKey(request.query, id)}|${steered}`;
}

const tagsId = (tags: Record<string, string>) => JSON.stringify(sortedTagEntries(tags));

/** One series as read, and the history a fit at an anchor learns from. */
interface SeriesRead {
  tags: Record<string, string>;
  points: Points;
  /** The points in [anchor − history, anchor), whether or not the read reached back that far. */
  historyBefore(anchor: number): Promise<Points>;
}

export function createScoringService(deps: ScoringDeps): ScoringService {
  const cache = deps.modelCache ?? new ModelCache(deps.models);
  const fits = deps.fitCache ?? new FitCache();
  const engine: Engine = deps.engine ?? localEngine;

  /** The fit at `anchor`: kept, or learned now from the history before it; null with too little. */
  async function fitAt(
    key: string,
    anchor: number,
    detector: DetectorSpec,
    intervalMs: number,
    read: SeriesRead,
    signal: AbortSignal | undefined,
    steer: SeriesSteering | null,
  ): Promise<TrainedModel | null> {
    const kept = fits.get(key, anchor);
    if (kept) return kept.model;
    const raw = await read.historyBefore(anchor);
    const history = steer ? withoutExcluded(raw, steer.excluded) : raw;
    if (history.filter(([, value]) => value !== null).length < MIN_HISTORY_POINTS) return null;
    const normal = steer?.normal.map((p) => [p.from, p.to] as const) ?? [];
    // a request waits for this fit: an ensemble's LSTM joins only models trained ahead (jobs)
    const model = await engine.trainModel(history, {
      detector,
      intervalMs,
      quickFit: true,
      ...(normal.length > 0 ? { normal } : {}),
      ...(signal ? { signal } : {}),
    });
    fits.put(key, model);
    return model;
  }

  /**
   * One series over the range, span by span (see `segmentsOf`): each span is scored from its
   * anchor on with one model, stored or fitted on the history before the anchor. So a point
   * scores the same in every range holding it, and as a continuous detector wrote it.
   */
  async function scoreOne(
    orgId: number,
    request: ParsedScoreRequest,
    read: SeriesRead,
    record: ModelRecord | undefined,
    historyMs: number,
    signal: AbortSignal | undefined,
    steering: Steering | null | undefined,
  ): Promise<ScoredSeries | null> {
    const { intervalMs } = request;
    const base = {
      intervalMs,
      name: seriesName(request.query, read.tags),
      tags: read.tags,
    };
    const stored = record ? await cache.load(orgId, record) : null;
    // The LSTM trains in the background; until then the robust baseline answers, and says so.
    const fallbackToRobust = !stored && request.detector.id === 'lstm';
    const detector: DetectorSpec = stored
      ? { id: stored.detector, params: request.detector.params }
      : fallbackToRobust
        ? { id: 'robust', params: request.detector.params }
        : request.detector;
    const key = seriesKey(request.query, read.tags, request.detector.id);
    const span = anchorSpanMs(intervalMs).name;
    // From the earliest history any span's fit may read to the end of the range.
    const steerFrom = request.range.from - anchorSpanMs(intervalMs).spanMs - historyMs;
    const steer = steering?.forSeries(base.name, read.tags, steerFrom, request.range.to) ?? null;
    const parts: ScoredSeries[] = [];
    const learnedBefore: number[] = [];
    const notices: Notice[] = [];
    for (const segment of segmentsOf(request.range, intervalMs)) {
      if (pointsBetween(read.points, segment.from, segment.to).length === 0) continue;
      const fitKey = `${fitPrefix(orgId, request, steering)}${segment.anchor}|${key}`;
      const model =
        stored ?? (await fitAt(fitKey, segment.anchor, detector, intervalMs, read, signal, steer));
      if (!model) {
        const scored = await engine.scoreSeries(pointsBetween(read.points, segment.anchor, segment.to), {
          ...base,
          detector,
          reportFrom: segment.from,
        });
        parts.push(scored.series);
        notices.push({
          severity: 'info',
          text: `Too little history before ${new Date(segment.anchor).toISOString()} to learn from: learned from the data since, so these scores can change until the next ${span} starts.`,
        });
        continue;
      }
      const lookbackMs = modelLookbackMs(model.period, intervalMs, historyMs);
      const points = pointsBetween(read.points, segment.anchor - lookbackMs, segment.to);
      const scored = await engine.scoreSeries(points, {
        ...base,
        detector,
        model,
        scoreFrom: segment.anchor,
        reportFrom: segment.from,
      });
      parts.push(scored.series);
      learnedBefore.push(segment.anchor);
    }
    if (parts.length === 0) return null;
    if (stored) {
      notices.push({
        severity: 'info',
        text: `Scored with trained model ${record!.id} (version ${record!.currentVersion}).`,
      });
    } else if (learnedBefore.length > 0) {
      const when = learnedBefore.map((anchor) => new Date(anchor).toISOString()).join(', ');
      notices.push({
        severity: 'info',
        text: `Scored with what was learned from the data before the start of each UTC ${span} (${when}), so a point's score is the same in every time range.`,
      });
    }
    if (fallbackToRobust) {
      const job = await deps.trainInBackground?.(orgId, {
        query: request.query,
        range: { from: read.points[0]?.[0] ?? request.range.from, to: request.range.from },
        intervalMs,
        detector: request.detector,
      });
      notices.push({
        severity: 'info',
        text: job
          ? `The LSTM model is training in the background (job ${job}); showing the robust baseline until it is ready.`
          : 'No trained LSTM model for this series and training cannot start now; showing the robust baseline. Train one with POST /api/v1/models.',
      });
    }
    const series = joinSegments(parts);
    if (steer && clearMaintenanceFlags(series, steer.maintenance) > 0)
      notices.push({
        severity: 'info',
        text: 'Points inside a maintenance window are not flagged (and were not learned from).',
      });
    series.notices = uniqueNotices([...series.notices, ...notices]);
    return series;
  }

  return {
    async score(
      orgId,
      request,
      { signal, onStage, narrow, capSeries = false, steering, settledBefore } = {},
    ) {
      const { range, intervalMs, query } = request;
      const readQuery = narrow ? { ...query, tags: [...query.tags, ...narrow] } : query;
      const influx = deps.access.client(orgId, query.database);
      const rangePoints = Math.ceil((range.to - range.from) / intervalMs);
      if (rangePoints > deps.limits.maxPoints) {
        throw tooManyPoints(
          rangePoints,
          deps.limits.maxPoints,
          'Use a larger interval or a shorter time range.',
        );
      }
      const { usable, notices } = await modelsFor(deps, orgId, request);
      const history = planHistory(request.detector.params, intervalMs, deps.limits.maxPoints);
      const segments = segmentsOf(range, intervalMs);
      const prefix = fitPrefix(orgId, request, steering);
      // Stored models, or fits kept for every span, need only their lookback; a fit needs history.
      const keptFits = segments.map((s) => fits.withPrefix(`${prefix}${s.anchor}|`, s.anchor));
      const period = Math.max(
        usable.reduce((p, m) => Math.max(p, Number(m.labels.period ?? 0)), 0),
        ...keptFits.flat().map((fit) => fit.model.period ?? 0),
      );
      const lookbackOnly = usable.length > 0 || keptFits.every((kept) => kept.length > 0);
      const readMs = lookbackOnly
        ? modelLookbackMs(period || null, intervalMs, history.historyMs)
        : history.historyMs;
      const readFrom = segments[0]!.anchor - readMs;
      const readPoints = Math.ceil((range.to - readFrom) / intervalMs);
      if (readPoints > deps.limits.maxPoints) {
        throw tooManyPoints(
          readPoints,
          deps.limits.maxPoints,
          `Use a larger interval or a shorter time range: scoring starts at the start of the range's first UTC ${anchorSpanMs(intervalMs).name}, after ${history.historyMs / intervalMs} intervals of history.`,
        );
      }
      const readOptions = { parts: deps.readParts ?? 1, ...(signal ? { signal } : {}) };
      const readStarted = performance.now();
      const readRange = (part: TimeRange) => readSeries(influx, readQuery, part, intervalMs, readOptions);
      // A derivative's first interval needs the one before: such reads are not pieced together.
      const allRead =
        deps.readCache && settledBefore !== undefined && !isDerivative(query.aggregation)
          ? await deps.readCache.read(
              `${orgId}|${intervalMs}|${JSON.stringify(readQuery)}`,
              { from: readFrom, to: range.to },
              settledBefore,
              readRange,
            )
          : await readRange({ from: readFrom, to: range.to });
      const read = capSeries ? firstSeries(allRead, deps.limits.maxSeries, notices) : allRead;
      await checkGroupByKeys(influx, query, read, signal);
      const mainReadMs = performance.now() - readStarted;
      let influxMs = mainReadMs;
      // Only worth saying when the data reaches back as far as what was read.
      const earliest = Math.min(...read.map((one) => one.points[0]?.[0] ?? Number.POSITIVE_INFINITY));
      if (!lookbackOnly && history.shortenedFrom !== null && earliest < readFrom + intervalMs) {
        notices.push({
          severity: 'info',
          text: `Learned from the last ${Math.round(history.historyMs / intervalMs)} intervals before each ${anchorSpanMs(intervalMs).name}, not the ${history.shortenedFrom} the training window asks for (point limits).`,
        });
      }
      if (read.length > deps.limits.maxSeries) {
        throw tooManySeries(read.length, deps.limits.maxSeries);
      }
      // History the read did not reach back to (no fit kept for some series): one read per anchor.
      const extraHistory = new Map<number, Promise<Map<string, Points>>>();
      const historyOf = (anchor: number, one: ReadSeries): Promise<Points> => {
        const from = anchor - history.historyMs;
        if (from >= readFrom) return Promise.resolve(pointsBetween(one.points, from, anchor));
        let all = extraHistory.get(anchor);
        if (!all) {
          const started = performance.now();
          all = readSeries(influx, readQuery, { from, to: anchor }, intervalMs, readOptions).then(
            (series) => {
              influxMs += performance.now() - started;
              return new Map(series.map((s) => [tagsId(s.tags), s.points]));
            },
          );
          extraHistory.set(anchor, all);
        }
        return all.then((byTags) => byTags.get(tagsId(one.tags)) ?? []);
      };
      const series: ScoredSeries[] = [];
      const engineStarted = performance.now();
      // The first usable model per series key (the registry's order), looked up once per series.
      const modelByKey = new Map<string, ModelRecord>();
      for (const m of usable) if (!modelByKey.has(m.key)) modelByKey.set(m.key, m);
      for (const one of read) {
        if (one.points.length === 0) continue;
        const model = modelByKey.get(seriesKey(query, one.tags, request.detector.id));
        const seriesRead = { ...one, historyBefore: (anchor: number) => historyOf(anchor, one) };
        const scored = await scoreOne(orgId, request, seriesRead, model, history.historyMs, signal, steering);
        if (scored) series.push(scored);
      }
      onStage?.('influx', influxMs);
      onStage?.('engine', performance.now() - engineStarted - (influxMs - mainReadMs));
      if (series.length === 0) {
        await explainEmpty(influx, query, signal);
        notices.push({
          severity: 'warning',
          text: 'No data: InfluxDB returned no points for this query and range.',
        });
      }
      return { contractVersion: CONTRACT_VERSION, series, notices };
    },
  };
}
