import {
  type ContinuousDetector,
  type ContinuousDetectorDefinition,
  type ContinuousDetectorInput,
  type ContinuousDetectorPatch,
  continuousDetectorInputSchema,
  DEFAULT_OUTPUT_MEASUREMENT,
  detectorSkippedSchema,
  parseDuration,
  type TagFilter,
} from '@tidemark/core';
import { z } from 'zod';
import type { OrgAccess } from '../access/org-access';
import { ProblemError, validationProblem } from '../http/problem';
import { escapeKey, escapeMeasurement, LineProtocolError } from '../influx';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { ScoringService } from '../scoring/score-service';
import { checkSeriesLimit } from '../scoring/series-limit';
import type { Steering } from '../steering/steering';
import { type JsonCollection, KeyedMutex, type StateStore } from '../store';
import type { DetectorQueue, PartitionJob } from './detector-queue';
import { outputDatabase } from './output';
import { mergeCheckpoints, partitionCheckpointId } from './partition-checkpoints';
import { partitionCount, partitionFilters } from './partitions';
import type { ProvisionedDetector } from './provisioning';
import { type Checkpoint, emptyCheckpoint, type RunResult, runDetector, windowToScore } from './runner';

/** Checkpoints written before per-series progress have only the first three fields. */
const checkpointSchema = z.object({
  scoredUntil: z.number().nullable(),
  lastRunAt: z.number().nullable(),
  lastError: z.string().nullable(),
  since: z.number().nullable().default(null),
  series: z.record(z.string(), z.number()).default({}),
  latePoints: z.number().default(0),
  skipped: detectorSkippedSchema.default({ points: 0, intervals: 0, last: null }),
});

export interface DetectorServiceOptions {
  store: StateStore;
  access: OrgAccess;
  scoring: ScoringService;
  logger: Logger;
  metrics?: Metrics;
  provisioned: ProvisionedDetector[];
  defaultDatabase: string | null;
  /** DEFAULT_ORG_ID: the org whose output has no `org` tag (written by older scorers). */
  legacyOrgId: number;
  now?: () => number;
  /** Scale-out: detectors run as partition jobs on the shared queue instead of local timers. */
  cluster?: DetectorDistribution;
  /** A detector's marks and maintenance windows, loaded at the start of each run. */
  steering?: (orgId: number, detectorId: string) => Promise<Steering | null>;
  /**
   * MAX_SERIES: a detector whose query matches more series over its backfill is refused when it
   * is created or its query changes. Scaled out, each partition's run is held to it instead.
   */
  maxSeries?: number;
}

export interface DetectorDistribution {
  queue: DetectorQueue;
  /** Partitions a detector with a partition tag is split into (`DETECTOR_PARTITIONS`). */
  partitions: number;
  /** This replica's id (`REPLICA_ID`), written with every point it scores. */
  replicaId: string;
}

/** Where one run reads and saves its checkpoint, and which series it scores. */
interface RunPart {
  checkpoints: JsonCollection<typeof checkpointSchema>;
  checkpointId: string;
  narrow?: TagFilter[] | null;
  /** Throws when the detector is gone (deleted on another replica): checked before each save. */
  checkStillThere?: () => Promise<void>;
}

interface Scheduled {
  orgId: number;
  definition: ContinuousDetectorDefinition;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  /** Aborted when the detector is deleted: its run stops before its next write or checkpoint. */
  removed: AbortController;
}

/** The longest delay setTimeout takes (2^31 − 1 ms, about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const conflict = (detail: string) =>
  new ProblemError({ status: 409, slug: 'conflict', title: 'Conflict', detail });
const readOnly = (id: string) =>
  new ProblemError({
    status: 409,
    slug: 'read-only',
    title: 'Provisioned detector',
    detail: `Detector "${id}" comes from the detectors file (DETECTORS_FILE) and is read-only through the API. Change it in that file.`,
  });
const notFound = (id: string) =>
  new ProblemError({
    status: 404,
    slug: 'not-found',
    title: 'Not found',
    detail: `There is no detector "${id}" in this org.`,
  });

/** Refuses an output that line protocol could not write (caught at creation, not at 3 a.m.). */
function checkWritable(input: ContinuousDetectorInput): void {
  try {
    escapeMeasurement(input.output?.measurement ?? DEFAULT_OUTPUT_MEASUREMENT);
    escapeKey(input.id, 'detector id');
  } catch (error) {
    if (!(error instanceof LineProtocolError)) throw error;
    throw new ProblemError({
      status: 400,
      slug: 'validation',
      title: 'Invalid request',
      detail: `The output cannot be written to InfluxDB: ${error.message}. Choose another name.`,
      errors: [{ path: 'output.measurement', message: error.message }],
    });
  }
}

