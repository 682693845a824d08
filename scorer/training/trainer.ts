import { randomBytes } from 'node:crypto';
import { type Job, type JobFit, jobSchema, type ParsedTrainRequest } from '@tidemark/core';
import { type FitProgress, trainModel } from '@tidemark/core/engine';
import type { OrgAccess } from '../access/org-access';
import { limitProblem, ProblemError } from '../http/problem';
import { readSeries } from '../influx/series-query';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Engine } from '../scoring/engine-pool';
import { checkGroupByKeys } from '../scoring/explain-empty';
import { queryKey, seriesName } from '../scoring/series-identity';
import { checkSeriesLimit, tooManySeries } from '../scoring/series-limit';
import type { StateStore } from '../store';
import { saveSeriesModel } from './save-model';
import type { QueuedTraining, TrainingQueue } from './training-queue';

export interface TrainerOptions {
  store: StateStore;
  access: OrgAccess;
  logger: Logger;
  metrics?: Metrics;
  maxConcurrent: number;
  maxPoints: number;
  maxSeries: number;
  /** Where models are trained (an engine worker pool); default this thread. */
  engine?: Pick<Engine, 'trainModel'>;
  /** Scale-out: jobs go to this queue, which every replica works off (see `startQueue`). */
  queue?: TrainingQueue;
  now?: () => number;
}

/** What to do when MAX_CONCURRENT_TRAININGS jobs are already running. */
export type WhenBusy = 'reject' | 'skip' | 'queue';

const ACTIVE = new Set(['queued', 'running']);
const PROGRESS_WRITE_INTERVAL_MS = 1_000;
const BACKGROUND_RETRY_AFTER_MS = 10 * 60_000;
/** Scale-out: jobs that may wait in the queue, per allowed concurrent training (429 beyond). */
export const QUEUED_PER_SLOT = 10;

/** Why a cancelled job's signal was aborted. */
class JobCancelled extends Error {
  override readonly name = 'JobCancelled';
}

