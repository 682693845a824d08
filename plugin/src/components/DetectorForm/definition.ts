import {
  type ContinuousDetector,
  type ContinuousDetectorInput,
  type DetectorSpec,
  parseDuration,
  type SeriesQuery,
} from '@tidemark/core';
import { toScoreRequest } from '../../datasource/request';
import { DEFAULT_QUERY, type TidemarkQuery } from '../../datasource/types';

/**
 * A continuous detector as the form edits it: the series and detector in the query editor's own
 * model (so the page reuses the data source's query editor), the schedule as typed.
 */
export interface DetectorDraft {
  id: string;
  name: string;
  query: TidemarkQuery;
  interval: string;
  schedule: string;
  enabled: boolean;
  /** Kept as loaded, so editing in the form does not reset what it does not show. */
  rest: Pick<ContinuousDetectorInput, 'lag' | 'maxBackfill' | 'lateWindow' | 'output'>;
}

export const NEW_DRAFT: DetectorDraft = {
  id: '',
  name: '',
  query: { ...DEFAULT_QUERY, refId: 'detector' },
  interval: '1m',
  schedule: '',
  enabled: true,
  rest: {},
};

/** The query editor's model for a stored series query and detector spec. */
export function toEditorQuery(query: SeriesQuery, detector: DetectorSpec, refId = 'detector'): TidemarkQuery {
  return {
    ...DEFAULT_QUERY,
    refId,
    database: query.database,
    ...(query.retentionPolicy ? { retentionPolicy: query.retentionPolicy } : {}),
    measurement: query.measurement,
    field: query.field,
    tags: query.tags,
    groupBy: query.groupBy,
    aggregation: query.aggregation,
    detector: detector.id,
    sensitivity: detector.params.sensitivity ?? DEFAULT_QUERY.sensitivity,
    ...(detector.params.threshold !== undefined ? { threshold: detector.params.threshold } : {}),
    ...(detector.params.trainingWindow ? { trainingWindow: detector.params.trainingWindow } : {}),
    ...(detector.params.season ? { season: detector.params.season } : {}),
  };
}

export function draftOf(detector: ContinuousDetector): DetectorDraft {
  return {
    id: detector.id,
    name: detector.name ?? '',
    query: toEditorQuery(detector.query, detector.detector),
    interval: detector.interval,
    schedule: detector.schedule ?? '',
    enabled: detector.enabled,
    rest: {
      lag: detector.lag,
      maxBackfill: detector.maxBackfill,
      ...(detector.lateWindow ? { lateWindow: detector.lateWindow } : {}),
      output: detector.output,
    },
  };
}

/** The series query and detector spec of an editor query, or the query editor's plain-words error. */
export function seriesAndDetector(query: TidemarkQuery): Pick<ContinuousDetectorInput, 'query' | 'detector'> {
  const { query: series, detector } = toScoreRequest(query, 0, 1, 60_000);
  const { field, fields, ...rest } = series;
  if (fields && fields.length > 1) {
    throw new Error(
      'A continuous detector scores one field: keep one, and make a detector for each other field.',
    );
  }
  return { query: { ...rest, field: field ?? fields?.[0] ?? '' }, detector };
}

/** The API's definition for a draft; the scorer validates it again and answers problem+json. */
export function definitionOf(draft: DetectorDraft): ContinuousDetectorInput {
  return {
    id: draft.id.trim(),
    ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
    ...seriesAndDetector(draft.query),
    interval: draft.interval.trim(),
    ...(draft.schedule.trim() ? { schedule: draft.schedule.trim() } : {}),
    enabled: draft.enabled,
    ...draft.rest,
  };
}

/** Milliseconds of a duration the user typed, or null when it is not one. */
export function durationMs(text: string): number | null {
  try {
    return parseDuration(text.trim());
  } catch {
    return null;
  }
}
