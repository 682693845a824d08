import { type DataFrame, type Field, FieldType, getFieldDisplayName } from '@grafana/data';
import type { Region } from '@tidemark/core';

/** Threshold assumed for frames that carry none (the contract's `medium` sensitivity). */
export const FALLBACK_THRESHOLD = 70;

/** One drawable series: a value line, and when its frame has them, a band, a score and anomaly flags. */
export interface PanelSeries {
  key: string;
  title: string;
  time: number[];
  value: Array<number | null>;
  valueField: Field;
  expected?: Array<number | null>;
  lower?: Array<number | null>;
  upper?: Array<number | null>;
  score?: Array<number | null>;
  anomaly?: boolean[];
  /** Deviation in standard deviations, when the source sends a `sigma` column. */
  sigma?: Array<number | null>;
  detector?: string;
  threshold: number;
  regions: Region[];
  /** Colour fixed in the field config, if any. */
  fixedColor?: string;
}

const BAND_COLUMNS = ['expected', 'lower', 'upper', 'score', 'anomaly', 'sigma'] as const;

interface TidemarkMeta {
  tidemark?: { detector?: string; threshold?: number; regions?: Region[] };
}

/**
 * Reads series from any frames. A frame with a `value` field and any of the band columns (as the
 * Tidemark data source returns) gives one banded series; any other numeric field is a plain line.
 */
export function seriesFromFrames(frames: DataFrame[]): PanelSeries[] {
  return frames.flatMap((frame, frameIndex) => {
    const timeField = frame.fields.find((field) => field.type === FieldType.time);
    if (!timeField || frame.length === 0) return [];
    const time = timeField.values.map(Number);
    const byName = new Map(frame.fields.map((field) => [field.name, field]));
    const valueField = byName.get('value');
    const banded = valueField && BAND_COLUMNS.some((column) => byName.has(column));
    if (banded) return [bandedSeries(frame, frameIndex, time, valueField, byName, frames)];
    return frame.fields
      .filter((field) => field.type === FieldType.number)
      .map((field, fieldIndex) => plainSeries(field, `${frameIndex}:${fieldIndex}`, time, frame, frames));
  });
}

function bandedSeries(
  frame: DataFrame,
  frameIndex: number,
  time: number[],
  valueField: Field,
  byName: Map<string, Field>,
  frames: DataFrame[],
): PanelSeries {
  const numbers = (name: string) => {
    const field = byName.get(name);
    return field ? field.values.map(toNumberOrNull) : undefined;
  };
  const meta = (frame.meta?.custom ?? {}) as TidemarkMeta;
  const anomalyField = byName.get('anomaly');
  return {
    ...plainSeries(valueField, `${frameIndex}`, time, frame, frames),
    title: frame.name ?? getFieldDisplayName(valueField, frame, frames),
    expected: numbers('expected'),
    lower: numbers('lower'),
    upper: numbers('upper'),
    score: numbers('score'),
    sigma: numbers('sigma'),
    anomaly: anomalyField ? anomalyField.values.map(Boolean) : undefined,
    detector: meta.tidemark?.detector,
    threshold: meta.tidemark?.threshold ?? FALLBACK_THRESHOLD,
    regions: meta.tidemark?.regions ?? [],
  };
}

function plainSeries(
  field: Field,
  key: string,
  time: number[],
  frame: DataFrame,
  frames: DataFrame[],
): PanelSeries {
  const color = field.config.color;
  return {
    key,
    title: getFieldDisplayName(field, frame, frames),
    time,
    value: field.values.map(toNumberOrNull),
    valueField: field,
    threshold: FALLBACK_THRESHOLD,
    regions: [],
    fixedColor: color?.mode === 'fixed' ? color.fixedColor : undefined,
  };
}

function toNumberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Anomaly flags: the series' own, else the score against the threshold. */
export function anomalyFlags(series: PanelSeries, threshold = series.threshold): boolean[] {
  if (series.anomaly) return series.anomaly;
  if (series.score) return series.score.map((score) => score !== null && score >= threshold);
  return series.time.map(() => false);
}

/**
 * The index into `times` to show for a cursor at `times[idx]`: the flagged point of any of the
 * series nearest to it with a time in `[from, to]` (what lies under the cursor), else `idx`.
 */
export function flaggedNear(
  series: PanelSeries[],
  times: number[],
  idx: number,
  from: number,
  to: number,
  threshold?: number,
): number {
  const flags = series.map((s) => ({ s, flags: anomalyFlags(s, threshold ?? s.threshold) }));
  const flagged = (i: number) =>
    flags.some(({ s, flags }) => {
      const at = s.time.indexOf(times[i]!);
      return at >= 0 && flags[at] === true;
    });
  for (let step = 0; ; step++) {
    const left = idx - step;
    const right = idx + step;
    const leftIn = left >= 0 && times[left]! >= from;
    const rightIn = right < times.length && times[right]! <= to;
    if (!leftIn && !rightIn) return idx;
    const leftFlagged = leftIn && flagged(left);
    const rightFlagged = rightIn && flagged(right);
    if (leftFlagged && rightFlagged) {
      return times[idx]! - times[left]! <= times[right]! - times[idx]! ? left : right;
    }
    if (leftFlagged) return left;
    if (rightFlagged) return right;
  }
}

/** All timestamps of all series, sorted and unique: uPlot draws every series against one x array. */
export function joinTimes(series: PanelSeries[]): number[] {
  if (series.length === 1) return series[0]!.time;
  return Array.from(new Set(series.flatMap((s) => s.time))).sort((a, b) => a - b);
}

/** A series column re-indexed onto the joined times; missing points are gaps (null), never invented. */
export function alignColumn<T>(
  series: PanelSeries,
  column: Array<T | null>,
  times: number[],
): Array<T | null> {
  if (series.time === times) return column;
  const index = new Map(series.time.map((t, i) => [t, i]));
  return times.map((t) => {
    const i = index.get(t);
    return i === undefined ? null : (column[i] ?? null);
  });
}

/** The region covering a time, if any. */
export function regionAt(series: PanelSeries, time: number): Region | undefined {
  return series.regions.find((region) => region.start <= time && time <= region.end);
}
