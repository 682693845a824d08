import { randomBytes } from 'node:crypto';
import {
  type Backtest,
  backtestSchema,
  type ParsedBacktestRequest,
  parseDuration,
  thresholdOf,
} from '@tidemark/core';
import type { OrgAccess } from '../access/org-access';
import { scoreInChunks } from '../continuous/runner';
import { limitProblem, ProblemError } from '../http/problem';
import type { Logger } from '../log';
import type { ScoringService } from '../scoring/score-service';
import type { MaintenanceService } from '../steering/maintenance';
import type { MarkService } from '../steering/marks';
import { steeringFor } from '../steering/steering';
import type { StateStore } from '../store';
import { SeriesColumns, summarize } from './summary';

export interface BacktestServiceOptions {
  store: StateStore;
  access: OrgAccess;
  scoring: ScoringService;
  marks: MarkService;
  maintenance: MaintenanceService;
  logger: Logger;
  /** Backtests running at once on this replica (MAX_CONCURRENT_TRAININGS). */
  maxConcurrent: number;
  maxPoints: number;
  now?: () => number;
}

/** Finished backtests kept per org (the oldest go first). */
export const KEEP_BACKTESTS = 50;
const ACTIVE = new Set(['queued', 'running']);
const PROGRESS_WRITE_INTERVAL_MS = 1_000;