/**
 * Continuous detectors: the provisioned ones (read-only) and the ones created through the API
 * (stored per org), each run on its schedule, with its checkpoint in the state store.
 */
export class DetectorService {
  private readonly definitions;
  private readonly checkpoints;
  private readonly partitionCheckpoints;
  private readonly scheduled = new Map<string, Scheduled>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** A failed run whose checkpoint could not be saved (a full disk): shown until a save works. */
  private readonly unsaved = new Map<string, Pick<Checkpoint, 'lastRunAt' | 'lastError'>>();
  /** Create, replace and delete of one detector one at a time, so a delete's cleanup is not raced. */
  private readonly lifecycle = new KeyedMutex();
  private abort = new AbortController();
  private started = false;

  constructor(private readonly options: DetectorServiceOptions) {
    this.definitions = options.store.collection('detectors', continuousDetectorInputSchema);
    this.checkpoints = options.store.collection('checkpoints', checkpointSchema);
    this.partitionCheckpoints = options.store.collection('partition-checkpoints', checkpointSchema);
    if (options.cluster) options.metrics?.onCollect(() => this.collectClusterMetrics());
  }

  /** Queue depth, and the age of the oldest due interval no partition has scored yet. */
  private async collectClusterMetrics(): Promise<void> {
    const { metrics, cluster, store, logger } = this.options;
    try {
      const depth = await cluster!.queue.depth();
      for (const [state, jobs] of Object.entries(depth)) metrics!.clusterQueueDepth.set({ state }, jobs);
      const now = this.now();
      let lagMs = 0;
      for (const orgId of new Set([
        ...this.options.provisioned.map((p) => p.orgId),
        ...(await store.orgIds()),
      ]))
        for (const definition of await this.definitionsOf(orgId)) {
          if (!definition.enabled) continue;
          const due = windowToScore(definition, null, now).to;
          for (const part of await this.partitionsOf(orgId, definition))
            if (part?.scoredUntil != null) lagMs = Math.max(lagMs, due - part.scoredUntil);
        }
      metrics!.clusterLag.set({}, lagMs / 1000);
    } catch (error) {
      logger.debug('cluster metrics not read', { error });
    }
  }

