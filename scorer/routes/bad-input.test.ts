/**
 * At least 40 malformed or hostile requests: every one answered 4xx with problem+json, never a
 * 5xx, and nothing written (no database, measurement, model, job or detector appears).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createDatabase, type Harness, seasonalPoints, startHarness, TOKEN } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

const influxd = useInfluxd();
let h: Harness;
const STEP = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const MAX_BODY = 200_000;

const query = { database: 'metrics', measurement: 'cpu', field: 'value' };
const range = { from: T0 + 100 * STEP, to: T0 + 200 * STEP };
const score = { query, range, intervalMs: STEP };
const detector = { id: 'det', query, interval: '1m' };
const long = 'x'.repeat(300);

type Case = [
  name: string,
  method: string,
  path: string,
  body?: unknown,
  raw?: string,
  headers?: Record<string, string>,
];
const json = (value: unknown) => JSON.stringify(value);

const CASES: Case[] = [
  // POST /score: syntax
  ['bad JSON', 'POST', '/api/v1/score', undefined, '{"query":'],
  ['an empty body', 'POST', '/api/v1/score', undefined, ''],
  ['an array body', 'POST', '/api/v1/score', []],
  ['a null body', 'POST', '/api/v1/score', undefined, 'null'],
  [
    'NaN (not JSON)',
    'POST',
    '/api/v1/score',
    undefined,
    json(score).replace(`"intervalMs":${STEP}`, '"intervalMs":NaN'),
  ],
  [
    'Infinity via 1e999',
    'POST',
    '/api/v1/score',
    undefined,
    json(score).replace(`"intervalMs":${STEP}`, '"intervalMs":1e999'),
  ],
  ['a deeply nested body', 'POST', '/api/v1/score', undefined, `${'['.repeat(5_000)}${']'.repeat(5_000)}`],
  ['a body past MAX_BODY_BYTES', 'POST', '/api/v1/score', { ...score, pad: 'x'.repeat(MAX_BODY) }],
  ['text/plain JSON', 'POST', '/api/v1/score', undefined, json(score), { 'content-type': 'text/plain' }],
  // POST /score: semantics
  ['no query', 'POST', '/api/v1/score', { range, intervalMs: STEP }],
  ['an unknown detector', 'POST', '/api/v1/score', { ...score, detector: { id: 'magic' } }],
  ['from after to', 'POST', '/api/v1/score', { ...score, range: { from: range.to, to: range.from } }],
  ['from equal to', 'POST', '/api/v1/score', { ...score, range: { from: range.from, to: range.from } }],
  [
    'a range past MAX_POINTS',
    'POST',
    '/api/v1/score',
    { ...score, range: { from: 0, to: T0 }, intervalMs: 1_000 },
  ],
  ['a negative interval', 'POST', '/api/v1/score', { ...score, intervalMs: -60_000 }],
  ['a fractional interval', 'POST', '/api/v1/score', { ...score, intervalMs: 0.5 }],
  ['an interval as text', 'POST', '/api/v1/score', { ...score, intervalMs: '60s' }],
  ['an unknown field', 'POST', '/api/v1/score', { ...score, sql: 'DROP DATABASE metrics' }],
  ['an unknown query field', 'POST', '/api/v1/score', { ...score, query: { ...query, where: '1=1' } }],
  [
    'a regex that does not parse',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, tags: [{ key: 'host', operator: '=~', value: '(/.*/' }] } },
  ],
  [
    'an unknown tag operator',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, tags: [{ key: 'host', operator: '~=', value: 'a' }] } },
  ],
  [
    'an aggregation with arguments',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, aggregation: 'percentile(90)' } },
  ],
  [
    'an injected aggregation',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, aggregation: 'mean") FROM x; DROP DATABASE metrics --' } },
  ],
  ['an empty database', 'POST', '/api/v1/score', { ...score, query: { ...query, database: '' } }],
  ['a 300-char measurement', 'POST', '/api/v1/score', { ...score, query: { ...query, measurement: long } }],
  [
    'injection in the database',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, database: 'metrics"; DROP DATABASE metrics; --' } },
  ],
  [
    'injection in the measurement',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, measurement: 'cpu" WHERE 1=1 --' } },
  ],
  [
    'injection in the field',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, field: 'value") FROM "cpu"; DROP DATABASE metrics; --' } },
  ],
  [
    'injection in the retention policy',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, retentionPolicy: 'autogen"."cpu' } },
  ],
  [
    'injection in a tag key',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, tags: [{ key: 'host" = \'a\' OR "x', value: 'a' }] } },
  ],
  [
    'injection in a tag value',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, tags: [{ key: 'host', value: "a' OR 'x'='x" }] } },
  ],
  [
    'a carriage return in the field',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, field: 'value\r' } },
  ],
  [
    'a NUL in a tag value',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, tags: [{ key: 'host', value: 'a\u0000' }] } },
  ],
  [
    '9 group-by keys',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, groupBy: Array(9).fill('host') } },
  ],
  [
    '33 tag filters',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, tags: Array(33).fill({ key: 'host', value: 'a' }) } },
  ],
  ['a threshold of 0', 'POST', '/api/v1/score', { ...score, detector: { params: { threshold: 0 } } }],
  [
    'an unknown sensitivity',
    'POST',
    '/api/v1/score',
    { ...score, detector: { params: { sensitivity: 'extreme' } } },
  ],
  [
    'a bad training window',
    'POST',
    '/api/v1/score',
    { ...score, detector: { params: { trainingWindow: 'forever' } } },
  ],
  [
    'an unknown detector param',
    'POST',
    '/api/v1/score',
    { ...score, detector: { params: { eval: 'process.exit()' } } },
  ],
  ['an invalid date', 'POST', '/api/v1/score', { ...score, range: { from: 'yesterday', to: range.to } }],
  [
    'a number as text for a date',
    'POST',
    '/api/v1/score',
    { ...score, range: { from: '123', to: range.to } },
  ],
  // times and durations out of range (InfluxDB stores 1677–2262; durations at most 365 days)
  ['a range ending past 2262', 'POST', '/api/v1/score', { ...score, range: { from: 0, to: 1e23 } }],
  [
    'a range starting before 1900',
    'POST',
    '/api/v1/score',
    { ...score, range: { from: '1800-01-01T00:00:00Z', to: range.to } },
  ],
  ['an interval of 1000 years', 'POST', '/api/v1/score', { ...score, intervalMs: 1_000 * 365 * 86_400_000 }],
  [
    'an absurd training window',
    'POST',
    '/api/v1/score',
    { ...score, detector: { params: { trainingWindow: '99999999999999999999d' } } },
  ],
  ['a season past 365 days', 'POST', '/api/v1/score', { ...score, detector: { params: { season: '53w' } } }],
  ['a point at 1e300', 'POST', '/api/v1/score/points', { series: [{ points: [[1e300, 1]] }] }],
  ['training to 1e23', 'POST', '/api/v1/models', { query, range: { from: 0, to: 1e23 }, intervalMs: STEP }],
  ['annotations to 1e23', 'GET', '/api/v1/annotations?from=0&to=99999999999999999999999', undefined],
  [
    'an absurd detector interval',
    'POST',
    '/api/v1/detectors',
    { ...detector, interval: '99999999999999999999d' },
  ],
  ['a schedule past 365 days', 'POST', '/api/v1/detectors', { ...detector, schedule: '53w' }],
  ['a lag of 1000 days', 'POST', '/api/v1/detectors', { ...detector, lag: '1000d' }],
  ['a max backfill of 400 days', 'POST', '/api/v1/detectors', { ...detector, maxBackfill: '400d' }],
  // POST /score/points
  ['points with text times', 'POST', '/api/v1/score/points', { series: [{ points: [['t', 1]] }] }],
  ['no series', 'POST', '/api/v1/score/points', { series: [] }],
  ['text values', 'POST', '/api/v1/score/points', { series: [{ points: [[1, 'x']] }] }],
  [
    'a polluting tag map',
    'POST',
    '/api/v1/score/points',
    undefined,
    '{"series":[{"points":[[1,1]],"tags":{"__proto__":{"polluted":true}}}]}',
  ],
  [
    'points past MAX_POINTS',
    'POST',
    '/api/v1/score/points',
    { series: [{ points: Array.from({ length: 6_000 }, (_, i) => [i, i]) }] },
  ],
  // models, jobs
  ['training without a range', 'POST', '/api/v1/models', { query, intervalMs: STEP }],
  [
    'training an unknown detector',
    'POST',
    '/api/v1/models',
    { query, range, intervalMs: STEP, detector: { id: 'nope' } },
  ],
  ['a model id with dots', 'GET', '/api/v1/models/..', undefined],
  ['a model id that escapes', 'GET', '/api/v1/models/%2e%2e%2fetc', undefined],
  ['a negative rollback version', 'POST', '/api/v1/models/robust-1/rollback', { version: -1 }],
  ['a job id with a space', 'GET', '/api/v1/jobs/a%20b', undefined],
  // detectors
  ['a detector id that escapes', 'POST', '/api/v1/detectors', { ...detector, id: '../../etc/passwd' }],
  ['a zero interval', 'POST', '/api/v1/detectors', { ...detector, interval: '0s' }],
  [
    'a newline in the output measurement',
    'POST',
    '/api/v1/detectors',
    { ...detector, output: { measurement: 'a\nb' } },
  ],
  [
    'a trailing backslash in the output',
    'POST',
    '/api/v1/detectors',
    { ...detector, output: { measurement: 'out\\' } },
  ],
  ['an unknown detector field', 'POST', '/api/v1/detectors', { ...detector, cron: '* * * * *' }],
  ['a bad id in the URL', 'PUT', '/api/v1/detectors/a%20b', detector],
  [
    'a NUL as output retention policy',
    'POST',
    '/api/v1/detectors',
    { ...detector, id: 'det-rp', output: { retentionPolicy: '\u0000' } },
  ],
  [
    'an escape character in the output database',
    'POST',
    '/api/v1/detectors',
    { ...detector, id: 'det-db', output: { database: 'out\u001b[31m' } },
  ],
  [
    'a NUL in the detector query measurement',
    'POST',
    '/api/v1/detectors',
    { ...detector, id: 'det-m', query: { ...query, measurement: 'cpu\u0000' } },
  ],
  [
    'a tab in the database',
    'POST',
    '/api/v1/score',
    { ...score, query: { ...query, database: 'met\trics' } },
  ],
  // annotations, schema
  ['annotations with from after to', 'GET', `/api/v1/annotations?from=${T0 + 1}&to=${T0}`, undefined],
  ['annotations without to', 'GET', `/api/v1/annotations?from=${T0}`, undefined],
  ['annotations with a word for a date', 'GET', '/api/v1/annotations?from=yesterday&to=today', undefined],
  [
    'tag values without a key',
    'GET',
    '/api/v1/schema/tag-values?database=metrics&measurement=cpu',
    undefined,
  ],
  ['a carriage return in a database', 'GET', '/api/v1/schema/measurements?database=a%0Db', undefined],
  [
    'a control character in a retention policy',
    'GET',
    '/api/v1/schema/measurements?database=metrics&retentionPolicy=%01',
    undefined,
  ],
  ['a limit of zero', 'GET', '/api/v1/schema/measurements?database=metrics&limit=0', undefined],
  // auth
  [
    'a garbage Authorization header',
    'GET',
    '/api/v1/models',
    undefined,
    undefined,
    { authorization: 'Token abc' },
  ],
  ['a garbage ID token', 'GET', '/api/v1/models', undefined, undefined, { 'x-grafana-id': 'a.b.c' }],
];

