import {
  CONTRACT_VERSION,
  type DetectorSpec,
  type Notice,
  type ParsedScoreRequest,
  type Points,
  type ScoredSeries,
  type ScoreResponse,
} from '@tidemark/core';
import { type MemberOffload, scoreSeries, type TrainedModel } from '@tidemark/core/engine';
import { limitProblem } from '../http/problem';
import type { InfluxClient } from '../influx';
import { readSeries } from '../influx/series-query';
import type { ModelRecord, ModelRegistry } from '../store';
import { explainEmpty } from './explain-empty';
import { FitCache } from './fit-cache';
import { modelLookbackMs, planHistory } from './history';
import { ModelCache } from './model-cache';
import { queryKey, seriesKey, seriesName } from './series-identity';

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
  influx: InfluxClient;
  models: ModelRegistry;
  limits: ScoringLimits;
  trainInBackground?: BackgroundTrainer;
  /** Fits the scorer made itself, reused across requests (one per process by default). */
  fitCache?: FitCache;
  /** Queries one large read is split into, run at once (see `readSeries`); default 1. */
  readParts?: number;
  /** Where ensemble members scored beside the band's run (a worker pool); default this thread. */
  offload?: MemberOffload;
}

/** The parts of a score request whose time is reported (Server-Timing, metrics). */
export type ScoreStage = 'influx' | 'engine';

export interface ScoreOptions {
  signal?: AbortSignal;
  /** Called once per stage with the milliseconds it took (all series together). */
  onStage?: (stage: ScoreStage, ms: number) => void;
}

export interface ScoringService {
  score(orgId: number, request: ParsedScoreRequest, options?: ScoreOptions): Promise<ScoreResponse>;
}

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

/** The fit-cache key prefix shared by every series of one request's query. */
function fitPrefix(orgId: number, request: ParsedScoreRequest): string {
  const { id, params } = request.detector;
  return `${orgId}|${request.intervalMs}|${JSON.stringify(params)}|${queryKey(request.query, id)}|`;
}

export function createScoringService(deps: ScoringDeps): ScoringService {
  const cache = new ModelCache(deps.models);
  const fits = deps.fitCache ?? new FitCache();

  async function scoreOne(
    orgId: number,
    request: ParsedScoreRequest,
    tags: Record<string, string>,
    points: Points,
    model: ModelRecord | undefined,
  ): Promise<ScoredSeries> {
    const name = seriesName(request.query, tags);
    const base = {
      intervalMs: request.intervalMs,
      scoreFrom: request.range.from,
      name,
      tags,
      ...(deps.offload ? { offload: deps.offload } : {}),
    };
    const trained: TrainedModel | null = model ? await cache.load(orgId, model) : null;
    if (trained) {
      const detector = { id: trained.detector, params: request.detector.params };
      const scored = (await scoreSeries(points, { ...base, detector, model: trained })).series;
      scored.notices.push({
        severity: 'info',
        text: `Scored with trained model ${model!.id} (version ${model!.currentVersion}).`,
      });
      return scored;
    }
    if (request.detector.id !== 'lstm') {
      const fitKey = fitPrefix(orgId, request) + seriesKey(request.query, tags, request.detector.id);
      const cached = fits.get(fitKey, request.range.from);
      if (cached) {
        const scored = (
          await scoreSeries(points, { ...base, detector: request.detector, model: cached.model })
        ).series;
        const learned = new Date(cached.fittedAt).toISOString();
        scored.notices.push({
          severity: 'info',
          text: `Scored with what was learned at ${learned} from the data before then (relearned hourly).`,
        });
        return scored;
      }
      const fitted = await scoreSeries(points, { ...base, detector: request.detector });
      // A fit that learned from the range itself (too little history) would look ahead: not reused.
      if (fitted.model && fitted.model.trainedTo < request.range.from) fits.put(fitKey, fitted.model);
      return fitted.series;
    }
    // The LSTM trains in the background; until then the robust baseline answers, and says so.
    const job = await deps.trainInBackground?.(orgId, {
      query: request.query,
      range: { from: points[0]?.[0] ?? request.range.from, to: request.range.from },
      intervalMs: request.intervalMs,
      detector: request.detector,
    });
    const fallback = await scoreSeries(points, {
      ...base,
      detector: { id: 'robust', params: request.detector.params },
    });
    const text = job
      ? `The LSTM model is training in the background (job ${job}); showing the robust baseline until it is ready.`
      : 'No trained LSTM model for this series and training cannot start now; showing the robust baseline. Train one with POST /api/v1/models.';
    fallback.series.notices.push({ severity: 'info', text });
    return fallback.series;
  }

  return {
    async score(orgId, request, { signal, onStage } = {}) {
      const { range, intervalMs, query } = request;
      const rangePoints = Math.ceil((range.to - range.from) / intervalMs);
      if (rangePoints > deps.limits.maxPoints) {
        throw tooManyPoints(
          rangePoints,
          deps.limits.maxPoints,
          'Use a larger interval or a shorter time range.',
        );
      }
      const { usable, notices } = await modelsFor(deps, orgId, request);
      const history = planHistory(request.detector.params, intervalMs, rangePoints, deps.limits.maxPoints);
      const cachedFits = usable.length === 0 ? fits.withPrefix(fitPrefix(orgId, request), range.from) : [];
      const period = Math.max(
        usable.reduce((p, m) => Math.max(p, Number(m.labels.period ?? 0)), 0),
        cachedFits.reduce((p, fit) => Math.max(p, fit.model.period ?? 0), 0),
      );
      const historyMs =
        usable.length > 0 || cachedFits.length > 0
          ? modelLookbackMs(period || null, intervalMs, history.historyMs)
          : history.historyMs;
      const readStarted = performance.now();
      const read = await readSeries(
        deps.influx,
        query,
        { from: range.from - historyMs, to: range.to },
        intervalMs,
        { parts: deps.readParts ?? 1, ...(signal ? { signal } : {}) },
      );
      onStage?.('influx', performance.now() - readStarted);
      // Only worth saying when the data reaches back as far as what was read.
      const earliest = Math.min(...read.map((one) => one.points[0]?.[0] ?? Number.POSITIVE_INFINITY));
      if (
        usable.length === 0 &&
        cachedFits.length === 0 &&
        history.shortenedFrom !== null &&
        earliest < range.from - historyMs + intervalMs
      ) {
        notices.push({
          severity: 'info',
          text: `Learned from the last ${Math.round(historyMs / intervalMs)} intervals before the range, not the ${history.shortenedFrom} the training window asks for (point limits).`,
        });
      }
      if (read.length > deps.limits.maxSeries) {
        throw limitProblem(
          `The query returns ${read.length} series, more than MAX_SERIES (${deps.limits.maxSeries}). Add tag filters or group by fewer tags.`,
        );
      }
      const series: ScoredSeries[] = [];
      const engineStarted = performance.now();
      for (const one of read) {
        if (one.points.length === 0) continue;
        const model = usable.find((m) => m.key === seriesKey(query, one.tags, request.detector.id));
        series.push(await scoreOne(orgId, request, one.tags, one.points, model));
      }
      onStage?.('engine', performance.now() - engineStarted);
      if (series.length === 0) {
        await explainEmpty(deps.influx, query, signal);
        notices.push({
          severity: 'warning',
          text: 'No data: InfluxDB returned no points for this query and range.',
        });
      }
      return { contractVersion: CONTRACT_VERSION, series, notices };
    },
  };
}
