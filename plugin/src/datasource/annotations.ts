import { createDataFrame, type DataFrame, dateTimeFormat, FieldType } from '@grafana/data';
import type { Region, ScoreResponse } from '@tidemark/core';
import { seriesTitle } from './frames';

/** A region with what it belongs to: a series, and for stored regions the continuous detector. */
export type LabelledRegion = Region & {
  series?: string;
  tags?: Record<string, string>;
  detectorName?: string;
};

/**
 * Regions as one annotations frame. Grafana turns the fields `time`, `timeEnd`, `title`, `text` and
 * `tags` into region annotations, which every time-series panel of the dashboard shades.
 */
export function annotationsFrame(regions: LabelledRegion[], refId: string): DataFrame {
  return createDataFrame({
    refId,
    name: 'Tidemark anomalies',
    fields: [
      { name: 'time', type: FieldType.time, values: regions.map((r) => r.start) },
      { name: 'timeEnd', type: FieldType.time, values: regions.map((r) => r.end) },
      { name: 'title', type: FieldType.string, values: regions.map(titleOf) },
      { name: 'text', type: FieldType.string, values: regions.map(textOf) },
      { name: 'tags', type: FieldType.other, values: regions.map(tagsOf) },
    ],
  });
}

/** Regions found while scoring a query, labelled with the series they belong to. */
export function regionsFromResponse(response: ScoreResponse): LabelledRegion[] {
  return response.series.flatMap((series) =>
    series.regions.map((region) => ({ ...region, series: seriesTitle(series), tags: series.tags })),
  );
}

function titleOf(region: LabelledRegion): string {
  return region.series ? `Anomaly in ${region.series}` : 'Anomaly';
}

function textOf(region: LabelledRegion): string {
  const peak = `peak score ${Math.round(region.peakScore)} at ${dateTimeFormat(region.peakTime, { timeZone: 'utc', format: 'YYYY-MM-DD HH:mm:ss' })} UTC`;
  const by = region.detectorName ? ` — continuous detector "${region.detectorName}"` : '';
  return `${region.explanation} (${peak})${by}`;
}

function tagsOf(region: LabelledRegion): string[] {
  const seriesTags = Object.entries(region.tags ?? {}).map(([key, value]) => `${key}=${value}`);
  return ['tidemark', region.detector, ...(region.detectorName ? [region.detectorName] : []), ...seriesTags];
}
