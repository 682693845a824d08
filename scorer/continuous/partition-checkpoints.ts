import { createHash } from 'node:crypto';
import { type Checkpoint, emptyCheckpoint } from './runner';

/** One partition's checkpoint id: bounded (a detector id can have 128 characters), stable. */
export const partitionCheckpointId = (detectorId: string, partition: number, partitions: number) =>
  `${createHash('sha256').update(detectorId).digest('hex').slice(0, 32)}-${partitions}-${partition}`;

/**
 * A detector's progress over its partitions: scored up to the one furthest behind, and null
 * until every partition has run once (a partition without a checkpoint has scored nothing).
 */
export function mergeCheckpoints(all: Array<Checkpoint | null>): Checkpoint | null {
  const parts = all.filter((c): c is Checkpoint => c !== null);
  if (parts.length === 0) return null;
  const until = parts.map((c) => c.scoredUntil);
  const ranAt = parts.map((c) => c.lastRunAt).filter((t): t is number => t !== null);
  const lastSkip = parts
    .map((c) => c.skipped.last)
    .filter((skip) => skip !== null)
    .sort((a, b) => b.to - a.to)[0];
  return {
    ...emptyCheckpoint(),
    scoredUntil: parts.length < all.length || until.includes(null) ? null : Math.min(...(until as number[])),
    lastRunAt: ranAt.length > 0 ? Math.max(...ranAt) : null,
    lastError: parts.find((c) => c.lastError)?.lastError ?? null,
    latePoints: parts.reduce((sum, c) => sum + c.latePoints, 0),
    skipped: {
      points: parts.reduce((sum, c) => sum + c.skipped.points, 0),
      intervals: Math.max(...parts.map((c) => c.skipped.intervals)),
      last: lastSkip ?? null,
    },
  };
}
