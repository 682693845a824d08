import {
  type AnnotationRegion,
  type ContinuousDetector,
  continuousDetectorInputSchema,
} from '@tidemark/core';
import { parse } from 'yaml';
import {
  type AlertRule,
  evaluateRule,
  type RuleData,
  renderInfluxQL,
} from '../../provisioning/test/grafana-stand-in';
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
    expect(await otherOrg.json()).toEqual({ regions: [], marks: [], maintenance: [] });
  });

  it("exports an alert rule that fires on the detector's own flag (Grafana's provisioning contract)", async () => {
    // Grafana cannot run here: the rule is checked against the documented ProvisionedAlertRule
    // shape and evaluated by the stand-in (macros expanded, reduce and threshold as Grafana does).
    const json = await h.call('GET', '/api/v1/detectors/cpu-a/alert-rule?format=json&folder=f-uid', {
      role: 'Viewer',
    });
    expect(json.status).toBe(200);
    const rule = (await json.json()) as AlertRule & Record<string, unknown>;
    expect(rule).toMatchObject({
      uid: 'tidemark-cpu-a',
      title: 'Tidemark: CPU on host a',
      orgID: 1,
      folderUID: 'f-uid',
      ruleGroup: 'tidemark-detectors',
      condition: 'C',
      noDataState: 'OK',
      execErrState: 'Error',
      for: '0s',
      labels: { source: 'tidemark', detector: 'cpu-a' },
      annotations: { __dashboardUid__: 'tidemark-detectors', __panelId__: '1' },
    });
    const run = async (data: RuleData, from: number, to: number) =>
      (
        await h.influx.querySeries(renderInfluxQL(data.model.query!, { from, to, intervalMs: STEP }), {
          database: 'metrics',
        })
      ).map((one) => ({
        labels: one.tags ?? {},
        values: one.values.map((row) => (typeof row[1] === 'number' ? row[1] : null)),
      }));
    const spike = T0 + SPIKE * STEP;
    const during = await evaluateRule(rule, spike + 5 * STEP, run);
    expect(during.map((i) => [i.labels, i.firing])).toEqual([
      [{ series: 'cpu value {host=a}', host: 'a' }, true],
    ]);
    expect(during[0]!.values.V).toBeGreaterThan(during[0]!.values.U!);
    expect((await evaluateRule(rule, spike - 5 * STEP, run)).some((i) => i.firing)).toBe(false);

    const yaml = await h.call('GET', '/api/v1/detectors/cpu-a/alert-rule', { role: 'Viewer' });
    expect(yaml.headers.get('content-type')).toBe('application/yaml');
    const file = parse(await yaml.text()) as { apiVersion: number; groups: Array<Record<string, unknown>> };
    expect(file.apiVersion).toBe(1);
    expect(file.groups[0]).toMatchObject({ orgId: 1, folder: 'Tidemark', name: 'tidemark-detectors' });
    expect((file.groups[0]!.rules as AlertRule[])[0]!.data).toEqual(rule.data);

    expect((await h.call('GET', '/api/v1/detectors/nope/alert-rule')).status).toBe(404);
    expect((await h.call('GET', '/api/v1/detectors/cpu-a/alert-rule', { org: 2 })).status).toBe(404);
    const bad = await h.call('GET', '/api/v1/detectors/cpu-a/alert-rule?format=xml');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'urn:tidemark:problem:validation' });
  });

  it('patches (Editor), pauses and resumes; a patch leaving an invalid detector is a 400', async () => {
    const patched = await h.call('PATCH', '/api/v1/detectors/cpu-a', {
      role: 'Editor',
      body: { detector: { id: 'robust', params: { sensitivity: 'high' } } },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      name: 'CPU on host a',
      maxBackfill: '1h',
      detector: { id: 'robust', params: { sensitivity: 'high' } },
    });
    const invalid = await h.call('PATCH', '/api/v1/detectors/cpu-a', {
      role: 'Editor',
      body: { lateWindow: 'soon' },
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { errors: unknown[] }).errors[0]).toMatchObject({ path: 'lateWindow' });
    expect(
      (await h.call('PATCH', '/api/v1/detectors/cpu-a', { role: 'Editor', body: { id: 'x' } })).status,
    ).toBe(400);
    expect((await h.call('POST', '/api/v1/detectors/cpu-a/pause', { role: 'Viewer' })).status).toBe(403);
    const paused = await h.call('POST', '/api/v1/detectors/cpu-a/pause', { role: 'Editor' });
    expect(await paused.json()).toMatchObject({
      enabled: false,
      status: 'disabled',
      scoredUntil: expect.any(Number),
    });
    const resumed = await h.call('POST', '/api/v1/detectors/cpu-a/resume', { role: 'Editor' });
    expect(await resumed.json()).toMatchObject({ enabled: true, maxBackfill: '1h' });
    expect((await h.call('POST', '/api/v1/detectors/from-file/pause', { role: 'Editor' })).status).toBe(409);
    expect((await h.call('PATCH', '/api/v1/detectors/nope', { role: 'Editor', body: {} })).status).toBe(404);
    await h.deps.detectors.stop();
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
