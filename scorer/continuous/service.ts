import {
  type ContinuousDetector,
  type ContinuousDetectorDefinition,
  type ContinuousDetectorInput,
  continuousDetectorInputSchema,
  DEFAULT_OUTPUT_MEASUREMENT,
  parseDuration,
} from '@tidemark/core';
import { z } from 'zod';
import { ProblemError } from '../http/problem';
import { escapeKey, escapeMeasurement, type InfluxClient, LineProtocolError } from '../influx';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { ScoringService } from '../scoring/score-service';
import type { StateStore } from '../store';
import type { ProvisionedDetector } from './provisioning';
import { type Checkpoint, runDetector } from './runner';

const checkpointSchema = z.object({
  scoredUntil: z.number().nullable(),
  lastRunAt: z.number().nullable(),
  lastError: z.string().nullable(),
});

export interface DetectorServiceOptions {
  store: StateStore;
  influx: InfluxClient;
  scoring: ScoringService;
  logger: Logger;
  metrics?: Metrics;
  provisioned: ProvisionedDetector[];
  defaultDatabase: string | null;
  now?: () => number;
}

interface Scheduled {
  orgId: number;
  definition: ContinuousDetectorDefinition;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
}

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
  private abort = new AbortController();
  private started = false;

  constructor(private readonly options: DetectorServiceOptions) {
    this.definitions = options.store.collection('detectors', continuousDetectorInputSchema);
    this.checkpoints = options.store.collection('checkpoints', checkpointSchema);
  }

  private now() {
    return this.options.now?.() ?? Date.now();
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
    const checkpoint = await this.checkpoints.get(orgId, definition.id);
    const running = this.scheduled.get(`${orgId}/${definition.id}`)?.running;
    const status = !definition.enabled
      ? 'disabled'
      : running
        ? 'running'
        : checkpoint?.lastError
          ? 'failing'
          : 'idle';
    return {
      ...definition,
      provisioned: this.isProvisioned(orgId, definition.id),
      status,
      scoredUntil: checkpoint?.scoredUntil ?? null,
      lastRunAt: checkpoint?.lastRunAt ?? null,
      lastError: checkpoint?.lastError ?? null,
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
    if (!(await this.definitions.get(orgId, id))) throw notFound(id);
    const definition = await this.definitions.put(orgId, id, input);
    this.schedule(orgId, definition);
    return this.describe(orgId, definition);
  }

  async remove(orgId: number, id: string): Promise<void> {
    if (this.isProvisioned(orgId, id)) throw readOnly(id);
    if (!(await this.definitions.delete(orgId, id))) throw notFound(id);
    await this.checkpoints.delete(orgId, id);
    this.unschedule(orgId, id);
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
    await Promise.allSettled([...this.scheduled.values()].map((e) => e.running));
    this.abort = new AbortController(); // runs started by hand after a stop are not pre-aborted
  }

  /** Runs one detector now (also what the schedule calls). */
  async runNow(orgId: number, definition: ContinuousDetectorDefinition): Promise<void> {
    const { logger, metrics } = this.options;
    const checkpoint: Checkpoint = (await this.checkpoints.get(orgId, definition.id)) ?? {
      scoredUntil: null,
      lastRunAt: null,
      lastError: null,
    };
    const save = async (patch: Partial<Checkpoint>) => {
      Object.assign(checkpoint, patch);
      await this.checkpoints.put(orgId, definition.id, checkpoint);
    };
    try {
      const result = await runDetector(
        {
          influx: this.options.influx,
          scoring: this.options.scoring,
          defaultDatabase: this.options.defaultDatabase,
        },
        orgId,
        definition,
        checkpoint.scoredUntil,
        this.now(),
        (scoredUntil) => save({ scoredUntil, lastRunAt: this.now(), lastError: null }),
        this.abort.signal,
      );
      await save({ lastRunAt: this.now(), lastError: null });
      metrics?.continuousRuns.inc({ detector: definition.id, result: 'ok' });
      if (result.scoredUntil !== null)
        metrics?.continuousLag.set({ detector: definition.id }, (this.now() - result.scoredUntil) / 1000);
      logger.debug('continuous detector ran', { orgId, detector: definition.id, ...result });
    } catch (error) {
      if (this.abort.signal.aborted) return;
      metrics?.continuousRuns.inc({ detector: definition.id, result: 'error' });
      logger.warn('continuous detector failed', { orgId, detector: definition.id, error });
      await save({
        lastRunAt: this.now(),
        lastError: error instanceof Error ? error.message : String(error),
      }).catch(() => {});
    }
  }

  private schedule(orgId: number, definition: ContinuousDetectorDefinition): void {
    const key = `${orgId}/${definition.id}`;
    const entry = this.scheduled.get(key) ?? { orgId, definition, timer: null, running: null };
    if (entry.timer) clearTimeout(entry.timer);
    entry.definition = definition;
    entry.timer = null;
    this.scheduled.set(key, entry);
    if (!this.started || !definition.enabled) return;
    const every = parseDuration(definition.schedule ?? definition.interval);
    const tick = () => {
      if (!this.started || this.scheduled.get(key) !== entry) return;
      // A run still going when the next is due is not doubled: the next tick catches up.
      entry.running ??= this.runNow(orgId, entry.definition).finally(() => {
        entry.running = null;
      });
      entry.timer = setTimeout(tick, every - (this.now() % every));
    };
    entry.timer = setTimeout(tick, 0);
  }

  private unschedule(orgId: number, id: string): void {
    const entry = this.scheduled.get(`${orgId}/${id}`);
    if (entry?.timer) clearTimeout(entry.timer);
    this.scheduled.delete(`${orgId}/${id}`);
  }
}
