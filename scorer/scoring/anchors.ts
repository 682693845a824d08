import type { TimeRange } from '@tidemark/core';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** A span holds at most this many intervals: scoring starts at its anchor, so it bounds the work. */
export const MAX_SPAN_INTERVALS = 4_000;

/**
 * How often scoring is anchored for an interval: the longest of a UTC week, day or hour that
 * holds at most `MAX_SPAN_INTERVALS` intervals (else that many intervals, or 64 of intervals
 * longer than a week). Spans are counted from the Unix epoch, so a UTC day starts at midnight.
 */
export function anchorSpanMs(intervalMs: number): { spanMs: number; name: string } {
  for (const [spanMs, name] of [
    [WEEK, 'week'],
    [DAY, 'day'],
    [HOUR, 'hour'],
  ] as const) {
    if (spanMs >= intervalMs && spanMs / intervalMs <= MAX_SPAN_INTERVALS) return { spanMs, name };
  }
  const count = intervalMs > WEEK ? 64 : MAX_SPAN_INTERVALS;
  return { spanMs: count * intervalMs, name: `${count} intervals` };
}

/** One span's part of a range: its points in [from, to) are scored from `anchor` on. */
export interface Segment {
  /** Where the span starts, at an interval boundary: what is learned comes from before it. */
  anchor: number;
  from: number;
  to: number;
}

const alignDown = (time: number, step: number) => Math.floor(time / step) * step;

/**
 * The spans a range covers, in order. A point at time t always falls in the same span (the one
 * whose anchor is the last at or before t), so it is scored the same in every range holding it.
 * Anchors are span starts moved down to an interval boundary, where InfluxDB's buckets start.
 */
export function segmentsOf(range: TimeRange, intervalMs: number): Segment[] {
  const { spanMs } = anchorSpanMs(intervalMs);
  const anchorOf = (k: number) => alignDown(k * spanMs, intervalMs);
  const segments: Segment[] = [];
  for (let k = Math.floor(range.from / spanMs); anchorOf(k) < range.to; k++) {
    const from = Math.max(anchorOf(k), range.from);
    const to = Math.min(anchorOf(k + 1), range.to);
    if (from < to) segments.push({ anchor: anchorOf(k), from, to });
  }
  return segments;
}
