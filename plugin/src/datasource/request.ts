import { DETECTOR_IDS, type ScoreRequest, scoreRequestSchema } from '@tidemark/core';
import type { TidemarkQuery } from './types';

/** Builds the contract's ScoreRequest from an interpolated query, or says in plain words what is missing. */
export function toScoreRequest(
  query: TidemarkQuery,
  from: number,
  to: number,
  intervalMs: number,
): ScoreRequest {
  const missing = (['database', 'measurement', 'field'] as const).filter((key) => !query[key]);
  if (missing.length > 0) throw new Error(`Choose a ${missing.join(', a ')} in the query editor.`);
  if (!(DETECTOR_IDS as readonly string[]).includes(query.detector)) {
    throw new Error(`Unknown detector "${query.detector}": use one of ${DETECTOR_IDS.join(', ')}.`);
  }
  const request = {
    query: {
      database: query.database,
      ...(query.retentionPolicy ? { retentionPolicy: query.retentionPolicy } : {}),
      measurement: query.measurement,
      ...((query.fields?.length ?? 0) > 1 ? { fields: query.fields } : { field: query.field }),
      tags: query.tags.filter((tag) => tag.key !== ''),
      groupBy: query.groupBy,
      aggregation: query.aggregation,
    },
    range: { from, to },
    intervalMs: Math.max(1, Math.round(intervalMs)),
    detector: {
      id: query.detector,
      params: {
        sensitivity: query.sensitivity,
        ...(query.threshold !== undefined ? { threshold: query.threshold } : {}),
        ...(query.trainingWindow ? { trainingWindow: query.trainingWindow } : {}),
        ...(query.season ? { season: query.season } : {}),
      },
    },
  };
  const parsed = scoreRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid query: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return request as ScoreRequest;
}
