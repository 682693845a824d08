import type { ScoreResponse } from '@tidemark/core';
import { problemType } from '../http/problem';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

// A query that fans out to more series than MAX_SERIES (a regex or "All" over many hosts), on a
// real influxd: a panel's /score draws the first MAX_SERIES with a notice; a training job and a
// continuous detector, which must cover every series, are refused at once with a problem saying
// how many matched, the limit and how to narrow it (docs/api.md, "Limits").
const influxd = useInfluxd();
let h: Harness;
const STEP = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const HOSTS = ['a', 'b', 'c'];

beforeAll(async () => {
  h = await startHarness(influxd.current, {
    env: { MAX_SERIES: '2', SCORE_WORKERS: '0' },
    now: () => T0 + 600 * STEP, // the detectors' clock: their backfill covers the data
  });
  await h.deps.detectors.stop(); // no scheduled runs: only creation is under test
  await createDatabase(h.influx, 'fanout');
  await h.influx.write(
    'fanout',
    HOSTS.flatMap((host) => seasonalPoints('cpu', { host }, T0, 600, STEP)),
  );
}, 60_000);
afterAll(() => h.close());

const query = {
  database: 'fanout',
  measurement: 'cpu',
  field: 'value',
  tags: [{ key: 'host', operator: '=~', value: '.*' }],
  groupBy: ['host'],
};
const range = { from: T0, to: T0 + 600 * STEP };

it('training refuses the query with 400 limit-exceeded naming the series found, MAX_SERIES and the fix', async () => {
  const response = await h.call('POST', '/api/v1/models', {
    role: 'Editor',
    body: { query, range, intervalMs: STEP, detector: { id: 'robust' } },
  });
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as { type: string; detail: string };
  expectTooManySeries(problem);
  expect(problem.detail).toMatch(/add tag filters, narrow a regex/);
  const jobs = (await (await h.call('GET', '/api/v1/jobs', { role: 'Viewer' })).json()) as {
    jobs: unknown[];
  };
  expect(jobs.jobs).toEqual([]); // no job was queued to fail later
});

it('a training query within MAX_SERIES is accepted', async () => {
  const narrow = { ...query, tags: [{ key: 'host', operator: '=~', value: '^(a|b)$' }] };
  const response = await h.call('POST', '/api/v1/models', {
    role: 'Editor',
    body: { query: narrow, range, intervalMs: STEP, detector: { id: 'robust' } },
  });
  expect(response.status).toBe(202);
});

it('a panel’s /score draws the first MAX_SERIES series with a warning notice instead', async () => {
  const response = await h.call('POST', '/api/v1/score', {
    role: 'Viewer',
    body: {
      query,
      range: { from: T0 + 300 * STEP, to: range.to },
      intervalMs: STEP,
      detector: { id: 'robust' },
    },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as ScoreResponse;
  expect(body.series).toHaveLength(2);
  expect(body.notices.map((n) => n.text).join(' ')).toContain('returns 3 series; only the first 2');
});

function expectTooManySeries(problem: { type: string; detail: string }) {
  expect(problem.type).toBe(problemType('limit-exceeded'));
  expect(problem.detail).toContain('matches 3 series, more than MAX_SERIES (2)');
}

describe('a continuous detector', () => {
  const detector = {
    id: 'cpu-all-hosts',
    name: 'CPU on every host',
    query,
    interval: '1m',
    lag: '1ms',
    maxBackfill: '1d',
    detector: { id: 'robust' },
    enabled: false,
  };

  it('is refused at creation, and when a change widens its query, with the same problem', async () => {
    const refused = await h.call('POST', '/api/v1/detectors', { role: 'Editor', body: detector });
    expect(refused.status).toBe(400);
    expectTooManySeries((await refused.json()) as { type: string; detail: string });

    const narrow = { ...query, tags: [{ key: 'host', operator: '=~', value: '^(a|b)$' }] };
    const created = await h.call('POST', '/api/v1/detectors', {
      role: 'Editor',
      body: { ...detector, query: narrow },
    });
    expect(created.status).toBe(201);
    const widened = await h.call('PATCH', `/api/v1/detectors/${detector.id}`, {
      role: 'Editor',
      body: { query },
    });
    expect(widened.status).toBe(400);
    expectTooManySeries((await widened.json()) as { type: string; detail: string });
    const renamed = await h.call('PATCH', `/api/v1/detectors/${detector.id}`, {
      role: 'Editor',
      body: { name: 'CPU on a and b' },
    });
    expect(renamed.status).toBe(200);
  });
});
