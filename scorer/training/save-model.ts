import type { SeriesQuery } from '@tidemark/core';
import { encodeModel, type TrainedModel } from '@tidemark/core/engine';
import { modelIdFor, queryKey, seriesKey, seriesName } from '../scoring/series-identity';
import type { ModelRecord, StateStore } from '../store';

export interface SeriesModel {
  /** The query and group-by tag values of the one series the model scores. */
  query: SeriesQuery;
  tags: Record<string, string>;
  model: TrainedModel;
  createdBy: string | null;
  /** Display name in listings; default the series' name (`cpu value {host=a}`). */
  name?: string;
  /** More of what the version records (e.g. the job that trained it). */
  info?: Record<string, unknown>;
}

/**
 * Stores a model as the next version of its series' model (a training job's, or an uploaded
 * file's): the id and lookup key come from the series, so scoring that series uses it.
 */
export function saveSeriesModel(store: StateStore, orgId: number, input: SeriesModel): Promise<ModelRecord> {
  const { query, tags, model } = input;
  const key = seriesKey(query, tags, model.detector);
  return store.models.saveVersion(
    orgId,
    {
      id: modelIdFor(key, model.detector),
      key,
      detector: model.detector,
      labels: {
        series: input.name ?? seriesName(query, tags),
        tags,
        query,
        intervalMs: model.intervalMs,
        queryKey: queryKey(query, model.detector),
        period: model.period,
      },
      info: {
        trainedFrom: model.trainedFrom,
        trainedTo: model.trainedTo,
        trainedPoints: model.trainedPoints,
        ...input.info,
      },
      createdBy: input.createdBy,
    },
    encodeModel(model),
  );
}
