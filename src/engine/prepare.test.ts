import { EngineInputError } from './errors';
import { inferIntervalMs, MAX_SLOTS, type Point, prepareSeries, streamSeries } from './prepare';
import { seededRandom } from './test-support';

const NaN_ = Number.NaN;

interface PrepareCase {
  name: string;
  points: Point[];
  intervalMs?: number;
  /** Expected slot values; NaN marks a gap. */
  values: number[];
  /** Expected slot start times. */
  times: number[];
  slotOfPoint: number[];
  step: number;
}

const cases: PrepareCase[] = [
  {
    name: 'regular sorted points stay as they are',
    points: [
      [1000, 1],
      [1010, 2],
      [1020, 3],
    ],
    values: [1, 2, 3],
    times: [1000, 1010, 1020],
    slotOfPoint: [0, 1, 2],
    step: 10,
  },
  {
    name: 'unsorted input gets sorted',
    points: [
      [1020, 3],
      [1000, 1],
      [1010, 2],
    ],
    values: [1, 2, 3],
    times: [1000, 1010, 1020],
    slotOfPoint: [2, 0, 1],
    step: 10,
  },
  {
    name: 'duplicate timestamps are averaged into one slot',
    points: [
      [0, 1],
      [10, 2],
      [10, 4],
      [20, 3],
    ],
    values: [1, 3, 3],
    times: [0, 10, 20],
    slotOfPoint: [0, 1, 1, 2],
    step: 10,
  },
  {
    name: 'irregular sampling is regularised to the interval (points in one interval averaged)',
    points: [
      [0, 1],
      [12, 2],
      [19, 3],
      [31, 4],
    ],
    intervalMs: 10,
    values: [1, 2.5, NaN_, 4],
    times: [0, 10, 20, 30],
    slotOfPoint: [0, 1, 1, 3],
    step: 10,
  },
  {
    name: 'gaps in time stay NaN, never invented',
    points: [
      [0, 1],
      [10, 2],
      [20, 3],
      [50, 6],
    ],
    values: [1, 2, 3, NaN_, NaN_, 6],
    times: [0, 10, 20, 30, 40, 50],
    slotOfPoint: [0, 1, 2, 5],
    step: 10,
  },
  {
    name: 'null and NaN values are gaps',
    points: [
      [0, 1],
      [10, null],
      [20, NaN_],
      [30, 4],
    ],
    values: [1, NaN_, NaN_, 4],
    times: [0, 10, 20, 30],
    slotOfPoint: [0, 1, 2, 3],
    step: 10,
  },
  {
    name: 'a null beside a value in the same slot does not drag the mean',
    points: [
      [0, 1],
      [10, null],
      [10, 2],
      [20, 3],
    ],
    values: [1, 2, 3],
    times: [0, 10, 20],
    slotOfPoint: [0, 1, 1, 2],
    step: 10,
  },
  {
    name: 'an all-null series is all gaps, not an error',
    points: [
      [0, null],
      [10, null],
      [20, null],
    ],
    values: [NaN_, NaN_, NaN_],
    times: [0, 10, 20],
    slotOfPoint: [0, 1, 2],
    step: 10,
  },
  {
    name: 'a constant series stays constant',
    points: [
      [0, 5],
      [10, 5],
      [20, 5],
      [30, 5],
    ],
    values: [5, 5, 5, 5],
    times: [0, 10, 20, 30],
    slotOfPoint: [0, 1, 2, 3],
    step: 10,
  },
  {
    name: 'one point gives one slot and the documented 1 s interval',
    points: [[1_700_000_000_000, 7]],
    values: [7],
    times: [1_700_000_000_000],
    slotOfPoint: [0],
    step: 1000,
  },
  {
    name: 'all timestamps equal: one slot, averaged',
    points: [
      [500, 1],
      [500, 2],
      [500, 6],
    ],
    values: [3],
    times: [500],
    slotOfPoint: [0, 0, 0],
    step: 1000,
  },
  {
    name: 'the grid starts at the first timestamp, not at a round time',
    points: [
      [7, 1],
      [27, 2],
    ],
    intervalMs: 10,
    values: [1, NaN_, 2],
    times: [7, 17, 27],
    slotOfPoint: [0, 2],
    step: 10,
  },
];

