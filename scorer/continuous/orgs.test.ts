/**
 * Two orgs with a detector of the same id on the same query write to the same measurement: each
 * org's points carry its `org` tag, so neither overwrites the other's scores, and annotations read
 * only the caller's. Points written before the tag existed belong to DEFAULT_ORG_ID.
 */
import type { AnnotationRegion } from '@tidemark/core';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

const influxd = useInfluxd();
let h: Harness;
const STEP = 60_000;
const LOADED_AT = Date.now();
const NOW = Math.floor(LOADED_AT / STEP) * STEP;
const T0 = NOW - 2_000 * STEP;
const SPIKE = 1_990;

const definition = {
  id: 'cpu-a',
  query: { database: 'metrics', measurement: 'cpu', field: 'value', groupBy: ['host'] },
  interval: '1m',
  lag: '1ms',
  maxBackfill: '2h',
  detector: { id: 'robust' },
};

beforeAll(async () => {
  // Both orgs may read and write `metrics` (without ORG_ACCESS_FILE only org 1 may).
  h = await startHarness(influxd.current, {
    now: () => LOADED_AT,
    orgAccess: 'orgs: [{ orgId: 1, databases: "*" }, { orgId: 2, databases: "*" }]',
  });
  await createDatabase(h.influx, 'metrics');
  await h.influx.write('metrics', seasonalPoints('cpu', { host: 'a' }, T0, 2_000, STEP, { [SPIKE]: 60 }));
}, 60_000);
afterAll(() => h.close());

async function createAndRun(org: number, body: object) {
  expect((await h.call('POST', '/api/v1/detectors', { org, role: 'Editor', body })).status).toBe(201);
  const [stored] = (await h.deps.detectors.definitionsOf(org)).filter((d) => d.id === definition.id);
  await h.deps.detectors.runNow(org, stored!);
}

async function regions(org: number): Promise<AnnotationRegion[]> {
  const response = await h.call('GET', `/api/v1/annotations?from=${T0}&to=${NOW + STEP}`, { org });
  expect(response.status).toBe(200);
  return ((await response.json()) as { regions: AnnotationRegion[] }).regions;
}

async function anomalies(org: string): Promise<[number, number]> {
  const [result] = await h.influx.query(
    `SELECT count("score"), sum("anomaly") FROM "metrics".."tidemark_anomaly" WHERE "org" = '${org}' AND "detector" = 'cpu-a'`,
  );
  const row = result?.series?.[0]?.values[0] ?? [];
  return [Number(row[1] ?? 0), Number(row[2] ?? 0)];
}

it("keeps each org's scores and annotations apart", async () => {
  await h.deps.detectors.stop(); // run by hand
  await createAndRun(1, definition);
  const [written, flagged] = await anomalies('1');
  expect(written).toBe(120);
  const before = await regions(1);
  expect(before.map((r) => r.start)).toEqual([T0 + SPIKE * STEP]);

  // Org 2: same id, same query, flags everything.
  await createAndRun(2, { ...definition, detector: { id: 'robust', params: { threshold: 1 } } });
  expect(await anomalies('1')).toEqual([written, flagged]);
  expect((await anomalies('2'))[1]).toBeGreaterThan(written / 2);
  expect(await regions(1)).toEqual(before);
  expect((await regions(2)).length).toBeGreaterThan(0);
  expect((await regions(2)).every((r) => r.tags.org === undefined)).toBe(true);
});

it("counts points written before the org tag as the default org's, once", async () => {
  const before = await regions(1);
  // What an older scorer wrote: no org tag; one interval also written since (counted once).
  const legacyTags = { host: 'a', detector: 'cpu-a', series: 'cpu value {host=a}' };
  const legacy = (time: number, score: number) => ({
    measurement: 'tidemark_anomaly',
    tags: legacyTags,
    time,
    fields: { value: 200, expected: 50, lower: 40, upper: 60, score, anomaly: 1 },
  });
  const old = T0 + 100 * STEP;
  await h.influx.write('metrics', [legacy(old, 99), legacy(T0 + SPIKE * STEP, 42)]);

  const orgOne = await regions(1);
  expect(orgOne.map((r) => [r.start, r.end])).toEqual([
    [old, old],
    [T0 + SPIKE * STEP, T0 + SPIKE * STEP],
  ]);
  expect(orgOne[1]!.peakScore).toBe(before[0]!.peakScore); // the tagged point, not its legacy copy
  expect((await regions(2)).some((r) => r.start === old)).toBe(false);
});
