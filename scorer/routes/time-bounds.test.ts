/**
 * Times and durations out of range are 400 problems naming the bound, on every route that takes
 * one; and a schedule longer than setTimeout's limit (about 24.8 days) waits, instead of running
 * in a loop.
 */
import type { ContinuousDetector } from '@tidemark/core';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

const influxd = useInfluxd();
let h: Harness;
const STEP = 60_000;
const NOW = Math.floor(Date.now() / STEP) * STEP;
const query = { database: 'metrics', measurement: 'cpu', field: 'value' };
const detector = {
  id: 'short',
  query,
  interval: '1m',
  lag: '1ms',
  maxBackfill: '1h',
  detector: { id: 'robust' },
};

beforeAll(async () => {
  h = await startHarness(influxd.current);
  await createDatabase(h.influx, 'metrics');
  await h.influx.write('metrics', seasonalPoints('cpu', { host: 'a' }, NOW - 300 * STEP, 300, STEP));
  // A detector in the org, so annotations query InfluxDB with the times given.
  expect((await h.call('POST', '/api/v1/detectors', { body: detector })).status).toBe(201);
}, 60_000);
afterAll(() => h.close());

async function problemOf(response: Response) {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as { detail: string; errors: Array<{ path: string; message: string }> };
}

it('annotations with a time past 2262: a 400 naming the bound, not a 500', async () => {
  const problem = await problemOf(
    await h.call('GET', '/api/v1/annotations?from=0&to=99999999999999999999999', { role: 'Viewer' }),
  );
  expect(problem.errors).toContainEqual({
    path: 'to',
    message: expect.stringContaining('up to 9214646400000 (2262-01-01)'),
  });
});

it.each([
  ['a range past 2262', { range: { from: NOW - STEP, to: 1e23 } }, 'range.to', 'up to 9214646400000'],
  ['a range before 1900', { range: { from: -1e15, to: NOW } }, 'range.from', 'from -2208988800000'],
  ['an interval past 365 days', { intervalMs: 1e15 }, 'intervalMs', 'at most 31536000000 ms (365 days)'],
])('score with %s: a 400 naming the bound', async (_, change, path, bound) => {
  const body = { query, range: { from: NOW - 10 * STEP, to: NOW }, intervalMs: STEP, ...change };
  const problem = await problemOf(await h.call('POST', '/api/v1/score', { body }));
  expect(problem.errors).toContainEqual({ path, message: expect.stringContaining(bound) });
});

it.each([
  ['interval', '99999999999999999999d'],
  ['schedule', '53w'],
  ['lag', '366d'],
  ['maxBackfill', '1000w'],
])('a detector %s of %s: a 400 saying "at most 365d"', async (field, value) => {
  const body = { ...detector, id: 'too-long', [field]: value };
  const problem = await problemOf(await h.call('POST', '/api/v1/detectors', { body }));
  expect(problem.errors).toContainEqual({
    path: field,
    message: `invalid duration "${value}": it must be at most 365d`,
  });
});

async function runsOf(id: string): Promise<number> {
  const text = await (await h.call('GET', '/metrics')).text();
  const counts = [...text.matchAll(/^tidemark_continuous_runs_total\{([^}]*)\} (\d+)$/gm)]
    .filter(([, labels]) => labels?.includes(`detector="${id}"`))
    .map(([, , count]) => Number(count));
  return counts.reduce((sum, n) => sum + n, 0);
}

it('runs a 52-week schedule once, then waits: no tight loop, no TimeoutOverflowWarning', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    // Whichever is due more than setTimeout's limit from now (runs align to multiples of the schedule).
    const schedule = ['52w', '51w'].find((text) => {
      const every = Number.parseInt(text, 10) * 7 * 86_400_000;
      return every - (Date.now() % every) > 2 ** 31 + 60_000;
    });
    await h.deps.detectors.start([]);
    const created = await h.call('POST', '/api/v1/detectors', {
      body: { ...detector, id: 'yearly', schedule },
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < 200 && (await runsOf('yearly')) === 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(await runsOf('yearly')).toBe(1);
    // Unfixed, setTimeout turned the next delay into 1 ms: dozens of runs in this half second.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await runsOf('yearly')).toBe(1);
    const state = (await (await h.call('GET', '/api/v1/detectors/yearly')).json()) as ContinuousDetector;
    expect(state).toMatchObject({ schedule, lastError: null });
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  } finally {
    process.off('warning', onWarning);
    await h.deps.detectors.stop();
  }
});
