import {
  instantSchema,
  requestsPerField,
  scorePointsRequestSchema,
  scoreRequestSchema,
  scoreResponseSchema,
  singleFieldScoreRequestSchema,
  timeRangeSchema,
} from './requests';
import { CONTRACT_VERSION } from './version';

const JAN_1 = Date.UTC(2024, 0, 1);

describe('instantSchema', () => {
  it.each<[unknown, number]>([
    [JAN_1, JAN_1],
    [0, 0],
    [-5, -5],
    [1.5, 1.5],
    ['2024-01-01T00:00:00Z', JAN_1],
    ['2024-01-01T00:00:00.123Z', JAN_1 + 123],
    ['2024-01-01T02:00:00+02:00', JAN_1],
    ['2023-12-31T19:00:00-05:00', JAN_1],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads %j as %p ms', (input, ms) => {
    expect(instantSchema.parse(input)).toBe(ms);
  });

  it.each<[string, unknown]>([
    ['an ISO time without a zone', '2024-01-01T00:00:00'],
    ['a date without a time', '2024-01-01'],
    ['a day that does not exist', '2024-02-30T00:00:00Z'],
    ['29 February of a common year', '2023-02-29T00:00:00Z'],
    ['epoch milliseconds as text', '1704067200000'],
    ['relative time', 'now-6h'],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['NaN', Number.NaN],
    ['null', null],
  ])('rejects %s', (_name, input) => {
    expect(instantSchema.safeParse(input).success).toBe(false);
  });
});

