import {
  createDataFrame,
  type DataFrame,
  type FieldConfig,
  FieldType,
  type QueryResultMetaNotice,
  ThresholdsMode,
} from '@grafana/data';
import type { Notice, ScoredSeries, ScoreResponse } from '@tidemark/core';

/** Column names of a scored frame; the bands panel finds its fields by these names. */
export const FIELD = {
  time: 'time',
  value: 'value',
  expected: 'expected',
  lower: 'lower',
  upper: 'upper',
  score: 'score',
  anomaly: 'anomaly',
} as const;

/** What the bands panel reads from `frame.meta.custom` besides the columns. */
export interface ScoredFrameMeta {
  tidemark: { detector: string; threshold: number; regions: ScoredSeries['regions'] };
}

/**
 * Per series: `cpu usage_idle {host=a}` — unique within one response, used in every display name.
 * The scorer already names series this way; a bare name gets its tags appended.
 */
export function seriesTitle(series: Pick<ScoredSeries, 'name' | 'tags'>): string {
  const tags = Object.entries(series.tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  if (!tags || series.name.endsWith(`{${tags}}`)) return series.name;
  return `${series.name} {${tags}}`;
}

/** One frame per scored series; response-level notices go on the first frame so Grafana shows them once. */
export function framesFromResponse(
  response: ScoreResponse,
  refId: string,
  titleOf: (series: ScoredSeries) => string = seriesTitle,
): DataFrame[] {
  const frames = response.series.map((series, index) =>
    frameFromSeries(series, refId, index === 0 ? response.notices : [], titleOf(series)),
  );
  if (frames.length > 0) return frames;
  return [createDataFrame({ refId, fields: [], meta: { notices: response.notices.map(toGrafanaNotice) } })];
}

export function frameFromSeries(
  series: ScoredSeries,
  refId: string,
  extraNotices: Notice[] = [],
  title = seriesTitle(series),
): DataFrame {
  const displayName = (column: string) => (column === FIELD.value ? title : `${title} ${column}`);
  const number = (name: keyof typeof FIELD, values: Array<number | null>, config: FieldConfig) => ({
    name,
    type: FieldType.number,
    values,
    labels: series.tags,
    config: { displayNameFromDS: displayName(name), ...config },
  });
  const meta: ScoredFrameMeta = {
    tidemark: { detector: series.detector, threshold: series.threshold, regions: series.regions },
  };
  return createDataFrame({
    refId,
    name: title,
    meta: {
      preferredVisualisationType: 'graph',
      notices: [...extraNotices, ...series.notices].map(toGrafanaNotice),
      custom: meta,
    },
    fields: [
      { name: FIELD.time, type: FieldType.time, values: series.time, config: {} },
      number('value', series.value, { custom: { lineWidth: 2, fillOpacity: 0 } }),
      number('expected', series.expected, {
        custom: { lineWidth: 1, lineStyle: { fill: 'dash', dash: [6, 4] }, fillOpacity: 0 },
      }),
      number('lower', series.lower, {
        custom: { lineWidth: 0, fillOpacity: 0, hideFrom: { legend: true, tooltip: false, viz: false } },
      }),
      number('upper', series.upper, {
        custom: {
          // Grafana's time-series panel fills from this field down to the lower one: the band.
          fillBelowTo: displayName(FIELD.lower),
          fillOpacity: 15,
          lineWidth: 0,
          hideFrom: { legend: true, tooltip: false, viz: false },
        },
      }),
      number('score', series.score, scoreConfig(series.threshold)),
      {
        name: FIELD.anomaly,
        type: FieldType.boolean,
        values: series.anomaly,
        labels: series.tags,
        config: {
          displayNameFromDS: displayName(FIELD.anomaly),
          custom: { hideFrom: { legend: true, tooltip: false, viz: true } },
        },
      },
    ],
  });
}

/** The score on its own right-hand 0–100 axis, with the flagging threshold drawn dashed. */
function scoreConfig(threshold: number): FieldConfig {
  return {
    min: 0,
    max: 100,
    decimals: 0,
    thresholds: {
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: 'green' },
        { value: threshold, color: 'red' },
      ],
    },
    custom: {
      axisPlacement: 'right',
      axisLabel: 'anomaly score',
      axisSoftMin: 0,
      axisSoftMax: 100,
      lineWidth: 1,
      fillOpacity: 10,
      thresholdsStyle: { mode: 'dashed' },
    },
  };
}

export function toGrafanaNotice(notice: Notice): QueryResultMetaNotice {
  return { severity: notice.severity, text: notice.text };
}