const newJobId = () => `job-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/**
 * Runs training jobs: at most `maxConcurrent` at once, each persisted (with progress) in the
 * state store, so jobs interrupted by a restart are run again by `resume`. With a `queue`
 * (scale-out) the cap is cluster-wide, jobs beyond it wait in the queue, and whichever replica
 * has a slot runs them.
 */
export class Trainer {
  readonly jobs;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly active = new Map<
    string,
    { controller: AbortController; done: Promise<void>; queryKey: string }
  >();
  private readonly failedAt = new Map<string, number>();
  private stopping = false;

  constructor(private readonly options: TrainerOptions) {
    this.jobs = options.store.collection('jobs', jobSchema);
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  get runningCount(): number {
    return this.running;
  }

  async get(orgId: number, id: string): Promise<Job | null> {
    return this.jobs.get(orgId, id);
  }

  async list(orgId: number): Promise<Job[]> {
    return (await this.jobs.list(orgId)).sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * Stops a queued or running job (409 once it finished): it ends `cancelled` and stores nothing
   * more. Scaled out, a job waiting in the queue is skipped when a replica takes it.
   */
  async cancel(orgId: number, id: string): Promise<Job> {
    const updated = await this.jobs.update(orgId, id, (current) => {
      if (!current)
        throw new ProblemError({
          status: 404,
          slug: 'not-found',
          title: 'Not found',
          detail: `There is no job "${id}" in this org.`,
        });
      if (!ACTIVE.has(current.status))
        throw new ProblemError({
          status: 409,
          slug: 'conflict',
          title: 'Conflict',
          detail: `Job "${id}" has already ${current.status}; there is nothing to cancel.`,
        });
      return { ...current, cancelRequested: true, message: 'Cancelling' };
    });
    const active = this.active.get(`${orgId}/${id}`);
    if (active) {
      active.controller.abort(new JobCancelled('cancelled'));
      await active.done;
    } else if (!this.options.queue) {
      await this.markCancelled(orgId, id);
    }
    return (await this.jobs.get(orgId, id)) ?? updated!;
  }

  private markCancelled(orgId: number, id: string) {
    return this.jobs.update(orgId, id, (current) =>
      current && ACTIVE.has(current.status)
        ? { ...current, status: 'cancelled', finishedAt: this.now(), message: 'Cancelled' }
        : undefined,
    );
  }

  /** Creates and starts a job; `whenBusy` decides between a 429, null, or waiting for a slot. */
  async submit(
    orgId: number,
    request: ParsedTrainRequest,
    createdBy: string | null,
    whenBusy: WhenBusy = 'reject',
  ): Promise<Job | null> {
    if (this.stopping)
      throw new ProblemError({
        status: 503,
        slug: 'internal',
        title: 'Shutting down',
        detail: 'The scorer is shutting down; retry in a moment.',
      });
    if (!(await this.hasRoom(whenBusy))) return null;
    const influx = this.options.access.client(orgId, request.query.database); // refused now, not as a failed job
    const rangePoints = Math.ceil((request.range.to - request.range.from) / request.intervalMs);
    if (rangePoints > this.options.maxPoints) {
      throw limitProblem(
        `The training range holds ${rangePoints} intervals per series, more than MAX_POINTS (${this.options.maxPoints}). Use a larger interval or a shorter range.`,
      );
    }
    await checkSeriesLimit(influx, request.query, request.range, this.options.maxSeries);
    const id = newJobId();
    const job = await this.jobs.put(orgId, id, {
      id,
      kind: 'train',
      status: 'queued',
      progress: 0,
      message: 'Waiting for a training slot',
      fit: null,
      createdAt: this.now(),
      startedAt: null,
      finishedAt: null,
      createdBy,
      models: [],
      request,
    });
    if (!this.options.queue) return this.launch(orgId, job);
    await this.options.queue.enqueue({ orgId, jobId: id });
    return job;
  }

  /** False to skip (`whenBusy` 'skip' with no free slot); throws the 429 for 'reject'. */
  private async hasRoom(whenBusy: WhenBusy): Promise<boolean> {
    const { maxConcurrent, queue } = this.options;
    if (whenBusy === 'queue') return true;
    if (!queue) {
      if (this.running < maxConcurrent) return true;
      if (whenBusy === 'skip') return false;
      throw tooManyTrainings(`${this.running} trainings are running`, maxConcurrent);
    }
    const { active, waiting } = await queue.counts();
    if (whenBusy === 'skip') return active + waiting < maxConcurrent;
    if (waiting < maxConcurrent * QUEUED_PER_SLOT) return true;
    throw tooManyTrainings(
      `${active} trainings are running in the cluster and ${waiting} are waiting (at most ${QUEUED_PER_SLOT} per slot may wait)`,
      maxConcurrent,
    );
  }

  /**
   * Scale-out: works off the queue. A job handed over by a replica that died (its lock lapsed)
   * is trained again from the start; one that is finished already is skipped.
   */
  async startQueue(): Promise<void> {
    const { queue } = this.options;
    if (!queue) return;
    await queue.start(
      (work, reportProgress) => this.runQueued(work, reportProgress),
      ({ orgId, jobId }, reason) => {
        void this.jobs
          .update(orgId, jobId, (current) =>
            current && ACTIVE.has(current.status)
              ? {
                  ...current,
                  status: 'failed',
                  finishedAt: this.now(),
                  message: `Training given up: ${reason}`,
                }
              : undefined,
          )
          .catch(() => undefined);
      },
    );
  }

  private async runQueued(
    { orgId, jobId }: QueuedTraining,
    reportProgress: (progress: number) => void,
  ): Promise<'done' | 'interrupted'> {
    const job = await this.jobs.get(orgId, jobId);
    if (!job || !ACTIVE.has(job.status)) return 'done';
    if (this.stopping) return 'interrupted';
    if (job.cancelRequested) {
      await this.markCancelled(orgId, jobId);
      return 'done';
    }
    const controller = new AbortController();
    const key = `${orgId}/${queryKey(job.request.query, job.request.detector.id)}`;
    this.running++;
    this.options.metrics?.trainingsRunning.set({}, this.running);
    const done = this.run(orgId, job, controller.signal, reportProgress);
    this.active.set(`${orgId}/${job.id}`, { controller, done, queryKey: key });
    try {
      await done;
    } finally {
      this.active.delete(`${orgId}/${job.id}`);
      this.running--;
      this.options.metrics?.trainingsRunning.set({}, this.running);
    }
    return controller.signal.aborted && this.stopping ? 'interrupted' : 'done';
  }

  /**
   * Trains a model for a series in the background (the LSTM behind a score request): at most
   * one job per query, none while the trainer is full, and no retry for a while after a failure.
   */
  async trainInBackground(orgId: number, request: ParsedTrainRequest): Promise<string | null> {
    const key = `${orgId}/${queryKey(request.query, request.detector.id)}`;
    for (const [id, active] of this.active) if (active.queryKey === key) return id.split('/')[1] ?? null;
    if (this.now() - (this.failedAt.get(key) ?? Number.NEGATIVE_INFINITY) < BACKGROUND_RETRY_AFTER_MS)
      return null;
    const job = await this.submit(orgId, request, null, 'skip').catch(() => null);
    return job?.id ?? null;
  }

  /**
   * Runs again every job a previous process left queued or running. With a queue there is
   * nothing to do: the queue still holds them, and hands a dead replica's jobs to another.
   */
  async resume(orgIds: number[]): Promise<number> {
    if (this.options.queue) return 0;
    let resumed = 0;
    for (const orgId of orgIds) {
      for (const job of await this.jobs.list(orgId)) {
        if (!ACTIVE.has(job.status)) continue;
        this.options.logger.info('resuming training job', { orgId, jobId: job.id });
        await this.launch(orgId, job);
        resumed++;
      }
    }
    return resumed;
  }

  /** Stops running jobs without marking them failed: they resume on the next start. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const { controller } of this.active.values()) controller.abort(new Error('scorer shutting down'));
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
    await this.options.queue?.close();
  }

  private async launch(orgId: number, job: Job): Promise<Job> {
    const controller = new AbortController();
    const key = `${orgId}/${queryKey(job.request.query, job.request.detector.id)}`;
    const done = this.withSlot(() => this.run(orgId, job, controller.signal)).finally(() => {
      this.active.delete(`${orgId}/${job.id}`);
    });
    this.active.set(`${orgId}/${job.id}`, { controller, done, queryKey: key });
    return job;
  }

  private async withSlot(work: () => Promise<void>): Promise<void> {
    while (this.running >= this.options.maxConcurrent)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    this.options.metrics?.trainingsRunning.set({}, this.running);
    try {
      await work();
    } finally {
      this.running--;
      this.options.metrics?.trainingsRunning.set({}, this.running);
      this.waiting.shift()?.();
    }
  }

  private async run(
    orgId: number,
    job: Job,
    signal: AbortSignal,
    reportProgress?: (progress: number) => void,
  ): Promise<void> {
    const { store, access, logger } = this.options;
    const update = (patch: Partial<Job>) => {
      if (patch.progress !== undefined) reportProgress?.(patch.progress);
      return this.jobs.update(orgId, job.id, (current) => (current ? { ...current, ...patch } : undefined));
    };
    const { request } = job;
    try {
      await update({
        status: 'running',
        startedAt: this.now(),
        message: 'Reading the training data from InfluxDB',
        fit: null,
      });
      const influx = access.client(orgId, request.query.database);
      const read = await readSeries(influx, request.query, request.range, request.intervalMs, { signal });
      await checkGroupByKeys(influx, request.query, read, signal);
      const series = read.filter((s) => s.points.length > 0);
      this.checkLimits(series.length, Math.max(0, ...series.map((s) => s.points.length)));
      if (series.length === 0)
        throw new Error('InfluxDB returned no points for the query and range: nothing to train on');
      const models: string[] = [];
      let lastWrite = 0;
      // Written from the progress callback; the last epoch stays on the job when it ends.
      let lastFit = null as JobFit | null;
      for (const [index, one] of series.entries()) {
        signal.throwIfAborted();
        const name = seriesName(request.query, one.tags);
        const onProgress = (p: FitProgress) => {
          lastFit = fitOf(p, lastFit);
          if (this.now() - lastWrite < PROGRESS_WRITE_INTERVAL_MS) return;
          lastWrite = this.now();
          const progress = Math.min(0.99, (index + p.epoch / Math.max(1, p.epochs)) / series.length);
          void update({ progress, message: `Training ${name}: epoch ${p.epoch}/${p.epochs}`, fit: lastFit });
        };
        await update({
          progress: index / series.length,
          message: `Training ${name} (${index + 1}/${series.length})`,
        });
        const model = await (this.options.engine?.trainModel ?? trainModel)(one.points, {
          detector: request.detector,
          intervalMs: request.intervalMs,
          seed: 1,
          onProgress,
          signal,
        });
        signal.throwIfAborted(); // a job cancelled during the fit stores nothing
        const record = await saveSeriesModel(store, orgId, {
          query: request.query,
          tags: one.tags,
          model,
          createdBy: job.createdBy,
          info: { jobId: job.id },
        });
        models.push(record.id);
      }
      await update({
        status: 'succeeded',
        progress: 1,
        finishedAt: this.now(),
        models,
        fit: lastFit && { ...lastFit, etaMs: 0 },
        message: `Trained ${models.length} model${models.length === 1 ? '' : 's'}`,
      });
      this.options.metrics?.trainings.inc({ status: 'succeeded' });
    } catch (error) {
      if (signal.reason instanceof JobCancelled) {
        this.options.metrics?.trainings.inc({ status: 'cancelled' });
        await this.markCancelled(orgId, job.id).catch(() => undefined);
        return;
      }
      if (signal.aborted && this.stopping) {
        logger.info(
          'training job interrupted by shutdown; it resumes on the next start (or another replica)',
          {
            orgId,
            jobId: job.id,
          },
        );
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      logger.warn('training job failed', { orgId, jobId: job.id, error });
      this.failedAt.set(`${orgId}/${queryKey(request.query, request.detector.id)}`, this.now());
      this.options.metrics?.trainings.inc({ status: 'failed' });
      await update({ status: 'failed', finishedAt: this.now(), message }).catch(() => undefined);
    }
  }

  private checkLimits(seriesCount: number, maxSeriesPoints: number): void {
    // Checked at submission too; the data may have grown since.
    if (seriesCount > this.options.maxSeries) throw tooManySeries(seriesCount, this.options.maxSeries);
    if (maxSeriesPoints > this.options.maxPoints) {
      throw limitProblem(
        `A series has ${maxSeriesPoints} points in the training range, more than MAX_POINTS (${this.options.maxPoints}). Use a larger interval or a shorter range.`,
      );
    }
  }
}

/** The job's `fit` fields, or the previous ones for an epoch whose loss is not a number (diverged). */
function fitOf({ epoch, epochs, loss, etaMs }: FitProgress, previous: JobFit | null): JobFit | null {
  return Number.isFinite(loss) ? { epoch, epochs, loss, etaMs: Math.max(0, etaMs) } : previous;
}

function tooManyTrainings(what: string, limit: number): ProblemError {
  return new ProblemError({
    status: 429,
    slug: 'too-many-trainings',
    title: 'Too many trainings',
    detail: `${what}, the limit MAX_CONCURRENT_TRAININGS (${limit}). Retry when one finishes (see GET /api/v1/jobs).`,
    headers: { 'retry-after': '30' },
  });
}
