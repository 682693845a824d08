/**
 * Queries as Grafana dashboards send them, through the whole app on a real influxd: regex tag
 * matches, more series than MAX_SERIES, several fields, the aggregations users pick, and the
 * problem+json answer for each kind of bad input.
 */
import type { Problem, ScoreResponse } from '@tidemark/core';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

const influxd = useInfluxd();
let h: Harness;
const STEP = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const N = 300;
const MAX_SERIES = 30;
const HOSTS = Array.from({ length: 40 }, (_, i) => `web-${String(i).padStart(2, '0')}`);

beforeAll(async () => {
  h = await startHarness(influxd.current, { env: { MAX_SERIES: String(MAX_SERIES) } });
  await createDatabase(h.influx, 'metrics');
  for (const host of [...HOSTS, 'db/1', "db'2"]) {
    const points = seasonalPoints('cpu', { host }, T0, N, STEP).map((point) => ({
      ...point,
      fields: { ...point.fields, user: Number(point.fields.value) / 2 },
    }));
    await h.influx.write('metrics', points);
  }
}, 60_000);
afterAll(() => h.close());

const range = { from: T0 + 240 * STEP, to: T0 + N * STEP };
const score = (query: Record<string, unknown>) =>
  h.call('POST', '/api/v1/score', {
    role: 'Viewer',
    body: {
      query: { database: 'metrics', measurement: 'cpu', field: 'value', groupBy: ['host'], ...query },
      range,
      intervalMs: STEP,
      detector: { id: 'robust' },
    },
  });
const hostsOf = (body: ScoreResponse) => body.series.map((series) => series.tags.host);

it('a `=~` regex selects exactly the matching series', async () => {
  const response = await score({ tags: [{ key: 'host', operator: '=~', value: '^web-0[1-3]$|^db/' }] });
  expect(response.status).toBe(200);
  expect(hostsOf((await response.json()) as ScoreResponse).sort()).toEqual([
    'db/1',
    'web-01',
    'web-02',
    'web-03',
  ]);
});

it('a `!~` regex leaves the matching series out', async () => {
  const response = await score({ tags: [{ key: 'host', operator: '!~', value: '^web-' }] });
  expect(hostsOf((await response.json()) as ScoreResponse).sort()).toEqual(["db'2", 'db/1']);
});

it('more series than MAX_SERIES: scores the first MAX_SERIES and says so in a warning notice', async () => {
  const response = await score({ tags: [{ key: 'host', operator: '=~', value: '.*' }] });
  expect(response.status).toBe(200);
  const body = (await response.json()) as ScoreResponse;
  expect(body.series).toHaveLength(MAX_SERIES);
  expect(hostsOf(body)).toEqual([...HOSTS, 'db/1', "db'2"].sort().slice(0, MAX_SERIES));
  expect(body.notices).toContainEqual({
    severity: 'warning',
    text: expect.stringMatching(/returns 42 series; only the first 30 .* MAX_SERIES is 30/),
  });
});

it('several fields: one scored series per field and tag set, named by field', async () => {
  const response = await score({
    field: undefined,
    fields: ['value', 'user'],
    tags: [{ key: 'host', operator: '=', value: 'web-01' }],
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as ScoreResponse;
  expect(body.series.map((series) => series.name)).toEqual([
    'cpu value {host=web-01}',
    'cpu user {host=web-01}',
  ]);
  const [value, user] = body.series;
  expect(user!.value).toEqual(value!.value.map((v) => (v === null ? null : v / 2)));
});

it('several fields share MAX_SERIES', async () => {
  const response = await score({ field: undefined, fields: ['value', 'user'], tags: [] });
  const body = (await response.json()) as ScoreResponse;
  expect(body.series).toHaveLength(MAX_SERIES);
  expect(body.notices.some((notice) => notice.severity === 'warning')).toBe(true);
});

it('a counter aggregation scores the per-second rate', async () => {
  const response = await score({
    aggregation: 'non_negative_derivative',
    tags: [{ key: 'host', value: 'web-01' }],
  });
  expect(response.status).toBe(200);
  const [series] = ((await response.json()) as ScoreResponse).series;
  const rates = series!.value.filter((v): v is number => v !== null);
  expect(rates.length).toBeGreaterThan(30);
  expect(Math.min(...rates)).toBeGreaterThanOrEqual(0);
});

it.each<[string, Record<string, unknown>, string, RegExp]>([
  [
    'a regex that does not parse',
    { tags: [{ key: 'host', operator: '=~', value: '^(web' }] },
    'query.tags[0].value',
    /not a valid regular expression \(Unterminated group\).*RE2 syntax/,
  ],
  ['an unknown aggregation', { aggregation: 'p95' }, 'query.aggregation', /mean/],
  [
    'an unknown operator',
    { tags: [{ key: 'host', operator: '~=', value: 'a' }] },
    'query.tags[0].operator',
    /=~/,
  ],
  ['both field and fields', { fields: ['value'] }, 'query.field', /either `field` \(one field\) or `fields`/],
  ['more than 16 fields', { field: undefined, fields: Array(17).fill('value') }, 'query.fields', /16/],
])('%s: 400 problem+json naming the field and the fix', async (_name, query, path, message) => {
  const response = await score(query);
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const problem = (await response.json()) as Problem;
  expect(problem.errors).toContainEqual({ path, message: expect.stringMatching(message) });
});

it("a regex only InfluxDB refuses (a look-ahead): 400 with InfluxDB's reason", async () => {
  const response = await score({ tags: [{ key: 'host', operator: '=~', value: '(?=web)' }] });
  expect(response.status).toBe(400);
  expect(((await response.json()) as Problem).detail).toMatch(/Perl syntax|regexp/i);
});
