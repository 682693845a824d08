import { createDataFrame, type DataFrame, dateTimeFormat, FieldType } from '@grafana/data';
import type { Mark, Region, ScoreResponse } from '@tidemark/core';
import type { AnnotationsResponse } from './api';
import { seriesTitle } from './frames';

/** A region with what it belongs to: a series, and for stored regions the continuous detector. */
export type LabelledRegion = Region & {
  series?: string;
  tags?: Record<string, string>;
  detectorName?: string;
};

/** One region annotation as Grafana reads it from a frame row. */
interface AnnotationRow {
  time: number;
  timeEnd: number;
  title: string;
  text: string;
  tags: string[];
}

/**
 * Regions (and, from the stored detectors, marks and maintenance periods) as one annotations
 * frame. Grafana turns the fields `time`, `timeEnd`, `title`, `text` and `tags` into region
 * annotations, which every time-series panel of the dashboard shades.
 */
export function annotationsFrame(
  regions: LabelledRegion[],
  refId: string,
  stored: Pick<AnnotationsResponse, 'marks' | 'maintenance'> = { marks: [], maintenance: [] },
): DataFrame {
  const rows: AnnotationRow[] = [
    ...regions.map((r) => ({
      time: r.start,
      timeEnd: r.end,
      title: titleOf(r),
      text: textOf(r),
      tags: tagsOf(r),
    })),
    ...stored.marks.map(markRow),
    ...stored.maintenance.map((period) => ({
      time: period.from,
      timeEnd: period.to,
      title: `Maintenance: ${period.name ?? period.window}`,
      text: `Maintenance window "${period.name ?? period.window}" on continuous detector "${period.detectorName}": not learned from, not flagged`,
      tags: ['tidemark', 'maintenance', period.detectorName],
    })),
  ];
  return createDataFrame({
    refId,
    name: 'Tidemark anomalies',
    fields: [
      { name: 'time', type: FieldType.time, values: rows.map((r) => r.time) },
      { name: 'timeEnd', type: FieldType.time, values: rows.map((r) => r.timeEnd) },
      { name: 'title', type: FieldType.string, values: rows.map((r) => r.title) },
      { name: 'text', type: FieldType.string, values: rows.map((r) => r.text) },
      { name: 'tags', type: FieldType.other, values: rows.map((r) => r.tags) },
    ],
  });
}

export const MARK_TITLES: Record<Mark['kind'], string> = {
  'not-anomaly': 'Marked not an anomaly',
  missed: 'Marked missed anomaly',
};

function markRow(mark: Mark): AnnotationRow {
  const by = mark.createdBy ? ` by ${mark.createdBy}` : '';
  return {
    time: mark.from,
    timeEnd: mark.to,
    title: `${MARK_TITLES[mark.kind]}: ${mark.series}`,
    text: `${mark.note ? `${mark.note} — ` : ''}marked${by} on continuous detector "${mark.detector}"`,
    tags: ['tidemark', 'mark', mark.kind, mark.detector],
  };
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
