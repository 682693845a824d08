import {
  type ContinuousDetector,
  type ContinuousDetectorDefinition,
  type ContinuousDetectorInput,
  continuousDetectorInputSchema,
  DEFAULT_OUTPUT_MEASUREMENT,
  detectorSkippedSchema,
  parseDuration,
} from '@tidemark/core';
import { z } from 'zod';
import type { OrgAccess } from '../access/org-access';
import { ProblemError } from '../http/problem';
import { escapeKey, escapeMeasurement, LineProtocolError } from '../influx';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { ScoringService } from '../scoring/score-service';
import { KeyedMutex, type StateStore } from '../store';
import { outputDatabase } from './output';
import type { ProvisionedDetector } from './provisioning';
import { type Checkpoint, emptyCheckpoint, runDetector } from './runner';

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
  private readonly scheduled = new Map<string, Scheduled>();
  private readonly inFlight = new Set<Promise<void>>();
  /** A failed run whose checkpoint could not be saved (a full disk): shown until a save works. */
  private readonly unsaved = new Map<string, Pick<Checkpoint, 'lastRunAt' | 'lastError'>>();
  /** Create, replace and delete of one detector one at a time, so a delete's cleanup is not raced. */
  private readonly lifecycle = new KeyedMutex();
  private abort = new AbortController();
  private started = false;

  constructor(private readonly options: DetectorServiceOptions) {
    this.definitions = options.store.collection('detectors', continuousDetectorInputSchema);
    this.checkpoints = options.store.collection('checkpoints', checkpointSchema);
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** The org must be allowed to read the query's database and write the output's (ORG_ACCESS_FILE). */
  private checkAccess(orgId: number, input: ContinuousDetectorInput): void {
    this.options.access.client(orgId, input.query.database);
    this.options.access.client(orgId, outputDatabase(input, this.options.defaultDatabase));
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
    const checkpoint = await this.checkpoints.get(orgId, definition.id);
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
    this.schedule(orgId, created!);
    return this.describe(orgId, created!);
  }

  async replace(orgId: number, id: string, input: ContinuousDetectorInput): Promise<ContinuousDetector> {
    if (this.isProvisioned(orgId, id)) throw readOnly(id);
    if (input.id !== id) throw conflict(`The body's id "${input.id}" differs from the URL's "${id}".`);
    checkWritable(input);
    this.checkAccess(orgId, input);
    return this.lifecycle.run(`${orgId}/${id}`, async () => {
      if (!(await this.definitions.get(orgId, id))) throw notFound(id);
      const definition = await this.definitions.put(orgId, id, input);
      this.schedule(orgId, definition);
      return this.describe(orgId, definition);
    });
  }

  /**
   * Deletes a detector once its run has stopped: the run is aborted and awaited (a write already
   * sent to InfluxDB finishes first), so nothing is written and no checkpoint is saved after this
   * returns, and re-creating the id starts from a fresh backfill.
   */
  async remove(orgId: number, id: string): Promise<void> {
    if (this.isProvisioned(orgId, id)) throw readOnly(id);
    await this.lifecycle.run(`${orgId}/${id}`, async () => {
      if (!(await this.definitions.get(orgId, id))) throw notFound(id);
      await this.unschedule(orgId, id);
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
    for (const { orgId, definition } of this.options.provisioned) this.schedule(orgId, definition);
    for (const orgId of orgIds)
      for (const definition of await this.definitions.list(orgId)) this.schedule(orgId, definition);
  }

  /** Stops scheduling and waits for runs in progress (their checkpoints stay where they got to). */
  async stop(): Promise<void> {
    this.started = false;
    this.abort.abort(new Error('scorer shutting down'));
    for (const entry of this.scheduled.values()) if (entry.timer) clearTimeout(entry.timer);
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
      const run = this.run(orgId, definition, entry.removed.signal);
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

  private async run(
    orgId: number,
    definition: ContinuousDetectorDefinition,
    removed: AbortSignal,
  ): Promise<void> {
    const { logger, metrics } = this.options;
    const key = `${orgId}/${definition.id}`;
    const signal = AbortSignal.any([this.abort.signal, removed]);
    const checkpoint: Checkpoint = (await this.checkpoints.get(orgId, definition.id)) ?? emptyCheckpoint();
    const before = { ...checkpoint.skipped, latePoints: checkpoint.latePoints };
    const save = async (patch: Partial<Checkpoint>) => {
      signal.throwIfAborted(); // a deleted detector's checkpoint is not written again
      Object.assign(checkpoint, patch);
      await this.checkpoints.put(orgId, definition.id, checkpoint);
    };
    try {
      const result = await runDetector(
        {
          access: this.options.access,
          scoring: this.options.scoring,
          defaultDatabase: this.options.defaultDatabase,
          legacyOrgId: this.options.legacyOrgId,
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
      logger.debug('continuous detector ran', { orgId, detector: definition.id, ...result });
    } catch (error) {
      if (signal.aborted) return;
      metrics?.continuousRuns.inc({ org: String(orgId), detector: definition.id, result: 'error' });
      logger.warn('continuous detector failed', { orgId, detector: definition.id, error });
      const failed = { lastRunAt: this.now(), lastError: messageOf(error) };
      try {
        await save(failed);
        this.unsaved.delete(key);
      } catch (saveError) {
        if (signal.aborted) return;
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
    } finally {
      const labels = { org: String(orgId), detector: definition.id };
      metrics?.continuousLatePoints.inc(labels, checkpoint.latePoints - before.latePoints);
      metrics?.continuousSkippedPoints.inc(labels, checkpoint.skipped.points - before.points);
      metrics?.continuousSkippedIntervals.inc(labels, checkpoint.skipped.intervals - before.intervals);
    }
  }

  private schedule(orgId: number, definition: ContinuousDetectorDefinition): void {
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
    const entry = this.scheduled.get(`${orgId}/${id}`);
    if (!entry) return;
    this.scheduled.delete(`${orgId}/${id}`);
    this.unsaved.delete(`${orgId}/${id}`);
    if (entry.timer) clearTimeout(entry.timer);
    entry.removed.abort(new Error(`detector "${id}" was deleted`));
    await entry.running;
  }
}
