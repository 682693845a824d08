/**
 * A continuous detector reading through the read cache writes the same points, bit for bit, as
 * one reading everything each run: on a simulated clock, minute by minute, with a point rewritten
 * in the late window, a host's outage filled in late, and a new host turning up with history.
 * Two scorers (READ_CACHE_POINTS default and 0) on one real InfluxDB, each its own detector id.
 */
import type { ContinuousDetectorDefinition } from '@tidemark/core';
import { createLogger } from '../log';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';
import { DetectorService } from './service';

const influxd = useInfluxd();
const MINUTE = 60_000;
/** Wednesday 2025-01-15 06:00 UTC: the day's span is scored from midnight, with history before. */
const T = Date.UTC(2025, 0, 15, 6);
let now = T;
const sides: Array<{ h: Harness; detectors: DetectorService; id: string }> = [];

const definition = (id: string) => ({
  id,
  query: { database: 'metrics', measurement: 'cpu', field: 'value', groupBy: ['host'] },
  interval: '1m',
  lag: '1ms',
  maxBackfill: '1d',
  detector: { id: 'robust' as const, params: { trainingWindow: '1d' } },
});

const points = (host: string, from: number, count: number, spikes: Record<number, number> = {}) =>
  seasonalPoints('cpu', { host }, from, count, MINUTE, spikes);

beforeAll(async () => {
  for (const [id, env] of [
    ['cached', {}],
    ['plain', { READ_CACHE_POINTS: '0' }],
  ] as const) {
    const h = await startHarness(influxd.current, { env });
    const detectors = new DetectorService({
      store: h.deps.store,
      access: h.deps.access,
      scoring: h.deps.scoring,
      logger: createLogger('silent'),
      metrics: h.deps.metrics,
      provisioned: [],
      defaultDatabase: null,
      legacyOrgId: 1,
      now: () => now + 1,
    });
    await detectors.create(1, definition(id));
    sides.push({ h, detectors, id });
  }
  const h = sides[0]!.h;
  await createDatabase(h.influx, 'metrics');
  const from = T - 2 * 1_440 * MINUTE;
  await h.influx.write('metrics', points('a', from, 2 * 1_440 + 5, { 2870: 40 }));
  // Host b stops 3 hours before T, longer than the late window (its points from then come late).
  await h.influx.write('metrics', points('b', from, 2 * 1_440 - 180));
}, 120_000);
afterAll(async () => {
  for (const { h, detectors } of sides) {
    await detectors.stop();
    await h.close();
  }
});

async function runBoth(): Promise<void> {
  for (const { detectors, id } of sides) {
    const found = (await detectors.definitionsOf(1)).find((d) => d.id === id)!;
    await detectors.runNow(1, found as ContinuousDetectorDefinition);
  }
}

/** Every point a detector wrote, per series, with all its fields. */
async function written(id: string): Promise<unknown> {
  const [result] = await sides[0]!.h.influx.query(
    `SELECT "value", "expected", "lower", "upper", "score", "anomaly" FROM "metrics".."tidemark_anomaly" WHERE "detector" = '${id}' GROUP BY "series"`,
  );
  return (result?.series ?? []).map((s) => [s.tags?.series, s.values]);
}

it('writes what a scorer reading everything each run writes, through late data and new series', async () => {
  await runBoth(); // backfill to T
  for (let minute = 1; minute <= 5; minute++) {
    now = T + minute * MINUTE;
    if (minute === 3) {
      // Rewritten inside the late window, and host b's outage filled in, late.
      await sides[0]!.h.influx.write('metrics', [
        { measurement: 'cpu', tags: { host: 'a' }, time: T - 20 * MINUTE, fields: { value: 95 } },
      ]);
      await sides[0]!.h.influx.write('metrics', points('b', T - 180 * MINUTE, 186, { 170: 30 }));
    }
    if (minute === 4) await sides[0]!.h.influx.write('metrics', points('c', T - 1_440 * MINUTE, 1_445));
    await runBoth();
  }
  const cached = await written('cached');
  expect(cached).toEqual(await written('plain'));
  expect((cached as unknown[]).length).toBe(3);
}, 240_000);
