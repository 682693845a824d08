/**
 * Backtests against a real influxd: what a backtest answers is what the continuous detector with
 * the same definition writes back for the same range, and marks and maintenance windows change it
 * as docs/scoring.md ("Marks and maintenance windows") says.
 */
import type { Backtest, BacktestResult, ContinuousDetectorInput } from '@tidemark/core';
import { readWritten } from '../continuous/written';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

const influxd = useInfluxd();
let h: Harness;
const STEP = 60_000;
const DAY = 86_400_000;
/** Three days of 1-minute data from a UTC midnight; the same spike at 12:00 on the second and third day. */
const T0 = Date.UTC(2025, 0, 6);
const FIRST = 1_440 + 720;
const AGAIN = 2 * 1_440 + 720;
const END = T0 + 3 * DAY;
let now = END - 6 * 3_600_000;

const definition = (id: string, extra: Partial<ContinuousDetectorInput> = {}): ContinuousDetectorInput => ({
  id,
  query: { database: 'metrics', measurement: 'cpu', field: 'value', groupBy: ['host'] },
  interval: '1m',
  lag: '1ms',
  maxBackfill: '1d',
  detector: { id: 'robust' },
  enabled: false,
  ...extra,
});

async function backtest(body: unknown, role: 'Editor' | 'Viewer' = 'Editor'): Promise<Backtest> {
  const started = await h.call('POST', '/api/v1/backtests', { role, body });
  expect(started.status).toBe(202);
  const { id } = (await started.json()) as Backtest;
  expect(started.headers.get('location')).toBe(`/api/v1/backtests/${id}`);
  for (;;) {
    const polled = (await (
      await h.call('GET', `/api/v1/backtests/${id}`, { role: 'Viewer' })
    ).json()) as Backtest;
    if (!['queued', 'running'].includes(polled.status)) return polled;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const resultOf = async (body: unknown) => {
  const done = await backtest(body);
  expect([done.status, done.message]).toEqual(['succeeded', expect.any(String)]);
  return done.result as BacktestResult;
};

beforeAll(async () => {
  h = await startHarness(influxd.current, { now: () => now });
  await h.deps.detectors.stop();
  await createDatabase(h.influx, 'metrics');
  await h.influx.write(
    'metrics',
    seasonalPoints('cpu', { host: 'a' }, T0, 3 * 1_440, STEP, { [FIRST]: 60, [AGAIN]: 60 }),
  );
}, 60_000);
afterAll(() => h.close());

describe('POST /api/v1/backtests', () => {
  it('answers what the continuous detector writes back for the same range, point for point', async () => {
    const body = definition('same');
    expect((await h.call('POST', '/api/v1/detectors', { role: 'Editor', body })).status).toBe(201);
    const [stored] = (await h.deps.detectors.definitionsOf(1)).filter((d) => d.id === 'same');
    // Two runs (a backfill of 1 day, then 6 hours more), against one backtest of the whole range.
    await h.deps.detectors.runNow(1, stored!);
    now = END;
    await h.deps.detectors.runNow(1, stored!);
    const [written] = await readWritten(h.influx, { orgId: 1, legacyOrgId: 1 }, stored!, 'metrics', {
      from: T0,
      to: END,
    });
    expect(written!.rows.length).toBeGreaterThan(1_440 + 300);

    const result = await resultOf({
      definition: body,
      range: { from: written!.rows[0]!.time, to: written!.rows.at(-1)!.time + STEP },
      includePoints: true,
    });
    const [series] = result.series;
    expect(series).toMatchObject({
      name: 'cpu value {host=a}',
      tags: { host: 'a' },
      points: written!.rows.length,
    });
    const columns = series!.columns!;
    expect(columns.time).toEqual(written!.rows.map((r) => r.time));
    for (const field of ['value', 'score', 'anomaly'] as const)
      expect([field, columns[field]]).toEqual([field, written!.rows.map((r) => r[field])]);
    // The band carries 7 significant digits of the largest |value| among the points scored
    // together (docs/api.md), so a run without the spike keeps a digit more: equal to that.
    const scale = Math.max(...written!.rows.map((r) => Math.abs(r.value ?? 0)));
    for (const field of ['expected', 'lower', 'upper'] as const) {
      const apart = columns[field].map((v, i) =>
        Math.abs((v ?? Number.NaN) - (written!.rows[i]![field] ?? Number.NaN)),
      );
      expect([field, Math.max(...apart)]).toEqual([field, expect.any(Number)]);
      expect(Math.max(...apart)).toBeLessThanOrEqual(scale * 1e-6);
    }
    const annotations = (await (
      await h.call('GET', `/api/v1/annotations?from=${T0}&to=${END}&detector=same`)
    ).json()) as {
      regions: Array<{
        start: number;
        end: number;
        peakTime: number;
        peakScore: number;
        explanation: string;
      }>;
    };
    expect(
      series!.regions.map(({ start, end, peakTime, peakScore }) => ({ start, end, peakTime, peakScore })),
    ).toEqual(
      annotations.regions.map(({ start, end, peakTime, peakScore }) => ({ start, end, peakTime, peakScore })),
    );
    expect(series!.regions.map((r) => r.start)).toContain(T0 + AGAIN * STEP);
    expect(series!.flaggedPoints).toBe(written!.rows.filter((r) => r.anomaly).length);
    const scores = written!.rows.map((r) => r.score);
    const histogram = new Array<number>(10).fill(0);
    for (const score of scores) if (score !== null) histogram[Math.min(9, Math.floor(score / 10))]!++;
    expect(result.scoreHistogram).toEqual({
      binWidth: 10,
      counts: histogram,
      scored: scores.filter((s) => s !== null).length,
    });
  }, 120_000);
});

describe('marks and maintenance windows in a backtest and in what the detector writes', () => {
  const recurrence = { from: T0 + 2 * DAY, to: END };
  const flaggedAt = (result: BacktestResult, index: number) =>
    result.series[0]!.regions.some((r) => r.start <= T0 + index * STEP && T0 + index * STEP <= r.end);

  it('a spike marked "not an anomaly" stops being flagged when it recurs', async () => {
    const body = definition('marked');
    expect((await h.call('POST', '/api/v1/detectors', { role: 'Editor', body })).status).toBe(201);
    const before = await resultOf({ definition: body, range: recurrence });
    expect(flaggedAt(before, AGAIN)).toBe(true);
    const mark = await h.call('POST', '/api/v1/marks', {
      role: 'Editor',
      body: {
        detector: 'marked',
        series: 'cpu value {host=a}',
        kind: 'not-anomaly',
        from: T0 + FIRST * STEP,
        to: T0 + FIRST * STEP,
      },
    });
    expect(mark.status).toBe(201);
    const after = await resultOf({ definition: body, range: recurrence });
    expect(flaggedAt(after, AGAIN)).toBe(false);
    // The mark on the first spike counts against precision where a backtest still flags it.
    const both = await resultOf({ definition: body, range: { from: T0 + DAY, to: END } });
    expect(both.accuracy).toMatchObject({
      flaggedRegions: expect.any(Number),
      labelledEvents: 0,
      recall: null,
    });
    expect(both.accuracy.falsePositives).toBe(flaggedAt(both, FIRST) ? 1 : 0);
  }, 120_000);

  it('a "missed" mark is a labelled event: recall counts whether a flagged region overlaps it', async () => {
    const body = definition('missed');
    expect((await h.call('POST', '/api/v1/detectors', { role: 'Editor', body })).status).toBe(201);
    for (const [from, to] of [
      [T0 + AGAIN * STEP, T0 + AGAIN * STEP],
      [T0 + (AGAIN - 300) * STEP, T0 + (AGAIN - 290) * STEP],
    ])
      await h.call('POST', '/api/v1/marks', {
        role: 'Editor',
        body: { detector: 'missed', series: 'cpu value {host=a}', kind: 'missed', from, to },
      });
    const result = await resultOf({ definition: body, range: recurrence });
    expect(result.accuracy).toMatchObject({
      labelledEvents: 2,
      detectedEvents: 1,
      recall: 0.5,
      precision: 1,
    });
  }, 120_000);

  it('inside a maintenance window nothing is flagged, in the backtest and in what the detector writes', async () => {
    const body = definition('maintained', { maxBackfill: '2d' });
    expect((await h.call('POST', '/api/v1/detectors', { role: 'Editor', body })).status).toBe(201);
    const window = { type: 'once', from: T0 + (AGAIN - 30) * STEP, to: T0 + (AGAIN + 30) * STEP };
    const created = await h.call('POST', '/api/v1/maintenance-windows', {
      role: 'Editor',
      body: { id: 'spike-2', scope: { detector: 'maintained' }, schedule: window },
    });
    expect(created.status).toBe(201);
    const result = await resultOf({ definition: body, range: recurrence });
    expect(flaggedAt(result, AGAIN)).toBe(false);
    expect(result.series[0]!.maintenance).toEqual([
      { window: 'maintenance', from: window.from, to: window.to },
    ]);
    const [stored] = (await h.deps.detectors.definitionsOf(1)).filter((d) => d.id === 'maintained');
    await h.deps.detectors.runNow(1, stored!);
    const [written] = await readWritten(h.influx, { orgId: 1, legacyOrgId: 1 }, stored!, 'metrics', window);
    expect(written!.rows.length).toBe(60);
    expect(written!.rows.filter((r) => r.anomaly)).toEqual([]);
    // The same detector without the window flags the spike: the window is what changed it.
    await h.call('DELETE', '/api/v1/maintenance-windows/spike-2', { role: 'Admin' });
    expect(flaggedAt(await resultOf({ definition: body, range: recurrence }), AGAIN)).toBe(true);
  }, 120_000);
});

describe('backtest roles, orgs and bad input', () => {
  it('a Viewer reads but cannot start or cancel one; another org sees none', async () => {
    const body = { definition: definition('same'), range: { from: T0 + 2 * DAY, to: END } };
    expect((await h.call('POST', '/api/v1/backtests', { role: 'Viewer', body })).status).toBe(403);
    const done = await backtest(body);
    expect((await h.call('GET', `/api/v1/backtests/${done.id}`, { org: 2 })).status).toBe(404);
    expect((await h.call('POST', `/api/v1/backtests/${done.id}/cancel`, { role: 'Viewer' })).status).toBe(
      403,
    );
    const list = (await (await h.call('GET', '/api/v1/backtests', { role: 'Viewer' })).json()) as {
      backtests: Array<Record<string, unknown>>;
    };
    expect(list.backtests[0]).toMatchObject({ id: done.id, status: 'succeeded' });
    expect(list.backtests[0]).not.toHaveProperty('result');
    expect(await (await h.call('GET', '/api/v1/backtests', { org: 2 })).json()).toEqual({ backtests: [] });
    const again = await h.call('POST', `/api/v1/backtests/${done.id}/cancel`, { role: 'Editor' });
    expect(again.status).toBe(409);
  }, 60_000);

  it('cancel stops it: it ends cancelled, without a result', async () => {
    const started = await h.call('POST', '/api/v1/backtests', {
      role: 'Editor',
      body: {
        definition: definition('same', { detector: { id: 'ensemble' } }),
        range: { from: T0 + DAY, to: END },
      },
    });
    const { id } = (await started.json()) as Backtest;
    const cancelled = await h.call('POST', `/api/v1/backtests/${id}/cancel`, { role: 'Editor' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({
      id,
      status: 'cancelled',
      result: null,
      cancelRequested: true,
    });
  }, 60_000);

  it.each([
    [{ definition: definition('x'), range: { from: END, to: T0 } }, 'range.from'],
    [
      { definition: { ...definition('x'), interval: 'often' }, range: { from: T0, to: END } },
      'definition.interval',
    ],
    [{ definition: definition('x') }, 'range'],
    [{ definition: definition('x'), range: { from: T0, to: END }, extra: 1 }, '(root)'],
  ])('refuses %j with a 400 problem naming %s', async (body, path) => {
    const response = await h.call('POST', '/api/v1/backtests', { role: 'Editor', body });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(
      ((await response.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path),
    ).toContain(path);
  });

  it('refuses a range longer than MAX_POINTS intervals (400 limit-exceeded) and an org without the database (403)', async () => {
    const long = {
      definition: { ...definition('x'), interval: '1s' },
      range: { from: T0 - 30 * DAY, to: END },
    };
    const response = await h.call('POST', '/api/v1/backtests', { role: 'Editor', body: long });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'urn:tidemark:problem:limit-exceeded' });
    const otherOrg = await h.call('POST', '/api/v1/backtests', {
      role: 'Editor',
      org: 2,
      body: { definition: definition('x'), range: { from: T0, to: END } },
    });
    expect(otherOrg.status).toBe(403);
    expect(await otherOrg.json()).toMatchObject({ type: 'urn:tidemark:problem:org-access' });
  });
});
