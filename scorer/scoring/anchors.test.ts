import { anchorSpanMs, segmentsOf } from './anchors';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONDAY = Date.UTC(2024, 0, 1);

describe('anchorSpanMs', () => {
  it.each([
    [MINUTE, 'day'],
    [5 * MINUTE, 'week'],
    [10_000, 'hour'],
    [30_000, 'day'],
    [HOUR, 'week'],
    [500, '4000 intervals'],
    [30 * DAY, '64 intervals'],
  ])('anchors an interval of %d ms every %s', (intervalMs, name) => {
    expect(anchorSpanMs(intervalMs).name).toBe(name);
  });
});

describe('segmentsOf', () => {
  it('cuts a range at the start of each UTC day, whatever the range', () => {
    const range = { from: MONDAY + 18 * HOUR + 30_000, to: MONDAY + DAY + 6 * HOUR };
    expect(segmentsOf(range, MINUTE)).toEqual([
      { anchor: MONDAY, from: range.from, to: MONDAY + DAY },
      { anchor: MONDAY + DAY, from: MONDAY + DAY, to: range.to },
    ]);
    expect(segmentsOf({ from: MONDAY + DAY + HOUR, to: range.to }, MINUTE)).toEqual([
      { anchor: MONDAY + DAY, from: MONDAY + DAY + HOUR, to: range.to },
    ]);
  });

  it('puts anchors on interval boundaries when the interval does not divide the span', () => {
    const seven = 7_000; // hourly spans; an hour is not a whole number of 7 s intervals
    const segments = segmentsOf({ from: MONDAY + 20.5 * HOUR, to: MONDAY + 21.5 * HOUR }, seven);
    expect(segments.map((s) => s.anchor % seven)).toEqual([0, 0]);
    expect(segments[1]!.anchor).toBeLessThanOrEqual(MONDAY + 21 * HOUR);
    expect(segments[1]!.anchor).toBeGreaterThan(MONDAY + 21 * HOUR - seven);
    expect(segments[0]!.to).toBe(segments[1]!.anchor);
  });
});
