import { type Job, Queue, Worker } from 'bullmq';
import { closeQueue } from '../cluster/close-queue';
import type { RedisConnection } from '../cluster/redis';
import type { Logger } from '../log';

/**
 * Scale-out's continuous detection on BullMQ: one job scheduler per detector partition makes a
 * `tick` job each schedule step; whichever replica's Worker takes it adds that partition's `run`
 * job, deduplicated with `keepLastIfActive`, so a partition never runs twice at once (one run
 * active, at most one waiting). A replica killed mid-run stops renewing its job's lock; BullMQ's
 * stalled check hands the job to another replica, which resumes from the partition's checkpoint.
 */
export const DETECTOR_QUEUE = 'tidemark-detectors';

/** What a run job carries: which partition of which detector to score now. */
export interface PartitionJob {
  orgId: number;
  detectorId: string;
  partition: number;
  partitions: number;
}

export interface DetectorQueueOptions {
  /** The Worker's name in Redis (`CLIENT LIST`), to tell replicas apart. */
  replicaId: string;
  /**
   * How long a job stays locked without a renewal (the Worker renews at half of it); a dead
   * replica's job is redelivered between `lockMs` and 1.5 × `lockMs` after its last renewal.
   */
  lockMs: number;
  /** Partition runs this replica works on at once. */
  concurrency: number;
  logger: Logger;
}

export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
}

/** Partition ids as BullMQ names: org, detector id ([A-Za-z0-9_-]) and partition, dot-separated. */
const schedulerId = (job: Pick<PartitionJob, 'orgId' | 'detectorId' | 'partition'>) =>
  `${job.orgId}.${job.detectorId}.${job.partition}`;
const runId = (job: Pick<PartitionJob, 'orgId' | 'detectorId' | 'partition'>) => `run.${schedulerId(job)}`;

const alignUp = (time: number, step: number) => Math.ceil(time / step) * step;

export class DetectorQueue {
  private readonly queue: Queue<PartitionJob>;
  private worker: Worker<PartitionJob> | null = null;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: DetectorQueueOptions,
  ) {
    this.queue = new Queue<PartitionJob>(DETECTOR_QUEUE, {
      connection: redis.bullmq,
      prefix: this.prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: 100 },
    });
    this.queue.on('error', (error) => options.logger.warn('detector queue: Redis error', { error }));
  }

  /** `tidemark:bull`, beside the training queue. */
  private get prefix() {
    return `${this.redis.prefix}bull`;
  }

  /** Starts this replica's Worker: from now on it takes a share of every detector's partitions. */
  start(run: (job: PartitionJob, signal: AbortSignal | undefined) => Promise<void>): void {
    const { replicaId, lockMs, concurrency, logger } = this.options;
    this.worker = new Worker<PartitionJob>(
      DETECTOR_QUEUE,
      async (job: Job<PartitionJob>, _token, signal) => {
        if (job.name === 'tick') await this.enqueueRun(job.data);
        else await run(job.data, signal);
      },
      {
        connection: this.redis.bullmq,
        prefix: this.prefix,
        name: replicaId,
        concurrency,
        lockDuration: lockMs,
        stalledInterval: Math.max(1_000, Math.floor(lockMs / 2)),
        // A job stalls once when its replica dies; twice in a row marks it failed (a run that
        // kills whoever takes it), and the partition's next tick starts a fresh one.
        maxStalledCount: 2,
      },
    );
    this.worker.on('error', (error) => logger.warn('detector worker: Redis error', { error }));
    this.worker.on('failed', (job, error) =>
      logger.warn('detector job failed', { job: job?.id, data: job?.data, error }),
    );
  }

  /**
   * Makes every partition of a detector run each `everyMs` (steps aligned to multiples of it, as
   * one node schedules), and once now. Idempotent: a scheduler already there with the same step
   * and partition count is left alone, so replicas starting at once do not reset each other.
   */
  async schedule(orgId: number, detectorId: string, partitions: number, everyMs: number): Promise<void> {
    for (let partition = 0; partition < partitions; partition++) {
      const data: PartitionJob = { orgId, detectorId, partition, partitions };
      const id = schedulerId(data);
      const existing = await this.queue.getJobScheduler(id);
      if (existing?.every !== everyMs || existing.template?.data?.partitions !== partitions) {
        await this.queue.upsertJobScheduler(
          id,
          { every: everyMs, startDate: alignUp(Date.now() + 1, everyMs) },
          { name: 'tick', data, opts: { removeOnComplete: true, removeOnFail: true } },
        );
      }
      await this.enqueueRun(data);
    }
  }

  /**
   * Stops a detector cluster-wide: its schedulers (partitions `from … upTo − 1`) and run jobs not
   * started yet are removed. A run already going on a replica stops at its next checkpoint save
   * (it checks that the detector still exists).
   */
  async unschedule(orgId: number, detectorId: string, upTo: number, from = 0): Promise<void> {
    for (let partition = from; partition < upTo; partition++) {
      const ids = { orgId, detectorId, partition };
      await this.queue.removeJobScheduler(schedulerId(ids));
      const waiting = await this.queue.getDeduplicationJobId(runId(ids));
      if (waiting) await this.queue.remove(waiting); // 0 (kept) when a replica has it active
    }
  }

  /** Adds the partition's run, unless one is already waiting (one active, one waiting at most). */
  private async enqueueRun(data: PartitionJob): Promise<void> {
    await this.queue.add('run', data, { deduplication: { id: runId(data), keepLastIfActive: true } });
  }

  async depth(): Promise<QueueDepth> {
    const counts = await this.redis.runBounded(() => this.queue.getJobCounts('waiting', 'active', 'delayed'));
    return { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0 };
  }

  /** Stops taking jobs and waits for the ones in progress, then closes the connections. */
  async close(): Promise<void> {
    await this.worker?.close();
    await closeQueue(this.queue);
  }
}
