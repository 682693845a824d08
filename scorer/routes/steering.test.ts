import { type MaintenanceWindow, type Mark, maintenanceWindowInputSchema } from '@tidemark/core';
import { createDatabase, type Harness, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

const influxd = useInfluxd();
let h: Harness;
const HOUR = 3_600_000;
const T = Date.UTC(2025, 0, 6); // a Monday

const detector = {
  id: 'cpu',
  query: { database: 'metrics', measurement: 'cpu', field: 'value', groupBy: ['host'] },
  interval: '1m',
  enabled: false,
};
const mark = { detector: 'cpu', series: 'cpu value {host=a}', kind: 'not-anomaly', from: T, to: T + HOUR };
const weekly = {
  id: 'sunday',
  name: 'Sunday patching',
  scope: { detector: 'cpu', series: [{ key: 'host', value: 'a' }] },
  schedule: { type: 'weekly', days: ['sun'], start: '02:00', end: '04:00' },
};

beforeAll(async () => {
  h = await startHarness(influxd.current, {
    orgAccess: 'orgs: [{ orgId: 1, databases: "*" }, { orgId: 2, databases: "*" }]',
    provisionedWindows: [
      {
        orgId: 1,
        window: maintenanceWindowInputSchema.parse({
          id: 'from-file',
          schedule: { type: 'once', from: T + 5 * HOUR, to: T + 6 * HOUR },
        }),
      },
    ],
  });
  await createDatabase(h.influx, 'metrics');
  for (const org of [1, 2])
    expect((await h.call('POST', '/api/v1/detectors', { role: 'Editor', org, body: detector })).status).toBe(
      201,
    );
}, 60_000);
afterAll(() => h.close());

describe('marks', () => {
  let created: Mark;

  it('an Editor creates one; a Viewer lists it; another org sees none', async () => {
    expect((await h.call('POST', '/api/v1/marks', { role: 'Viewer', body: mark })).status).toBe(403);
    const response = await h.call('POST', '/api/v1/marks', { role: 'Editor', body: mark });
    expect(response.status).toBe(201);
    created = (await response.json()) as Mark;
    expect(created).toMatchObject({
      ...mark,
      id: expect.stringMatching(/^mark-/),
      createdBy: expect.any(String),
    });
    expect(response.headers.get('location')).toBe(`/api/v1/marks/${created.id}`);
    const list = await h.call('GET', `/api/v1/marks?detector=cpu&from=${T}&to=${T + 1}`, { role: 'Viewer' });
    expect(await list.json()).toEqual({ marks: [created] });
    expect(await (await h.call('GET', `/api/v1/marks?from=${T + HOUR + 1}`)).json()).toEqual({ marks: [] });
    expect(await (await h.call('GET', '/api/v1/marks', { org: 2 })).json()).toEqual({ marks: [] });
    expect((await h.call('GET', `/api/v1/marks/${created.id}`, { org: 2 })).status).toBe(404);
  });

  it('shows as an annotation of the detector', async () => {
    const response = await h.call('GET', `/api/v1/annotations?from=${T}&to=${T + 2 * HOUR}`, {
      role: 'Viewer',
    });
    expect(((await response.json()) as { marks: Mark[] }).marks).toEqual([created]);
  });

  it.each([
    [{ ...mark, kind: 'fine' }, 'kind'],
    [{ ...mark, from: T + 2 * HOUR }, 'from'],
    [{ ...mark, series: '' }, 'series'],
    [{ ...mark, detector: 'a b' }, 'detector'],
  ])('refuses %j with a 400 naming %s', async (body, path) => {
    const response = await h.call('POST', '/api/v1/marks', { role: 'Editor', body });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(
      ((await response.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path),
    ).toContain(path);
  });

  it('refuses a mark on a detector the org does not have (404)', async () => {
    const response = await h.call('POST', '/api/v1/marks', {
      role: 'Editor',
      body: { ...mark, detector: 'nope' },
    });
    expect(response.status).toBe(404);
  });

  it('an Editor deletes it (not another org, not a Viewer)', async () => {
    expect((await h.call('DELETE', `/api/v1/marks/${created.id}`, { role: 'Viewer' })).status).toBe(403);
    expect((await h.call('DELETE', `/api/v1/marks/${created.id}`, { role: 'Admin', org: 2 })).status).toBe(
      404,
    );
    expect((await h.call('DELETE', `/api/v1/marks/${created.id}`, { role: 'Editor' })).status).toBe(204);
    expect(await (await h.call('GET', '/api/v1/marks')).json()).toEqual({ marks: [] });
  });
});

describe('maintenance windows', () => {
  it('an Editor creates one; it lists with the provisioned one; another org sees neither', async () => {
    expect(
      (await h.call('POST', '/api/v1/maintenance-windows', { role: 'Viewer', body: weekly })).status,
    ).toBe(403);
    const response = await h.call('POST', '/api/v1/maintenance-windows', { role: 'Editor', body: weekly });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ ...weekly, enabled: true, provisioned: false });
    expect(
      (await h.call('POST', '/api/v1/maintenance-windows', { role: 'Editor', body: weekly })).status,
    ).toBe(409);
    const { windows } = (await (
      await h.call('GET', '/api/v1/maintenance-windows', { role: 'Viewer' })
    ).json()) as {
      windows: MaintenanceWindow[];
    };
    expect(windows.map((w) => [w.id, w.provisioned])).toEqual([
      ['from-file', true],
      ['sunday', false],
    ]);
    expect(await (await h.call('GET', '/api/v1/maintenance-windows', { org: 2 })).json()).toEqual({
      windows: [],
    });
  });

  it('answers its occurrences, and annotations show them on the detector', async () => {
    const from = T - 2 * 24 * HOUR; // Saturday
    const occurrences = await h.call(
      'GET',
      `/api/v1/maintenance-windows/sunday/occurrences?from=${from}&to=${T}`,
    );
    expect(await occurrences.json()).toEqual({
      periods: [{ window: 'sunday', name: 'Sunday patching', from: T - 22 * HOUR, to: T - 20 * HOUR }],
    });
    const annotations = await h.call('GET', `/api/v1/annotations?from=${from}&to=${T + 24 * HOUR}`);
    const { maintenance } = (await annotations.json()) as { maintenance: unknown[] };
    expect(maintenance).toEqual([
      {
        window: 'sunday',
        name: 'Sunday patching',
        from: T - 22 * HOUR,
        to: T - 20 * HOUR,
        detectorName: 'cpu',
        series: [{ key: 'host', operator: '=', value: 'a' }],
      },
      { window: 'from-file', from: T + 5 * HOUR, to: T + 6 * HOUR, detectorName: 'cpu', series: [] },
    ]);
  });

  it.each([
    [{ ...weekly, schedule: { type: 'cron', cron: '0 3 * *', duration: '1h' } }, 'schedule.cron'],
    [{ ...weekly, schedule: { type: 'cron', cron: '0 25 * * *', duration: '1h' } }, 'schedule.cron'],
    [{ ...weekly, schedule: { ...weekly.schedule, timezone: 'Nowhere/Else' } }, 'schedule.timezone'],
    [{ ...weekly, schedule: { type: 'monthly' } }, 'schedule.type'],
  ])('refuses %j with a 400 naming %s', async (body, path) => {
    const response = await h.call('PUT', '/api/v1/maintenance-windows/sunday', { role: 'Editor', body });
    expect(response.status).toBe(400);
    expect(
      ((await response.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path),
    ).toContain(path);
  });

  it('replaces (Editor) and deletes (Admin); the provisioned one is read-only', async () => {
    const changed = await h.call('PUT', '/api/v1/maintenance-windows/sunday', {
      role: 'Editor',
      body: { ...weekly, enabled: false },
    });
    expect(await changed.json()).toMatchObject({ enabled: false });
    for (const method of ['PUT', 'DELETE'])
      expect(
        (
          await h.call(method, '/api/v1/maintenance-windows/from-file', {
            role: 'Admin',
            ...(method === 'PUT' ? { body: { ...weekly, id: 'from-file' } } : {}),
          })
        ).status,
      ).toBe(409);
    expect((await h.call('DELETE', '/api/v1/maintenance-windows/sunday', { role: 'Editor' })).status).toBe(
      403,
    );
    expect(
      (await h.call('DELETE', '/api/v1/maintenance-windows/sunday', { role: 'Admin', org: 2 })).status,
    ).toBe(404);
    expect((await h.call('DELETE', '/api/v1/maintenance-windows/sunday', { role: 'Admin' })).status).toBe(
      204,
    );
  });
});
