/**
 * Which InfluxDB databases each Grafana org may use (ORG_ACCESS_FILE), on a real influxd with auth
 * on and two databases: `team1` (org 1's) and `other` (another team's, with `secret` in it).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { continuousDetectorInputSchema } from '@tidemark/core';
import { InfluxClient } from '../influx';
import { type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';
import { loadOrgAccessFile, OrgAccessFileError } from './org-access-file';

const influxd = useInfluxd({ auth: true });
const STEP = 60_000;
const NOW = Math.floor(Date.now() / STEP) * STEP;
const T0 = NOW - 600 * STEP;
const TEAM2 = { username: 'team2', password: 'team2-password' };
let dir: string;

const scoreBody = (database: string, measurement: string) => ({
  query: { database, measurement, field: 'value' },
  range: { from: NOW - 60 * STEP, to: NOW },
  intervalMs: STEP,
  detector: { id: 'robust' },
});
const detector = (id: string, database: string, output?: string) => ({
  id,
  query: { database, measurement: 'cpu', field: 'value' },
  interval: '1m',
  lag: '1ms',
  maxBackfill: '1h',
  detector: { id: 'robust' },
  ...(output ? { output: { database: output } } : {}),
});

async function problem(response: Response, status: number, slug: string, detail: RegExp) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { type: string; detail: string };
  expect(body.type).toBe(`urn:tidemark:problem:${slug}`);
  expect(body.detail).toMatch(detail);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-org-access-'));
  const admin = new InfluxClient({ url: influxd.current.url, auth: influxd.current.admin! });
  for (const db of ['team1', 'other']) await admin.query(`CREATE DATABASE "${db}"`);
  await admin.write('team1', seasonalPoints('cpu', { host: 'a' }, T0, 600, STEP));
  await admin.write('other', seasonalPoints('secret', { host: 'b' }, T0, 600, STEP));
  // Org 2's own InfluxDB user may read `other`, not `team1`.
  await admin.query(`CREATE USER "${TEAM2.username}" WITH PASSWORD '${TEAM2.password}'`);
  await admin.query(`GRANT READ ON "other" TO "${TEAM2.username}"`);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

function harness(env: Record<string, string> = {}, provisioned: Array<{ orgId: number; id: string }> = []) {
  const { username, password } = influxd.current.admin!;
  return startHarness(influxd.current, {
    env: { INFLUX_USERNAME: username, INFLUX_PASSWORD: password, ...env },
    provisioned: provisioned.map(({ orgId, id }) => ({
      orgId,
      definition: continuousDetectorInputSchema.parse({ ...detector(id, 'team1'), enabled: false }),
    })),
  });
}

describe('without ORG_ACCESS_FILE: org 1 reads what the scorer may, other orgs nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({}, [{ orgId: 2, id: 'org2-cpu' }]);
  });
  afterAll(() => h.close());

  it('lets org 1 list every database and read any of them', async () => {
    const listed = (await (await h.call('GET', '/api/v1/schema/databases', { role: 'Viewer' })).json()) as {
      values: string[];
    };
    expect(listed.values).toEqual(expect.arrayContaining(['team1', 'other']));
    const scored = await h.call('POST', '/api/v1/score', {
      role: 'Viewer',
      body: scoreBody('other', 'secret'),
    });
    expect(scored.status).toBe(200);
  });

  it.each([
    ['lists databases', 'GET', '/api/v1/schema/databases', undefined],
    ['lists measurements', 'GET', '/api/v1/schema/measurements?database=other', undefined],
    [
      'reads tag values',
      'GET',
      '/api/v1/schema/tag-values?database=other&measurement=secret&key=host',
      undefined,
    ],
    ['scores other.secret', 'POST', '/api/v1/score', scoreBody('other', 'secret')],
    [
      'trains on other.secret',
      'POST',
      '/api/v1/models',
      { ...scoreBody('other', 'secret'), range: { from: T0, to: NOW } },
    ],
    ['defines a detector on other', 'POST', '/api/v1/detectors', detector('peek', 'other')],
    ['reads its detectors’ annotations', 'GET', `/api/v1/annotations?from=${T0}&to=${NOW}`, undefined],
  ])('refuses org 2 when it %s, naming the setting', async (_what, method, path, body) => {
    const response = await h.call(method, path, { org: 2, role: 'Admin', ...(body ? { body } : {}) });
    await problem(response, 403, 'org-access', /Org 2 may not read InfluxDB.*ORG_ACCESS_FILE is not set/);
  });

  it('creates no job and no detector for the refused org', async () => {
    expect(await (await h.call('GET', '/api/v1/jobs', { org: 2 })).json()).toEqual({ jobs: [] });
    const detectors = (await (await h.call('GET', '/api/v1/detectors', { org: 2 })).json()) as {
      detectors: Array<{ id: string }>;
    };
    expect(detectors.detectors.map((d) => d.id)).toEqual(['org2-cpu']);
  });

  it("fails a provisioned detector's run in another org, saying why", async () => {
    const [definition] = await h.deps.detectors.definitionsOf(2);
    await h.deps.detectors.runNow(2, definition!);
    const status = (await (await h.call('GET', '/api/v1/detectors/org2-cpu', { org: 2 })).json()) as {
      lastError: string;
      scoredUntil: number | null;
    };
    expect(status.lastError).toMatch(/Org 2 may not read InfluxDB.*ORG_ACCESS_FILE/);
    expect(status.scoredUntil).toBeNull();
  });
});

describe('with ORG_ACCESS_FILE: each org its databases and credentials', () => {
  let h: Harness;
  beforeAll(async () => {
    const file = join(dir, 'orgs.yaml');
    await writeFile(
      file,
      [
        'apiVersion: 1',
        'orgs:',
        '  - orgId: 1',
        '    databases: [team1]',
        '  - orgId: 2',
        '    databases: [other, team1]',
        `    influx: { username: ${TEAM2.username}, password: ${TEAM2.password} }`,
      ].join('\n'),
    );
    h = await harness({ ORG_ACCESS_FILE: file });
  });
  afterAll(() => h.close());

  it('lists only the databases an org may use', async () => {
    const org1 = (await (await h.call('GET', '/api/v1/schema/databases')).json()) as { values: string[] };
    expect(org1.values).toEqual(['team1']);
    const org2 = (await (await h.call('GET', '/api/v1/schema/databases', { org: 2 })).json()) as {
      values: string[];
    };
    expect(org2.values).toContain('other');
    expect(org2.values.every((name) => ['other', 'team1'].includes(name))).toBe(true);
  });

  it("refuses org 1 another team's database, saying what it may use", async () => {
    const response = await h.call('POST', '/api/v1/score', { body: scoreBody('other', 'secret') });
    await problem(
      response,
      403,
      'org-access',
      /Org 1 may not use the InfluxDB database "other".*only "team1"/,
    );
    const measurements = await h.call('GET', '/api/v1/schema/fields?database=other&measurement=secret');
    expect(measurements.status).toBe(403);
  });

  it('refuses a detector whose output is in a database the org may not use', async () => {
    const response = await h.call('POST', '/api/v1/detectors', { body: detector('leak', 'team1', 'other') });
    await problem(response, 403, 'org-access', /"other"/);
  });

  it("reads with the org's own InfluxDB credentials", async () => {
    const own = await h.call('POST', '/api/v1/score', { org: 2, body: scoreBody('other', 'secret') });
    expect(own.status).toBe(200);
    expect(((await own.json()) as { series: unknown[] }).series).toHaveLength(1);
    // Allowed by the file, but org 2's InfluxDB user may not read team1: the scorer's admin is not used.
    const notGranted = await h.call('POST', '/api/v1/score', { org: 2, body: scoreBody('team1', 'cpu') });
    expect(notGranted.status).toBe(403);
    expect(((await notGranted.json()) as { type: string }).type).toBe(
      'urn:tidemark:problem:influxdb-forbidden',
    );
  });

  it('refuses an org the file does not list', async () => {
    const response = await h.call('GET', '/api/v1/schema/databases', { org: 3 });
    await problem(response, 403, 'org-access', /Org 3 .*no entry in ORG_ACCESS_FILE/);
  });
});

describe('the org access file', () => {
  it.each([
    ['orgs: [{ orgId: 1 }]', /orgs\[0\]\.databases/],
    ['orgs: [{ orgId: 1, databases: "all" }]', /"\*"/],
    ['orgs: [{ orgId: 1, databases: "*", influx: { token: "" } }]', /influx/],
    ['orgs: [{ orgId: 1, databases: "*" }, { orgId: 1, databases: [a] }]', /org 1 appears twice/],
    ['orgs: [{ orgId: 1, databases: "*", color: red }]', /color/],
    ['orgs: [', /not valid YAML/],
  ])('refuses %s', async (text, message) => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, text);
    const error = await loadOrgAccessFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrgAccessFileError);
    expect((error as Error).message).toMatch(message);
  });

  it('never quotes a secret from the file', async () => {
    const file = join(dir, 'secret.yaml');
    await writeFile(
      file,
      'orgs: [{ orgId: 1, databases: "*", influx: { token: "s3cret-token", extra: 1 } }]',
    );
    const error = (await loadOrgAccessFile(file).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('s3cret-token');
  });
});