const newBacktestId = () => `bt-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

/**
 * Backtests: a detector definition scored over a past range exactly as the continuous detector
 * scores (`scoreInChunks`, with its marks and maintenance windows), writing nothing, as jobs
 * stored with their progress and result. Cancel is seen between chunks, from any replica.
 */
export class BacktestService {
  private readonly backtests;
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private stopping = false;

  constructor(private readonly options: BacktestServiceOptions) {
    this.backtests = options.store.collection('backtests', backtestSchema);
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  async get(orgId: number, id: string): Promise<Backtest> {
    const backtest = await this.backtests.get(orgId, id);
    if (!backtest) throw notFound(id);
    return backtest;
  }

  /** Newest first, without their results. */
  async list(orgId: number): Promise<Array<Omit<Backtest, 'result'>>> {
    return (await this.backtests.list(orgId))
      .sort((a, b) => b.createdAt - a.createdAt)
      .map(({ result: _result, ...rest }) => rest);
  }

  async submit(orgId: number, request: ParsedBacktestRequest, createdBy: string | null): Promise<Backtest> {
    if (this.stopping)
      throw new ProblemError({
        status: 503,
        slug: 'internal',
        title: 'Shutting down',
        detail: 'The scorer is shutting down; retry in a moment.',
      });
    if (this.active.size >= this.options.maxConcurrent)
      throw new ProblemError({
        status: 429,
        slug: 'too-many-trainings',
        title: 'Too many backtests',
        detail: `${this.active.size} backtests are running, the limit MAX_CONCURRENT_TRAININGS (${this.options.maxConcurrent}). Retry when one finishes (see GET /api/v1/backtests).`,
        headers: { 'retry-after': '30' },
      });
    this.options.access.client(orgId, request.definition.query.database); // refused now, not as a failed job
    const interval = parseDuration(request.definition.interval);
    const intervals = Math.ceil((request.range.to - request.range.from) / interval);
    if (intervals > this.options.maxPoints)
      throw limitProblem(
        `The backtest range holds ${intervals} intervals per series, more than MAX_POINTS (${this.options.maxPoints}). Use a larger interval or a shorter range.`,
      );
    const id = newBacktestId();
    const backtest = await this.backtests.put(orgId, id, {
      id,
      kind: 'backtest',
      status: 'queued',
      progress: 0,
      message: 'Starting',
      createdAt: this.now(),
      startedAt: null,
      finishedAt: null,
      createdBy,
      cancelRequested: false,
      request,
      result: null,
    });
    const controller = new AbortController();
    const done = this.run(orgId, backtest, controller.signal).finally(() =>
      this.active.delete(`${orgId}/${id}`),
    );
    this.active.set(`${orgId}/${id}`, { controller, done });
    return backtest;
  }

  /** Asks a queued or running backtest to stop (409 once it finished); it ends `cancelled`. */
  async cancel(orgId: number, id: string): Promise<Backtest> {
    const updated = await this.backtests.update(orgId, id, (current) => {
      if (!current) throw notFound(id);
      if (!ACTIVE.has(current.status))
        throw new ProblemError({
          status: 409,
          slug: 'conflict',
          title: 'Conflict',
          detail: `Backtest "${id}" has already ${current.status}; there is nothing to cancel.`,
        });
      return { ...current, cancelRequested: true, message: 'Cancelling' };
    });
    this.active.get(`${orgId}/${id}`)?.controller.abort(new Cancelled('cancelled'));
    await this.active.get(`${orgId}/${id}`)?.done;
    return (await this.backtests.get(orgId, id)) ?? updated!;
  }

  /** Backtests a previous process left running cannot resume (their state was in memory): failed. */
  async failInterrupted(orgIds: number[]): Promise<void> {
    for (const orgId of orgIds)
      for (const backtest of await this.backtests.list(orgId))
        if (ACTIVE.has(backtest.status) && !this.active.has(`${orgId}/${backtest.id}`))
          await this.finish(orgId, backtest.id, 'failed', 'Interrupted by a restart: run it again.');
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const { controller } of this.active.values()) controller.abort(new Error('scorer shutting down'));
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  /** Ends a backtest; one asked to cancel (maybe on another replica) ends cancelled, without a result. */
  private async finish(
    orgId: number,
    id: string,
    status: Backtest['status'],
    message: string,
    patch: Partial<Backtest> = {},
  ) {
    await this.backtests.update(orgId, id, (current) => {
      if (!current) return undefined;
      if (current.cancelRequested && status === 'succeeded')
        return { ...current, status: 'cancelled', message: 'Cancelled', finishedAt: this.now() };
      return { ...current, ...patch, status, message, finishedAt: this.now() };
    });
  }

  private async run(orgId: number, backtest: Backtest, signal: AbortSignal): Promise<void> {
    const { scoring, logger } = this.options;
    const { definition, range } = backtest.request;
    const interval = parseDuration(definition.interval);
    const aligned = {
      from: Math.floor(range.from / interval) * interval,
      to: Math.floor(range.to / interval) * interval,
    };
    const update = (patch: Partial<Backtest>) =>
      this.backtests.update(orgId, backtest.id, (current) =>
        current ? { ...current, ...patch } : undefined,
      );
    try {
      await update({
        status: 'running',
        startedAt: this.now(),
        message: 'Reading marks and maintenance windows',
      });
      const steering = await steeringFor(this.options, orgId, definition.id);
      const columns = new Map<string, SeriesColumns>();
      let lastWrite = 0;
      await scoreInChunks(
        scoring,
        orgId,
        definition,
        aligned,
        { signal, steering },
        async (chunk, series, index, count) => {
          for (const one of series) {
            const kept = columns.get(one.name) ?? new SeriesColumns(one);
            columns.set(one.name, kept);
            kept.append(one, chunk.from, chunk.to);
          }
          if (index + 1 < count && this.now() - lastWrite >= PROGRESS_WRITE_INTERVAL_MS) {
            lastWrite = this.now();
            const current = await update({
              progress: (index + 1) / count,
              message: `Scored up to ${new Date(chunk.to).toISOString()} (${index + 1}/${count})`,
            });
            if (current?.cancelRequested) throw new Cancelled('cancelled');
          } else if ((await this.backtests.get(orgId, backtest.id))?.cancelRequested) {
            throw new Cancelled('cancelled');
          }
        },
      );
      const marks = await this.options.marks.list(orgId, {
        detector: definition.id,
        from: aligned.from,
        to: aligned.to,
      });
      const result = summarize(
        [...columns.values()].sort((a, b) => a.series.name.localeCompare(b.series.name)),
        (one) =>
          (steering?.forSeries(one.name, one.tags, aligned.from, aligned.to).maintenance ?? []).map((p) => ({
            window: 'maintenance',
            ...p,
          })),
        marks,
        aligned,
        interval,
        thresholdOf(definition.detector.params),
        backtest.request.includePoints,
      );
      signal.throwIfAborted(); // cancelled while the last chunk was scored
      const regions = result.series.reduce((n, s) => n + s.regions.length, 0);
      await this.finish(
        orgId,
        backtest.id,
        'succeeded',
        `Scored ${result.series.length} series: ${regions} flagged regions`,
        {
          progress: 1,
          result,
        },
      );
    } catch (error) {
      const cancelled = error instanceof Cancelled || signal.reason instanceof Cancelled;
      if (cancelled) return this.finish(orgId, backtest.id, 'cancelled', 'Cancelled').catch(() => undefined);
      const message = this.stopping
        ? 'Interrupted by a restart: run it again.'
        : error instanceof ProblemError
          ? error.problem.detail
          : error instanceof Error
            ? error.message
            : String(error);
      if (!this.stopping) logger.warn('backtest failed', { orgId, backtestId: backtest.id, error });
      await this.finish(orgId, backtest.id, 'failed', message).catch(() => undefined);
    } finally {
      await this.prune(orgId).catch(() => undefined);
    }
  }

  /** Keeps the newest KEEP_BACKTESTS finished backtests of the org. */
  private async prune(orgId: number): Promise<void> {
    const finished = (await this.backtests.list(orgId))
      .filter((b) => !ACTIVE.has(b.status))
      .sort((a, b) => b.createdAt - a.createdAt);
    for (const old of finished.slice(KEEP_BACKTESTS)) await this.backtests.delete(orgId, old.id);
  }
}

const notFound = (id: string) =>
  new ProblemError({
    status: 404,
    slug: 'not-found',
    title: 'Not found',
    detail: `There is no backtest "${id}" in this org.`,
  });