describe('timeRangeSchema', () => {
  it.each<[string, unknown, { from: number; to: number }]>([
    ['epoch milliseconds', { from: JAN_1, to: JAN_1 + 1 }, { from: JAN_1, to: JAN_1 + 1 }],
    [
      'ISO instants',
      { from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' },
      { from: JAN_1, to: JAN_1 + 86_400_000 },
    ],
    ['mixed forms', { from: '2024-01-01T00:00:00Z', to: JAN_1 + 1 }, { from: JAN_1, to: JAN_1 + 1 }],
  ])('accepts %s with from < to', (_name, input, expected) => {
    expect(timeRangeSchema.parse(input)).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['from = to', { from: JAN_1, to: JAN_1 }],
    ['from after to', { from: JAN_1 + 1, to: JAN_1 }],
    ['from after to across forms', { from: '2024-01-01T00:00:00.001Z', to: JAN_1 }],
    ['same instant in two zones', { from: '2024-01-01T02:00:00+02:00', to: '2024-01-01T00:00:00Z' }],
  ])('rejects %s, pointing at `from`', (_name, input) => {
    const result = timeRangeSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(['from']);
  });

  it.each<[string, unknown]>([
    ['a missing end', { from: JAN_1 }],
    ['an unknown key', { from: JAN_1, to: JAN_1 + 1, tz: 'UTC' }],
  ])('rejects %s', (_name, input) => {
    expect(timeRangeSchema.safeParse(input).success).toBe(false);
  });
});

const query = { database: 'telegraf', measurement: 'cpu', field: 'usage_idle' };
const range = { from: JAN_1, to: JAN_1 + 3_600_000 };

describe('scoreRequestSchema', () => {
  it('fills the defaults of a minimal request', () => {
    const parsed = scoreRequestSchema.parse({ query, range, intervalMs: 60_000 });
    expect(parsed.detector).toEqual({ id: 'ensemble', params: {} });
    expect(parsed.query).toMatchObject({ tags: [], groupBy: [], aggregation: 'mean' });
  });

  it.each<[string, Record<string, unknown>]>([
    ['an unknown top-level key', { query, range, intervalMs: 60_000, limit: 5 }],
    ['an unknown query key', { query: { ...query, bucket: 'b' }, range, intervalMs: 60_000 }],
    [
      'an unknown tag-filter key',
      { query: { ...query, tags: [{ key: 'host', value: 'a', op: '=' }] }, range, intervalMs: 60_000 },
    ],
    ['an unknown detector key', { query, range, intervalMs: 60_000, detector: { id: 'robust', mode: 'x' } }],
    ['an unknown detector param', { query, range, intervalMs: 60_000, detector: { params: { alpha: 1 } } }],
    ['an interval of 0', { query, range, intervalMs: 0 }],
    ['a negative interval', { query, range, intervalMs: -60_000 }],
    ['a fractional interval', { query, range, intervalMs: 1.5 }],
    ['an empty measurement', { query: { ...query, measurement: '' }, range, intervalMs: 60_000 }],
    ['an inverted range', { query, range: { from: range.to, to: range.from }, intervalMs: 60_000 }],
    ['a missing range', { query, intervalMs: 60_000 }],
    ['neither field nor fields', { query: { ...query, field: undefined }, range, intervalMs: 60_000 }],
    [
      'an empty fields list',
      { query: { ...query, field: undefined, fields: [] }, range, intervalMs: 60_000 },
    ],
    [
      'a regex filter that does not parse',
      {
        query: { ...query, tags: [{ key: 'host', operator: '=~', value: 'a[' }] },
        range,
        intervalMs: 60_000,
      },
    ],
  ])('rejects %s', (_name, request) => {
    expect(scoreRequestSchema.safeParse(request).success).toBe(false);
  });

  it('accepts RE2 spellings JavaScript lacks (flags, named groups) in a regex filter', () => {
    for (const value of ['(?i)^web', '(?P<n>a)|(?s:b.c)', '^\\Qa.b\\E$']) {
      const tags = [{ key: 'host', operator: '=~', value }];
      expect(
        scoreRequestSchema.safeParse({ query: { ...query, tags }, range, intervalMs: 60_000 }).success,
      ).toBe(true);
    }
  });

  it('splits a several-field request into one single-field request per field, in order, once each', () => {
    const request = scoreRequestSchema.parse({
      query: { ...query, field: undefined, fields: ['b', 'a', 'b'] },
      range,
      intervalMs: 60_000,
    });
    const perField = requestsPerField(request);
    expect(perField.map((one) => one.query.field)).toEqual(['b', 'a']);
    for (const one of perField) expect(singleFieldScoreRequestSchema.parse(one)).toEqual(one);
  });
});

describe('scorePointsRequestSchema', () => {
  it('accepts points with gaps and optional training, filling defaults', () => {
    const parsed = scorePointsRequestSchema.parse({
      series: [
        {
          points: [
            [JAN_1, 1],
            [JAN_1 + 1, null],
          ],
          training: [[JAN_1 - 1, 0.5]],
        },
      ],
    });
    expect(parsed.series[0]).toMatchObject({ name: 'series', tags: {} });
    expect(parsed.detector.id).toBe('ensemble');
  });

  it.each<[string, unknown]>([
    ['no series', { series: [] }],
    ['a point with three elements', { series: [{ points: [[JAN_1, 1, 2]] }] }],
    ['a point with a text value', { series: [{ points: [[JAN_1, '1']] }] }],
    ['an unknown series key', { series: [{ points: [], unit: 'ms' }] }],
    ['an unknown top-level key', { series: [{ points: [] }], causal: true }],
    ['a non-integer interval', { series: [{ points: [] }], intervalMs: 2.5 }],
  ])('rejects %s', (_name, request) => {
    expect(scorePointsRequestSchema.safeParse(request).success).toBe(false);
  });
});

describe('scoreResponseSchema', () => {
  const series = {
    name: 'cpu',
    tags: {},
    detector: 'robust',
    threshold: 70,
    time: [JAN_1],
    value: [1],
    expected: [null],
    lower: [null],
    upper: [null],
    score: [null],
    anomaly: [false],
    regions: [] as unknown[],
    notices: [],
  };

  it('accepts a scored series with the current contract version', () => {
    expect(
      scoreResponseSchema.safeParse({ contractVersion: CONTRACT_VERSION, series: [series], notices: [] })
        .success,
    ).toBe(true);
  });

  it.each<[string, unknown]>([
    [
      'a peak score above 100',
      { start: 0, end: 0, peakTime: 0, peakScore: 100.5, detector: 'robust', explanation: '' },
    ],
    [
      'a negative peak score',
      { start: 0, end: 0, peakTime: 0, peakScore: -1, detector: 'robust', explanation: '' },
    ],
    [
      'an unknown detector',
      { start: 0, end: 0, peakTime: 0, peakScore: 80, detector: 'magic', explanation: '' },
    ],
  ])('rejects a region with %s', (_name, region) => {
    const response = {
      contractVersion: CONTRACT_VERSION,
      series: [{ ...series, regions: [region] }],
      notices: [],
    };
    expect(scoreResponseSchema.safeParse(response).success).toBe(false);
  });
});
