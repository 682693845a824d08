import type { Notice, ScoredSeries } from '@tidemark/core';

/**
 * One series from the parts of it scored span by span (see `segmentsOf`), in time order. An
 * anomaly region running over a span's end into the next span's first point is one region,
 * described by the higher of the two peaks; notices are said once.
 */
export function joinSegments(parts: readonly ScoredSeries[]): ScoredSeries {
  const [first, ...rest] = parts;
  if (!first) throw new Error('joinSegments needs at least one part');
  const joined: ScoredSeries = { ...first, regions: [...first.regions] };
  for (const part of rest) {
    const lastTime = joined.time.at(-1);
    const open = joined.regions.at(-1);
    const [next, ...later] = part.regions;
    if (open && next && open.end === lastTime && next.start === part.time[0]) {
      const peak = next.peakScore > open.peakScore ? next : open;
      joined.regions[joined.regions.length - 1] = { ...peak, start: open.start, end: next.end };
      joined.regions.push(...later);
    } else {
      joined.regions.push(...part.regions);
    }
    // concat, not push(...): a column can hold more values than a call takes arguments.
    joined.time = joined.time.concat(part.time);
    joined.value = joined.value.concat(part.value);
    joined.expected = joined.expected.concat(part.expected);
    joined.lower = joined.lower.concat(part.lower);
    joined.upper = joined.upper.concat(part.upper);
    joined.score = joined.score.concat(part.score);
    joined.anomaly = joined.anomaly.concat(part.anomaly);
  }
  joined.notices = uniqueNotices(parts.flatMap((part) => part.notices));
  return joined;
}

export function uniqueNotices(notices: readonly Notice[]): Notice[] {
  const seen = new Map<string, Notice>();
  for (const notice of notices) if (!seen.has(notice.text)) seen.set(notice.text, notice);
  return [...seen.values()];
}
