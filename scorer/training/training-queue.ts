import { type Job as BullJob, Queue, WaitingError, Worker } from 'bullmq';
import { closeQueue } from '../cluster/close-queue';
import type { RedisConnection } from '../cluster/redis';
import type { Logger } from '../log';

/** What a queued training names: the job record (in the shared store) to run. */
export interface QueuedTraining {
  orgId: number;
  jobId: string;
}

/**
 * Runs one training; `reportProgress` (0–1) shows in BullMQ too. Resolves 'done' when the job
 * record is finished (succeeded or failed), 'interrupted' when this replica is shutting down.
 */
export type TrainingProcessor = (
  work: QueuedTraining,
  reportProgress: (progress: number) => void,
) => Promise<'done' | 'interrupted'>;

export const TRAINING_QUEUE = 'training';
/**
 * A replica that dies mid-training (kill -9) stops renewing its lock: after LOCK_MS, at the next
 * stalled check (every STALLED_CHECK_MS) BullMQ hands the job to another replica, which trains it
 * again from the start. A running job renews its lock every LOCK_MS / 2.
 */
export const LOCK_MS = 10_000;
export const STALLED_CHECK_MS = 5_000;
/** Handed over this many times (replicas dying under it), the job is failed instead. */
const MAX_STALLED = 3;

/**
 * The cluster's training queue (BullMQ on the shared Redis): any replica works off it, and the
 * queue's global concurrency caps trainings running at once across all replicas.
 */
export class TrainingQueue {
  private readonly queue: Queue<QueuedTraining>;
  private worker: Worker<QueuedTraining> | null = null;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: { cap: number; replicaId: string; logger: Logger },
  ) {
    this.queue = new Queue(TRAINING_QUEUE, { connection: redis.bullmq, prefix: this.prefix });
    this.queue.on('error', (error) => options.logger.warn('training queue error', { error }));
  }

  private get prefix() {
    return `${this.redis.prefix}bull`;
  }

  /**
   * Starts working off the queue with `processor`; `onGivenUp` hears of a job BullMQ failed
   * itself (handed over too often), whose record must say so.
   */
  async start(processor: TrainingProcessor, onGivenUp: (work: QueuedTraining, reason: string) => void) {
    const { cap, replicaId, logger } = this.options;
    await this.redis.runBounded(() => this.queue.setGlobalConcurrency(cap));
    const worker = new Worker<QueuedTraining>(
      TRAINING_QUEUE,
      async (job: BullJob<QueuedTraining>, token?: string) => {
        const outcome = await processor(job.data, (progress) => {
          void job.updateProgress(Math.round(progress * 100)).catch(() => undefined);
        });
        if (outcome === 'interrupted') {
          await job.moveToWait(token); // another replica takes it now, not after the lock lapses
          throw new WaitingError();
        }
      },
      {
        connection: this.redis.bullmq,
        prefix: this.prefix,
        concurrency: cap,
        lockDuration: LOCK_MS,
        stalledInterval: STALLED_CHECK_MS,
        maxStalledCount: MAX_STALLED,
        name: replicaId,
      },
    );
    worker.on('error', (error) => logger.warn('training worker error', { error }));
    worker.on('failed', (job, error) => {
      if (job && error.name !== 'WaitingError') onGivenUp(job.data, error.message);
    });
    await worker.waitUntilReady();
    this.worker = worker;
  }

  async enqueue(work: QueuedTraining): Promise<void> {
    await this.redis.runBounded(() =>
      this.queue.add('train', work, {
        jobId: `${work.orgId}-${work.jobId}`,
        removeOnComplete: { count: 1_000 },
        removeOnFail: { count: 1_000 },
      }),
    );
  }

  /** Trainings running and waiting, cluster-wide. */
  async counts(): Promise<{ active: number; waiting: number }> {
    const counts = await this.redis.runBounded(() =>
      this.queue.getJobCounts('active', 'waiting', 'prioritized'),
    );
    return { active: counts.active ?? 0, waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) };
  }

  /** Stops taking jobs (after the processor returned for the ones running here) and disconnects. */
  async close(): Promise<void> {
    await this.worker?.close();
    await closeQueue(this.queue);
  }
}