let before: { databases: unknown; measurements: unknown };

async function snapshot() {
  const [dbs] = await h.influx.query('SHOW DATABASES');
  const [ms] = await h.influx.query('SHOW MEASUREMENTS', { database: 'metrics' });
  return { databases: dbs?.series, measurements: ms?.series };
}

beforeAll(async () => {
  h = await startHarness(influxd.current, { env: { MAX_BODY_BYTES: String(MAX_BODY), MAX_POINTS: '5000' } });
  await createDatabase(h.influx, 'metrics');
  await h.influx.write('metrics', seasonalPoints('cpu', { host: 'a' }, T0, 300, STEP));
  before = await snapshot();
}, 60_000);
afterAll(() => h.close());

it('has at least 40 cases', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(40);
});

// Objects, not rows: rows shorter than the callback's parameter list make jest pass `done`.
const cases = CASES.map(([name, method, path, body, raw, headers]) => ({
  name,
  method,
  path,
  body,
  raw,
  headers,
}));

it.each(cases)('$name → 4xx problem+json', async ({ method, path, body, raw, headers }) => {
  const response = await h.call(method, path, {
    role: 'Admin',
    ...(body !== undefined ? { body } : {}),
    ...(raw !== undefined ? { raw } : {}),
    ...(headers ? { headers } : {}),
  });
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as { status: number; detail: string; type: string };
  expect(problem.status).toBe(response.status);
  expect(problem.detail.length).toBeGreaterThan(10);
  expect(problem.type).toMatch(/^urn:tidemark:problem:/);
});

it('says which field holds what InfluxDB cannot take', async () => {
  const response = await h.call('POST', '/api/v1/detectors', {
    body: { ...detector, output: { retentionPolicy: '\u0000' } },
  });
  expect(((await response.json()) as { errors: unknown[] }).errors).toEqual([
    {
      path: 'output.retentionPolicy',
      message:
        'contains a NUL character, which InfluxDB does not allow in database and retention policy names',
    },
  ]);
});

it('wrote nothing: same databases and measurements, no models, jobs or detectors', async () => {
  expect(await snapshot()).toEqual(before);
  const orgs = await readdir(join(h.dataDir, 'orgs')).catch(() => []);
  for (const org of orgs) {
    for (const kind of ['models', 'jobs', 'detectors']) {
      expect(await readdir(join(h.dataDir, 'orgs', org, kind)).catch(() => [])).toEqual([]);
    }
  }
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(TOKEN).toBeDefined();
});