describe('prepareSeries', () => {
  it.each(cases)('$name', ({ points, intervalMs, values, times, slotOfPoint, step }) => {
    const series = prepareSeries(points, intervalMs);
    expect(Array.from(series.values)).toEqual(values);
    expect(Array.from(series.times)).toEqual(times);
    expect(Array.from(series.slotOfPoint)).toEqual(slotOfPoint);
    expect(series.intervalMs).toBe(step);
  });

  it('does not modify its input', () => {
    const points: Point[] = [
      [20, 3],
      [0, 1],
      [10, 2],
    ];
    const copy = structuredClone(points);
    prepareSeries(points);
    expect(points).toEqual(copy);
  });

  it('maps every input point to the slot whose interval holds it, and each slot to the mean of its points', () => {
    const random = seededRandom(5);
    const step = 60_000;
    const points: Point[] = Array.from({ length: 400 }, () => [
      1_700_000_000_000 + Math.floor(random() * 300) * 20_000,
      random() < 0.1 ? null : Math.round(random() * 1000) / 10,
    ]);
    const series = prepareSeries(points, step);
    const sums = new Map<number, { sum: number; count: number }>();
    points.forEach(([t, v], k) => {
      const slot = series.slotOfPoint[k]!;
      expect(series.times[slot]!).toBeLessThanOrEqual(t);
      expect(t).toBeLessThan(series.times[slot]! + step);
      if (v === null) return;
      const acc = sums.get(slot) ?? { sum: 0, count: 0 };
      sums.set(slot, { sum: acc.sum + v, count: acc.count + 1 });
    });
    series.values.forEach((value, slot) => {
      const acc = sums.get(slot);
      if (acc) expect(value).toBeCloseTo(acc.sum / acc.count, 9);
      else expect(value).toBeNaN();
    });
    for (let i = 1; i < series.times.length; i++) expect(series.times[i]! - series.times[i - 1]!).toBe(step);
  });
});

describe('inferIntervalMs', () => {
  it.each<[string, number[], number]>([
    ['regular spacing', [0, 10, 20, 30], 10],
    ['unsorted', [30, 0, 20, 10], 10],
    ['one long gap among regular points', [0, 10, 20, 50, 60], 10],
    ['duplicates are not spacing', [0, 0, 10, 10, 20, 20], 10],
    ['the median of odd-count spacings', [0, 10, 30, 60], 20],
    ['jittered sampling', [0, 59_000, 120_000, 181_000, 240_000, 300_000, 361_000, 420_000], 60_000],
    ['a single timestamp falls back to 1 s', [5], 1000],
    ['all timestamps equal fall back to 1 s', [5, 5, 5], 1000],
  ])('%s', (_name, times, expected) => {
    expect(inferIntervalMs(times)).toBe(expected);
  });
});

describe('bad input', () => {
  it.each<[string, Point[], number | undefined, RegExp]>([
    ['an empty series', [], undefined, /empty/],
    [
      'an Infinity value, naming the point',
      [
        [0, 1],
        [10, 2],
        [20, Number.POSITIVE_INFINITY],
      ],
      undefined,
      /point 3.*Infinity/,
    ],
    ['a -Infinity value', [[0, Number.NEGATIVE_INFINITY]], undefined, /point 1.*-Infinity/],
    [
      'a NaN timestamp',
      [
        [0, 1],
        [Number.NaN, 2],
      ],
      undefined,
      /point 2.*timestamp/,
    ],
    ['an infinite timestamp', [[Number.POSITIVE_INFINITY, 1]], undefined, /point 1.*timestamp/],
    [
      'too many slots',
      [
        [0, 1],
        [MAX_SLOTS * 10, 2],
      ],
      10,
      /limit/,
    ],
    [
      'a zero interval',
      [
        [0, 1],
        [10, 2],
      ],
      0,
      /interval/,
    ],
    [
      'a negative interval',
      [
        [0, 1],
        [10, 2],
      ],
      -10,
      /interval/,
    ],
    [
      'a NaN interval',
      [
        [0, 1],
        [10, 2],
      ],
      Number.NaN,
      /interval/,
    ],
  ])('rejects %s with an EngineInputError', (_name, points, intervalMs, message) => {
    expect(() => prepareSeries(points, intervalMs)).toThrow(EngineInputError);
    expect(() => prepareSeries(points, intervalMs)).toThrow(message);
  });
});

describe('streamSeries', () => {
  it('keeps input order: one slot per point, no sorting, no merging', () => {
    const points: Point[] = [
      [20, 3],
      [0, 1],
      [10, 2],
      [10, 4],
      [30, null],
    ];
    const series = streamSeries(points);
    expect(Array.from(series.values)).toEqual([3, 1, 2, 4, NaN_]);
    expect(Array.from(series.times)).toEqual([20, 0, 10, 10, 30]);
    expect(Array.from(series.slotOfPoint)).toEqual([0, 1, 2, 3, 4]);
    expect(series.intervalMs).toBe(10);
  });

  it.each<[string, Point[], RegExp]>([
    ['an empty stream', [], /empty/],
    [
      'an Infinity value',
      [
        [0, 1],
        [10, Number.POSITIVE_INFINITY],
      ],
      /point 2/,
    ],
    ['a NaN timestamp', [[Number.NaN, 1]], /point 1/],
  ])('rejects %s', (_name, points, message) => {
    expect(() => streamSeries(points)).toThrow(EngineInputError);
    expect(() => streamSeries(points)).toThrow(message);
  });
});
