import {
  type AnnotationRegion,
  type ContinuousDetector,
  continuousDetectorInputSchema,
} from '@tidemark/core';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

const influxd = useInfluxd();
let h: Harness;
const STEP = 60_000;
const NOW = Date.now();
const T0 = Math.floor(NOW / STEP) * STEP - 2_000 * STEP;
const SPIKE = 1_990;

const definition = {
  id: 'cpu-a',
  name: 'CPU on host a',
  query: {
    database: 'metrics',
    measurement: 'cpu',
    field: 'value',
    tags: [{ key: 'host', value: 'a' }],
    groupBy: ['host'],
  },
  interval: '1m',
  lag: '1ms',
  maxBackfill: '1h',
  detector: { id: 'robust' },
};
const provisioned = {
  orgId: 1,
  definition: continuousDetectorInputSchema.parse({
    ...definition,
    id: 'from-file',
    schedule: '1h',
    enabled: false,
  }),
};

beforeAll(async () => {
  h = await startHarness(influxd.current, { provisioned: [provisioned], now: () => NOW });
  await createDatabase(h.influx, 'metrics');
  await h.influx.write('metrics', seasonalPoints('cpu', { host: 'a' }, T0, 2_000, STEP, { [SPIKE]: 60 }));
}, 60_000);
afterAll(() => h.close());

describe('continuous detectors API', () => {
  it('creates (Editor), lists with run state, and refuses a duplicate id', async () => {
    const created = await h.call('POST', '/api/v1/detectors', { role: 'Editor', body: definition });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      id: 'cpu-a',
      provisioned: false,
      output: { measurement: 'tidemark_anomaly' },
    });
    expect((await h.call('POST', '/api/v1/detectors', { role: 'Editor', body: definition })).status).toBe(
      409,
    );
    const list = (await (await h.call('GET', '/api/v1/detectors', { role: 'Viewer' })).json()) as {
      detectors: ContinuousDetector[];
    };
    expect(list.detectors.map((d) => [d.id, d.provisioned, d.status])).toEqual([
      ['cpu-a', false, expect.stringMatching(/idle|running/)],
      ['from-file', true, 'disabled'],
    ]);
  });

  it('runs: scores the window since the checkpoint and writes the results to InfluxDB', async () => {
    await h.deps.detectors.stop(); // stop the schedule; run by hand for a deterministic test
    const [stored] = await h.deps.detectors.definitionsOf(1).then((d) => d.filter((x) => x.id === 'cpu-a'));
    await h.deps.detectors.runNow(1, stored!);
    const state = (await (await h.call('GET', '/api/v1/detectors/cpu-a')).json()) as ContinuousDetector;
    expect(state.lastError).toBeNull();
    expect(state.scoredUntil).toBe(Math.floor(NOW / STEP) * STEP);
    const [result] = await h.influx.query(
      `SELECT "value", "score", "anomaly" FROM "metrics".."tidemark_anomaly" WHERE "detector" = 'cpu-a' GROUP BY *`,
    );
    const series = result?.series ?? [];
    expect(series.map((s) => s.tags)).toEqual([
      { detector: 'cpu-a', host: 'a', org: '1', series: 'cpu value {host=a}' },
    ]);
    expect(series[0]?.values.length).toBe(60); // a first run backfills maxBackfill (1 h)
    // Running again is idempotent: nothing new to score, nothing duplicated.
    await h.deps.detectors.runNow(1, stored!);
    const [again] = await h.influx.query(`SELECT count("value") FROM "metrics".."tidemark_anomaly"`);
    expect(again?.series?.[0]?.values[0]?.[1]).toBe(60);
  });

  it('serves the anomaly regions it wrote as annotations', async () => {
    const response = await h.call('GET', `/api/v1/annotations?from=${T0}&to=${NOW + STEP}&detector=cpu-a`, {
      role: 'Viewer',
    });
    expect(response.status).toBe(200);
    const { regions } = (await response.json()) as { regions: AnnotationRegion[] };
    expect(regions).toHaveLength(1);
    expect(regions[0]).toMatchObject({
      start: T0 + SPIKE * STEP,
      peakTime: T0 + SPIKE * STEP,
      detector: 'robust',
      detectorName: 'cpu-a',
      series: 'cpu value {host=a}',
      tags: { host: 'a' },
      explanation: expect.stringMatching(/^value \d+(\.\d+)? above expected/),
    });
    const otherOrg = await h.call('GET', `/api/v1/annotations?from=${T0}&to=${NOW}`, { org: 2 });
    expect(await otherOrg.json()).toEqual({ regions: [] });
  });

  it('replaces (Editor) and deletes (Admin); provisioned detectors are read-only', async () => {
    const changed = await h.call('PUT', '/api/v1/detectors/cpu-a', {
      role: 'Editor',
      body: { ...definition, name: 'renamed', enabled: false },
    });
    expect(await changed.json()).toMatchObject({ name: 'renamed', status: 'disabled' });
    const mismatch = await h.call('PUT', '/api/v1/detectors/cpu-a', {
      role: 'Editor',
      body: { ...definition, id: 'x' },
    });
    expect(mismatch.status).toBe(409);
    for (const [method, body] of [
      ['PUT', { ...definition, id: 'from-file' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await h.call(method, '/api/v1/detectors/from-file', { role: 'Admin', body });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ type: 'urn:tidemark:problem:read-only' });
    }
    expect((await h.call('DELETE', '/api/v1/detectors/cpu-a', { role: 'Editor' })).status).toBe(403);
    expect((await h.call('DELETE', '/api/v1/detectors/cpu-a', { role: 'Admin' })).status).toBe(204);
    expect((await h.call('GET', '/api/v1/detectors/cpu-a')).status).toBe(404);
  });
});
