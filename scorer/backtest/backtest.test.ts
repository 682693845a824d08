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