  /** Scale-out: the partition checkpoints of a detector, as many as its partition count says. */
  private async partitionsOf(
    orgId: number,
    definition: ContinuousDetectorDefinition,
  ): Promise<Array<Checkpoint | null>> {
    const { cluster } = this.options;
    if (!cluster) return [];
    const count = partitionCount(definition, cluster.partitions);
    const ids = Array.from({ length: count }, (_, p) => partitionCheckpointId(definition.id, p, count));
    return Promise.all(ids.map((id) => this.partitionCheckpoints.get(orgId, id)));
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** The org must be allowed to read the query's database and write the output's (ORG_ACCESS_FILE). */
  private checkAccess(orgId: number, input: ContinuousDetectorInput): void {
    this.options.access.client(orgId, input.query.database);
    this.options.access.client(orgId, outputDatabase(input, this.options.defaultDatabase));
  }

  private async checkSeries(orgId: number, input: ContinuousDetectorInput): Promise<void> {
    const { maxSeries, cluster, access } = this.options;
    if (maxSeries === undefined || cluster) return;
    const { query, maxBackfill } = continuousDetectorInputSchema.parse(input);
    const now = this.now();
    const range = { from: now - parseDuration(maxBackfill), to: now };
    await checkSeriesLimit(access.client(orgId, query.database), query, range, maxSeries);
  }

  private provisionedIn(orgId: number): ContinuousDetectorDefinition[] {
    return this.options.provisioned.filter((p) => p.orgId === orgId).map((p) => p.definition);
  }

  private isProvisioned(orgId: number, id: string): boolean {
    return this.provisionedIn(orgId).some((d) => d.id === id);
  }

  private async describe(
    orgId: number,
    definition: ContinuousDetectorDefinition,
  ): Promise<ContinuousDetector> {
    const key = `${orgId}/${definition.id}`;
    const checkpoint = this.options.cluster
      ? mergeCheckpoints(await this.partitionsOf(orgId, definition))
      : await this.checkpoints.get(orgId, definition.id);
    const unsaved = this.unsaved.get(key);
    const lastError = unsaved?.lastError ?? checkpoint?.lastError ?? null;
    const running = this.scheduled.get(key)?.running;
    const status = !definition.enabled ? 'disabled' : running ? 'running' : lastError ? 'failing' : 'idle';
    return {
      ...definition,
      provisioned: this.isProvisioned(orgId, definition.id),
      status,
      scoredUntil: checkpoint?.scoredUntil ?? null,
      lastRunAt: unsaved?.lastRunAt ?? checkpoint?.lastRunAt ?? null,
      lastError,
      latePoints: checkpoint?.latePoints ?? 0,
      skipped: checkpoint?.skipped ?? { points: 0, intervals: 0, last: null },
    };
  }

  async list(orgId: number): Promise<ContinuousDetector[]> {
    const all = [...this.provisionedIn(orgId), ...(await this.definitions.list(orgId))];
    return Promise.all(all.sort((a, b) => a.id.localeCompare(b.id)).map((d) => this.describe(orgId, d)));
  }

  async get(orgId: number, id: string): Promise<ContinuousDetector> {
    const definition =
      this.provisionedIn(orgId).find((d) => d.id === id) ?? (await this.definitions.get(orgId, id));
    if (!definition) throw notFound(id);
    return this.describe(orgId, definition);
  }

  async create(orgId: number, input: ContinuousDetectorInput): Promise<ContinuousDetector> {
    if (this.isProvisioned(orgId, input.id)) throw readOnly(input.id);
    checkWritable(input);
    this.checkAccess(orgId, input);
    await this.checkSeries(orgId, input);
    return this.lifecycle.run(`${orgId}/${input.id}`, () => this.createUnlocked(orgId, input));
  }

  private async createUnlocked(orgId: number, input: ContinuousDetectorInput): Promise<ContinuousDetector> {
    let created: ContinuousDetectorDefinition | null = null;
    await this.definitions.update(orgId, input.id, (current) => {
      if (current)
        throw conflict(
          `Detector "${input.id}" already exists. Use PUT /api/v1/detectors/${input.id} to change it.`,
        );
      created = continuousDetectorInputSchema.parse(input);
      return created;
    });
    await this.schedule(orgId, created!);
    return this.describe(orgId, created!);
  }

  async replace(orgId: number, id: string, input: ContinuousDetectorInput): Promise<ContinuousDetector> {
    if (this.isProvisioned(orgId, id)) throw readOnly(id);
    if (input.id !== id) throw conflict(`The body's id "${input.id}" differs from the URL's "${id}".`);
    checkWritable(input);
    this.checkAccess(orgId, input);
    return this.lifecycle.run(`${orgId}/${id}`, async () => {
      const current = await this.definitions.get(orgId, id);
      if (!current) throw notFound(id);
      const parsed = continuousDetectorInputSchema.parse(input);
      // Pausing or renaming never needs InfluxDB; a new query or backfill is checked again.
      if (
        JSON.stringify([current.query, current.maxBackfill]) !==
        JSON.stringify([parsed.query, parsed.maxBackfill])
      )
        await this.checkSeries(orgId, parsed);
      const definition = await this.definitions.put(orgId, id, input);
      await this.schedule(orgId, definition);
      return this.describe(orgId, definition);
    });
  }

  /**
   * Changes the fields `patch` names (a nested object replaced whole); the result is validated
   * as a whole definition, so a patch cannot leave an invalid detector behind.
   */
  async patch(orgId: number, id: string, patch: ContinuousDetectorPatch): Promise<ContinuousDetector> {
    if (this.isProvisioned(orgId, id)) throw readOnly(id);
    const current = await this.definitions.get(orgId, id);
    if (!current) throw notFound(id);
    const merged = continuousDetectorInputSchema.safeParse({ ...current, ...patch, id });
    if (!merged.success)
      throw new ProblemError(validationProblem(merged.error, 'The detector after this change'));
    return this.replace(orgId, id, merged.data);
  }

  /** Pause (false) or resume (true): a resumed detector catches up from its checkpoint. */
  async setEnabled(orgId: number, id: string, enabled: boolean): Promise<ContinuousDetector> {
    return this.patch(orgId, id, { enabled });
  }

  /**
   * Deletes a detector once its run has stopped: the run is aborted and awaited (a write already
   * sent to InfluxDB finishes first), so nothing is written and no checkpoint is saved after this
   * returns, and re-creating the id starts from a fresh backfill.
   */
  async remove(orgId: number, id: string): Promise<void> {
    if (this.isProvisioned(orgId, id)) throw readOnly(id);
    await this.lifecycle.run(`${orgId}/${id}`, async () => {
      const definition = await this.definitions.get(orgId, id);
      if (!definition) throw notFound(id);
      await this.unschedule(orgId, id);
      if (this.options.cluster) {
        // Gone first: a run on another replica stops at its next save when it sees that.
        await this.definitions.delete(orgId, id);
        await this.deletePartitionCheckpoints(orgId, id);
        return;
      }
      await this.checkpoints.delete(orgId, id);
      await this.definitions.delete(orgId, id);
    });
  }

  /** Definitions for annotations: every detector of the org, provisioned or not. */
  async definitionsOf(orgId: number): Promise<ContinuousDetectorDefinition[]> {
    return [...this.provisionedIn(orgId), ...(await this.definitions.list(orgId))];
  }

  /** Schedules every detector of the given orgs (and every provisioned one). */
  async start(orgIds: number[]): Promise<void> {
    this.started = true;
    this.options.cluster?.queue.start((job, signal) => this.runPartition(job, signal));
    for (const { orgId, definition } of this.options.provisioned) await this.schedule(orgId, definition);
    for (const orgId of orgIds)
      for (const definition of await this.definitions.list(orgId)) await this.schedule(orgId, definition);
  }

  /** Stops scheduling and waits for runs in progress (their checkpoints stay where they got to). */
  async stop(): Promise<void> {
    this.started = false;
    this.abort.abort(new Error('scorer shutting down'));
    for (const entry of this.scheduled.values()) if (entry.timer) clearTimeout(entry.timer);
    await this.options.cluster?.queue.close();
    await this.settled();
    this.abort = new AbortController(); // runs started by hand after a stop are not pre-aborted
  }

  /** Resolves when no run is in progress, including runs of detectors being deleted. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Runs one detector now (also what the schedule calls). A run of the same detector still in
   * progress is not doubled: its promise is returned.
   */
  runNow(orgId: number, definition: ContinuousDetectorDefinition): Promise<void> {
    const entry = this.entryFor(orgId, definition);
    if (!entry.running) {
      const run = this.run(orgId, definition, entry.removed.signal, {
        checkpoints: this.checkpoints,
        checkpointId: definition.id,
      }).then(() => undefined);
      this.inFlight.add(run);
      entry.running = run.finally(() => {
        this.inFlight.delete(run);
        entry.running = null;
      });
    }
    return entry.running;
  }

  private entryFor(orgId: number, definition: ContinuousDetectorDefinition): Scheduled {
    const key = `${orgId}/${definition.id}`;
    let entry = this.scheduled.get(key);
    if (!entry) {
      entry = { orgId, definition, timer: null, running: null, removed: new AbortController() };
      this.scheduled.set(key, entry);
    }
    return entry;
  }

  /**
   * Scale-out: scores one partition of a detector (a run job this replica took). The definition
   * is read from the shared store each time, so a replace on any replica applies to the next run;
   * a job for a detector deleted or re-partitioned since it was queued does nothing.
   */
  private async runPartition(job: PartitionJob, jobSignal: AbortSignal | undefined): Promise<void> {
    const { orgId, detectorId } = job;
    const definition = await this.definitionOf(orgId, detectorId);
    if (
      !definition?.enabled ||
      partitionCount(definition, this.options.cluster!.partitions) !== job.partitions
    )
      return;
    const signal = jobSignal ? AbortSignal.any([this.abort.signal, jobSignal]) : this.abort.signal;
    const influx = this.options.access.client(orgId, definition.query.database);
    const partition = { index: job.partition, count: job.partitions };
    const narrow = await partitionFilters(influx, definition.query, partition, signal);
    const provisioned = this.isProvisioned(orgId, detectorId);
    const checkpointId = partitionCheckpointId(detectorId, job.partition, job.partitions);
    if (narrow?.length === 0) {
      await this.scoreEmptyPartition(orgId, definition, checkpointId);
    } else {
      const run = this.run(orgId, definition, signal, {
        checkpoints: this.partitionCheckpoints,
        checkpointId,
        narrow,
        ...(provisioned ? {} : { checkStillThere: () => this.checkStillThere(orgId, detectorId) }),
      });
      this.inFlight.add(run);
      try {
        const result = await run;
        const metrics = this.options.metrics;
        metrics?.clusterJobs.inc({ result: result ? 'ok' : 'error' });
        if (result) metrics?.clusterSeriesScored.inc({}, result.series);
      } finally {
        this.inFlight.delete(run);
      }
    }
    // Deleted while this run was between its check and its save: leave no checkpoint behind.
    if (!provisioned && !(await this.definitions.get(orgId, detectorId)))
      await this.partitionCheckpoints.delete(orgId, checkpointId);
  }

  /** No series hashes to the partition (yet): scored as far as it goes; a series that comes is new. */
  private async scoreEmptyPartition(
    orgId: number,
    definition: ContinuousDetectorDefinition,
    checkpointId: string,
  ): Promise<void> {
    const scoredUntil = windowToScore(definition, null, this.now()).to;
    await this.partitionCheckpoints.update(orgId, checkpointId, (current) => ({
      ...(current ?? emptyCheckpoint()),
      scoredUntil,
      since: current?.since ?? scoredUntil,
      lastRunAt: this.now(),
      lastError: null,
    }));
    this.options.metrics?.clusterJobs.inc({ result: 'ok' });
  }

  private async definitionOf(orgId: number, id: string): Promise<ContinuousDetectorDefinition | null> {
    return this.provisionedIn(orgId).find((d) => d.id === id) ?? (await this.definitions.get(orgId, id));
  }

  private async checkStillThere(orgId: number, id: string): Promise<void> {
    if (!(await this.definitions.get(orgId, id))) throw new Error(`detector "${id}" was deleted`);
  }

  private async deletePartitionCheckpoints(orgId: number, id: string): Promise<void> {
    const { partitions } = this.options.cluster!;
    for (const count of new Set([1, partitions]))
      for (let p = 0; p < count; p++)
        await this.partitionCheckpoints.delete(orgId, partitionCheckpointId(id, p, count));
  }

  /** One run over one checkpoint (a detector's, or one partition's); the result, or null when it failed. */
  private async run(
    orgId: number,
    definition: ContinuousDetectorDefinition,
    removed: AbortSignal,
    part: RunPart,
  ): Promise<RunResult | null> {
    const { logger, metrics } = this.options;
    const key = `${orgId}/${part.checkpointId}`;
    const signal = AbortSignal.any([this.abort.signal, removed]);
    const checkpoint: Checkpoint =
      (await part.checkpoints.get(orgId, part.checkpointId)) ?? emptyCheckpoint();
    const before = { ...checkpoint.skipped, latePoints: checkpoint.latePoints };
    const save = async (patch: Partial<Checkpoint>) => {
      signal.throwIfAborted(); // a deleted detector's checkpoint is not written again
      await part.checkStillThere?.();
      Object.assign(checkpoint, patch);
      await part.checkpoints.put(orgId, part.checkpointId, checkpoint);
    };
    try {
      const steering = (await this.options.steering?.(orgId, definition.id)) ?? null;
      const result = await runDetector(
        {
          steering,
          access: this.options.access,
          scoring: this.options.scoring,
          defaultDatabase: this.options.defaultDatabase,
          legacyOrgId: this.options.legacyOrgId,
          ...(part.narrow ? { narrow: part.narrow } : {}),
          ...(this.options.cluster ? { replica: this.options.cluster.replicaId } : {}),
        },
        orgId,
        definition,
        checkpoint,
        this.now(),
        () => save({ lastRunAt: this.now(), lastError: null }),
        signal,
      );
      for (const skip of result.skipped)
        logger.warn('continuous detector skipped points it cannot score any more', {
          orgId,
          detector: definition.id,
          ...skip,
        });
      await save({ lastRunAt: this.now(), lastError: null });
      this.unsaved.delete(key);
      metrics?.continuousRuns.inc({ org: String(orgId), detector: definition.id, result: 'ok' });
      if (result.scoredUntil !== null)
        metrics?.continuousLag.set(
          { org: String(orgId), detector: definition.id },
          (this.now() - result.scoredUntil) / 1000,
        );
      metrics?.continuousPointsWritten.inc({}, result.pointsWritten);
      logger.debug('continuous detector ran', { orgId, detector: definition.id, ...result });
      return result;
    } catch (error) {
      if (signal.aborted) return null;
      metrics?.continuousRuns.inc({ org: String(orgId), detector: definition.id, result: 'error' });
      logger.warn('continuous detector failed', { orgId, detector: definition.id, error });
      const failed = { lastRunAt: this.now(), lastError: messageOf(error) };
      try {
        await save(failed);
        this.unsaved.delete(key);
      } catch (saveError) {
        if (signal.aborted) return null;
        logger.warn('continuous detector checkpoint not saved', {
          orgId,
          detector: definition.id,
          error: saveError,
        });
        const also =
          messageOf(saveError) === failed.lastError
            ? ''
            : `; saving the checkpoint failed too: ${messageOf(saveError)}`;
        this.unsaved.set(key, { ...failed, lastError: `${failed.lastError}${also}` });
      }
      return null;
    } finally {
      const labels = { org: String(orgId), detector: definition.id };
      metrics?.continuousLatePoints.inc(labels, checkpoint.latePoints - before.latePoints);
      metrics?.continuousSkippedPoints.inc(labels, checkpoint.skipped.points - before.points);
      metrics?.continuousSkippedIntervals.inc(labels, checkpoint.skipped.intervals - before.intervals);
    }
  }

  private async schedule(orgId: number, definition: ContinuousDetectorDefinition): Promise<void> {
    const { cluster } = this.options;
    if (cluster) {
      if (!this.started) return;
      const every = parseDuration(definition.schedule ?? definition.interval);
      const count = partitionCount(definition, cluster.partitions);
      // A changed group-by can make it one partition: the others' schedulers go.
      if (count === 1) await cluster.queue.unschedule(orgId, definition.id, cluster.partitions, 1);
      if (!definition.enabled) await cluster.queue.unschedule(orgId, definition.id, count);
      else await cluster.queue.schedule(orgId, definition.id, count, every);
      return;
    }
    const key = `${orgId}/${definition.id}`;
    const entry = this.entryFor(orgId, definition);
    if (entry.timer) clearTimeout(entry.timer);
    entry.definition = definition;
    entry.timer = null;
    if (!this.started || !definition.enabled) return;
    const every = parseDuration(definition.schedule ?? definition.interval);
    // setTimeout runs a delay past MAX_TIMEOUT_MS after 1 ms: a long schedule waits in hops.
    const waitUntil = (dueAt: number) => {
      const left = dueAt - this.now();
      entry.timer =
        left > MAX_TIMEOUT_MS
          ? setTimeout(() => waitUntil(dueAt), MAX_TIMEOUT_MS)
          : setTimeout(tick, Math.max(0, left));
    };
    const tick = () => {
      if (!this.started || this.scheduled.get(key) !== entry) return;
      // A run still going when the next is due is not doubled: the next tick catches up.
      void this.runNow(orgId, entry.definition);
      const now = this.now();
      waitUntil(now + every - (now % every));
    };
    entry.timer = setTimeout(tick, 0);
  }

  /** Stops a detector's schedule and its run in progress, and waits for that run to end. */
  private async unschedule(orgId: number, id: string): Promise<void> {
    const { cluster } = this.options;
    if (cluster) await cluster.queue.unschedule(orgId, id, cluster.partitions);
    const entry = this.scheduled.get(`${orgId}/${id}`);
    if (!entry) return;
    this.scheduled.delete(`${orgId}/${id}`);
    this.unsaved.delete(`${orgId}/${id}`);
    if (entry.timer) clearTimeout(entry.timer);
    entry.removed.abort(new Error(`detector "${id}" was deleted`));
    await entry.running;
  }
}
