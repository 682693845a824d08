import { type ContinuousDetectorDefinition, parseDuration } from '@tidemark/core';
import type { OrgAccess } from '../access/org-access';
import type { ScoringService } from '../scoring/score-service';
import { outputDatabase, outputPoints } from './output';

/** Where a detector has got to; stored per org and detector id. */
export interface Checkpoint {
  /** Epoch ms up to which points are scored and written (exclusive), or null before the first run. */
  scoredUntil: number | null;
  lastRunAt: number | null;
  lastError: string | null;
}

export interface RunResult {
  scoredUntil: number | null;
  pointsWritten: number;
  chunks: number;
}

/** Most intervals scored per read/score/write round; the checkpoint advances after each. */
export const MAX_CHUNK_INTERVALS = 5_000;

const alignDown = (time: number, step: number) => Math.floor(time / step) * step;

/**
 * The window a run should score: complete intervals (ending `lag` before now) after the
 * checkpoint, at most `maxBackfill` back; a first run (no checkpoint) backfills `maxBackfill`.
 */
export function windowToScore(
  definition: ContinuousDetectorDefinition,
  scoredUntil: number | null,
  now: number,
) {
  const interval = parseDuration(definition.interval);
  const end = alignDown(now - parseDuration(definition.lag), interval);
  const earliest = alignDown(end - parseDuration(definition.maxBackfill), interval);
  return { from: Math.max(scoredUntil ?? earliest, earliest), to: end, interval };
}

/**
 * One run of a continuous detector: score the window in chunks through the scoring service (so
 * stored models and the LSTM fallback apply), write the results, and move the checkpoint after
 * each chunk is written. A crash re-scores at most one chunk, and rewriting it is idempotent.
 */
export async function runDetector(
  deps: { access: OrgAccess; scoring: ScoringService; defaultDatabase: string | null },
  orgId: number,
  definition: ContinuousDetectorDefinition,
  scoredUntil: number | null,
  now: number,
  saveCheckpoint: (scoredUntil: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<RunResult> {
  const { from, to, interval } = windowToScore(definition, scoredUntil, now);
  const database = outputDatabase(definition, deps.defaultDatabase);
  const influx = deps.access.client(orgId, database);
  let pointsWritten = 0;
  let chunks = 0;
  let until = scoredUntil;
  for (let chunkFrom = from; chunkFrom < to; chunkFrom += MAX_CHUNK_INTERVALS * interval) {
    signal?.throwIfAborted();
    const chunkTo = Math.min(to, chunkFrom + MAX_CHUNK_INTERVALS * interval);
    const response = await deps.scoring.score(
      orgId,
      {
        query: definition.query,
        range: { from: chunkFrom, to: chunkTo },
        intervalMs: interval,
        detector: definition.detector,
      },
      signal ? { signal } : {},
    );
    for (const series of response.series) {
      const points = [...outputPoints(orgId, definition, series)].filter(
        (p) => p.time >= chunkFrom && p.time < chunkTo,
      );
      // Not aborted mid-request: influxd may apply a write whose client gave up, after the abort.
      signal?.throwIfAborted();
      pointsWritten += await influx.write(
        database,
        points,
        definition.output.retentionPolicy ? { retentionPolicy: definition.output.retentionPolicy } : {},
      );
    }
    signal?.throwIfAborted();
    await saveCheckpoint(chunkTo);
    until = chunkTo;
    chunks++;
  }
  return { scoredUntil: until, pointsWritten, chunks };
}
