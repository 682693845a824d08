/**
 * Cross-checks of everything under provisioning/, docker-compose.yml, .env.example and the
 * scorer's Dockerfile: Grafana cannot run here and neither can Docker, so what they would refuse
 * or silently get wrong (an unknown plugin type, a dangling uid, a query the plugin rejects, a
 * typo in a variable, a path that does not exist) is checked from the files themselves.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { DETECTOR_IDS } from '@tidemark/core';
import { migrateQuery } from '../plugin/src/datasource/migrate';
import { toScoreRequest } from '../plugin/src/datasource/request';
import type { TidemarkQuery } from '../plugin/src/datasource/types';
import { envSchema, loadConfig, loadInfluxConnection } from '../scorer/config';
import { loadProvisionedDetectors } from '../scorer/continuous/provisioning';
import { DEMO_METRICS } from '../scorer/feeder/metrics';
import {
  type AlertRule,
  GRAFANA_CORE_DATASOURCE_TYPES,
  GRAFANA_CORE_PANEL_TYPES,
  path,
  pluginIds,
  readJson,
  readYaml,
} from './test/grafana-stand-in';

interface DataSource {
  name: string;
  uid: string;
  type: string;
  url?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<Record<string, unknown> & { refId: string; datasource?: { type: string; uid: string } }>;
  panels?: Panel[];
  options?: Record<string, unknown>;
}
interface Dashboard {
  uid: string;
  title: string;
  description: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; datasource?: { type: string; uid: string }; query?: string }> };
  annotations: { list: Array<Record<string, unknown> & { datasource: { type: string; uid: string } }> };
}

const ids = pluginIds();
const datasources = readYaml<{ apiVersion: number; datasources: DataSource[] }>(
  'provisioning/grafana/datasources/tidemark.yaml',
).datasources;
const DASHBOARD_DIR = 'provisioning/grafana/dashboards';
const dashboardFiles = readdirSync(path(DASHBOARD_DIR)).filter((f) => f.endsWith('.json'));
const dashboards = dashboardFiles.map(
  (file) => [file, readJson<Dashboard>(`${DASHBOARD_DIR}/${file}`)] as const,
);
const alerting = readYaml<{
  groups: Array<{ orgId: number; name: string; folder: string; interval: string; rules: AlertRule[] }>;
  contactPoints: Array<{
    name: string;
    receivers: Array<{ uid: string; type: string; settings: Record<string, string> }>;
  }>;
  policies: Array<{ receiver: string; routes?: Array<{ receiver: string }> }>;
}>('provisioning/grafana/alerting/tidemark.yaml');
const rules = alerting.groups.flatMap((g) => g.rules);
const compose = readYaml<{
  services: Record<
    string,
    {
      image?: string;
      build?: { context: string; dockerfile: string };
      environment?: Record<string, string>;
      volumes?: string[];
      healthcheck?: { test: string[] };
      restart?: string;
      command?: string[];
      depends_on?: Record<string, { condition: string; required?: boolean }>;
      profiles?: string[];
      ports?: string[];
    }
  >;
  volumes: Record<string, unknown>;
}>('docker-compose.yml');

/** `${NAME}`, as a provisioning file writes a variable for Grafana or Compose to expand. */
const expand = (name: string) => `\${${name}}`;

/** Every `{ type, uid }` data source reference anywhere in a JSON document. */
function datasourceRefs(node: unknown, found: Array<{ type: string; uid: string }> = []) {
  if (Array.isArray(node)) for (const item of node) datasourceRefs(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'datasource' && value && typeof value === 'object' && 'uid' in value)
        found.push(value as { type: string; uid: string });
      else datasourceRefs(value, found);
    }
  }
  return found;
}

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const provisionedUid = (uid: string) => datasources.find((d) => d.uid === uid);
/** Grafana's built-in "-- Grafana --" source (annotations & alerts) needs no provisioning. */
const builtIn = (ref: { type: string; uid: string }) => ref.type === 'grafana' && ref.uid === '-- Grafana --';

/** Variables (`${NAME}` / `$NAME`) a provisioning file asks Grafana to expand. */
function envVariables(file: string): string[] {
  const text = readFileSync(path(file), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  return [...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((m) => m[1]!);
}

describe('data sources', () => {
  it('are our plugin ids or Grafana core types, with unique fixed uids and names', () => {
    for (const ds of datasources) {
      expect([ids.datasource, ...GRAFANA_CORE_DATASOURCE_TYPES]).toContain(ds.type);
      expect(ds.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    }
    expect(new Set(datasources.map((d) => d.uid)).size).toBe(datasources.length);
    expect(new Set(datasources.map((d) => d.name)).size).toBe(datasources.length);
  });

  it('reach InfluxDB with InfluxQL through the v1 API, as a read-only user', () => {
    const influx = datasources.find((d) => d.type === 'influxdb')! as DataSource & { user?: string };
    expect(influx.jsonData).toMatchObject({ version: 'InfluxQL', dbName: expand('INFLUX_DATABASE') });
    expect(influx.user).toBe(expand('INFLUX_READ_USER'));
    expect(influx.secureJsonData).toEqual({ password: expand('INFLUX_READ_PASSWORD') });
  });

  it('configure the Tidemark data source as the plugin reads it: scorerUrl in jsonData, token secret', () => {
    const tidemark = datasources.find((d) => d.type === ids.datasource)!;
    const routes = readJson<{ routes: Array<{ url: string; headers: Array<{ content: string }> }> }>(
      'plugin/src/datasource/plugin.json',
    ).routes;
    for (const route of routes) {
      expect(route.url.startsWith('{{ .JsonData.scorerUrl }}')).toBe(true);
      expect(route.headers[0]!.content).toBe('Bearer {{ .SecureJsonData.token }}');
    }
    expect(tidemark.jsonData).toEqual({
      scorerUrl: expand('TIDEMARK_SCORER_URL'),
      influxVersion: `${expand('INFLUX_VERSION')}.x`,
      influxOrg: expand('INFLUX_ORG'),
    });
    expect(tidemark.secureJsonData).toEqual({ token: expand('TIDEMARK_TOKEN') });
  });
});

describe('the app plugin', () => {
  it('is enabled by provisioning, under its own id', () => {
    const { apps } = readYaml<{ apps: Array<{ type: string; disabled: boolean }> }>(
      'provisioning/grafana/plugins/tidemark.yaml',
    );
    expect(apps).toEqual([expect.objectContaining({ type: ids.app, disabled: false })]);
  });
});

describe.each(dashboards)('dashboard %s', (_file, dashboard) => {
  it('describes itself (JSON cannot hold a comment header)', () => {
    expect(dashboard.description.length).toBeGreaterThan(40);
    expect(dashboard.uid).toMatch(/^tidemark-/);
  });

  it('uses only provisioned data sources, by uid and matching type', () => {
    const refs = datasourceRefs(dashboard);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      if (builtIn(ref)) continue;
      expect(provisionedUid(ref.uid)?.type).toBe(ref.type);
    }
  });

  it('uses core panel types or our bands panel, with unique panel ids', () => {
    const panels = allPanels(dashboard.panels);
    for (const panel of panels) expect([ids.panel, ...GRAFANA_CORE_PANEL_TYPES]).toContain(panel.type);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });

  it('has Tidemark queries the plugin accepts, on metrics the feeder writes', () => {
    const panels = allPanels(dashboard.panels);
    const targets = panels
      .flatMap((p) => p.targets ?? [])
      .filter((t) => t.datasource?.type === ids.datasource);
    for (const target of targets) {
      const saved = target as unknown as TidemarkQuery;
      // Saved in the current query model: the plugin's migration has nothing to change.
      expect(migrateQuery(saved)).toBe(saved);
      const interpolated = {
        ...saved,
        tags: saved.tags.map((tag) => ({ ...tag, value: tag.value.replace('$host', 'web-1') })),
      };
      const request = toScoreRequest(interpolated, Date.now() - 86_400_000, Date.now(), 60_000);
      expect(DETECTOR_IDS).toContain(request.detector?.id);
      expect(DEMO_METRICS.map((m) => `${m.measurement}.${m.field}`)).toContain(
        `${request.query.measurement}.${request.query.field}`,
      );
    }
    for (const annotation of dashboard.annotations.list.filter((a) => a.datasource.type === ids.datasource)) {
      const query = migrateQuery({
        annotationSource: 'detectors',
        ...(annotation.target as { refId: string }),
      });
      expect(query.annotationSource).toBe('detectors');
    }
  });

  it('gives every bands panel current options (nothing for the migration handler to do)', () => {
    for (const panel of allPanels(dashboard.panels).filter((p) => p.type === ids.panel)) {
      expect(panel.options).toMatchObject({ optionsVersion: 1 });
    }
  });
});

describe('the ops overview', () => {
  const ops = dashboards.find(([, d]) => d.uid === 'tidemark-ops')![1];
  const panels = allPanels(ops.panels);

  it('has a $host variable on InfluxDB, used by every metric panel', () => {
    expect(ops.templating.list.map((v) => v.name)).toContain('host');
    for (const panel of panels.filter((p) => p.type === 'timeseries'))
      expect(JSON.stringify(panel.targets)).toContain('$host');
  });

  it('shades Tidemark regions (an annotation query on the Tidemark data source)', () => {
    expect(ops.annotations.list.some((a) => a.datasource.type === ids.datasource && a.enable === true)).toBe(
      true,
    );
  });

  it('has one bands panel per key metric, grouped by host', () => {
    const bands = panels.filter((p) => p.type === ids.panel);
    const metrics = bands.map((p) => `${p.targets![0]!.measurement}.${p.targets![0]!.field}`);
    expect(metrics.sort()).toEqual(DEMO_METRICS.map((m) => `${m.measurement}.${m.field}`).sort());
    for (const panel of bands) expect(panel.targets![0]!.groupBy).toEqual(['host']);
  });
});

describe('alerting', () => {
  it('reads through provisioned data sources and Grafana expressions only', () => {
    for (const rule of rules) {
      for (const data of rule.data) {
        if (data.datasourceUid === '__expr__') continue;
        expect(provisionedUid(data.datasourceUid)?.type).toBe('influxdb');
        expect(data.model.query).toMatch(/FROM "tidemark_scores"\.\."tidemark_anomaly" WHERE .*\$timeFilter/);
      }
    }
  });

  it("reads only its org's scores (and the untagged ones an older scorer wrote, which are org 1's)", () => {
    const provider = readYaml<{ providers: Array<{ orgId: number }> }>(
      'provisioning/grafana/dashboards/tidemark.yaml',
    ).providers[0]!;
    const ownOrg = (org: number) => `("org" = '${org}' OR "org" = '')`;
    for (const group of alerting.groups)
      for (const rule of group.rules)
        for (const data of rule.data.filter((d) => d.model.query))
          expect(data.model.query).toContain(ownOrg(group.orgId));
    const queries = dashboards.flatMap(([, d]) => [
      ...allPanels(d.panels).flatMap((p) => (p.targets ?? []).map((t) => t.query)),
      ...d.templating.list.map((v) => v.query),
    ]);
    const onScores = queries.filter(
      (q): q is string => typeof q === 'string' && q.includes('tidemark_anomaly'),
    );
    expect(onScores.length).toBeGreaterThan(0);
    for (const query of onScores) expect(query).toContain(ownOrg(provider.orgId));
  });

  it('chains its expressions: every input and the condition exist, in order', () => {
    for (const rule of rules) {
      const seen = new Set<string>();
      for (const data of rule.data) {
        if (data.model.expression) expect(seen).toContain(data.model.expression);
        expect(data.model.refId).toBe(data.refId);
        seen.add(data.refId);
      }
      expect(seen).toContain(rule.condition);
      expect(rule.data.find((d) => d.refId === rule.condition)?.model.type).toBe('threshold');
    }
  });

  it('has annotations whose $values exist, and link to a provisioned dashboard panel', () => {
    for (const rule of rules) {
      const text = Object.values(rule.annotations ?? {}).join(' ');
      for (const [, refId] of text.matchAll(/\$values\.([A-Za-z0-9_]+)/g)) {
        expect(rule.data.find((d) => d.refId === refId)?.datasourceUid).toBe('__expr__');
      }
      const dashboard = dashboards.find(([, d]) => d.uid === rule.annotations?.__dashboardUid__)?.[1];
      expect(dashboard).toBeDefined();
      expect(allPanels(dashboard!.panels).map((p) => String(p.id))).toContain(rule.annotations?.__panelId__);
    }
  });

  it('says what was expected: the flag rule reports the value and the expected range', () => {
    const score = rules.find((r) => r.uid === 'tidemark-anomaly-flagged')!;
    expect(score.annotations?.description).toMatch(/\$values\.V\b.*expected.*\$values\.L\b.*\$values\.U\b/s);
  });

  it("fires on the detectors' own flag, not a fixed score, and describes the flagged point", () => {
    const flagged = rules.find((r) => r.uid === 'tidemark-anomaly-flagged')!;
    const condition = flagged.data.find((d) => d.refId === flagged.condition)!.model;
    const reduced = flagged.data.find((d) => d.refId === condition.expression)!.model;
    expect(flagged.data.find((d) => d.refId === reduced.expression)!.model.query).toMatch(
      /^SELECT max\("anomaly"\) FROM/,
    );
    expect(condition.conditions![0]!.evaluator).toEqual({ type: 'gt', params: [0.5] });
    for (const refId of ['SCORE', 'VALUE', 'LOWER', 'UPPER']) {
      const query = flagged.data.find((d) => d.refId === refId)!.model.query!;
      expect(query).toContain('WHERE "anomaly" = 1 AND');
    }
  });

  it("shares the dashboards folder (by title: Grafana creates the rules' folder first)", () => {
    const provider = readYaml<{ providers: Array<{ folder: string; folderUid?: string }> }>(
      'provisioning/grafana/dashboards/tidemark.yaml',
    ).providers[0]!;
    expect(provider.folderUid).toBeUndefined();
    for (const group of alerting.groups) expect(group.folder).toBe(provider.folder);
  });

  it('routes to a provisioned contact point', () => {
    const names = alerting.contactPoints.map((c) => c.name);
    for (const policy of alerting.policies) {
      expect(names).toContain(policy.receiver);
      for (const route of policy.routes ?? []) expect(names).toContain(route.receiver);
    }
  });

  it('uses the written-back measurement the provisioned detectors write', async () => {
    const detectors = await loadProvisionedDetectors(path('provisioning/scorer/detectors.yaml'), 1);
    for (const { definition } of detectors) expect(definition.output.measurement).toBe('tidemark_anomaly');
  });
});

describe('the detectors file', () => {
  it("validates against the scorer's schema and covers every demo metric, per host", async () => {
    const detectors = await loadProvisionedDetectors(path('provisioning/scorer/detectors.yaml'), 1);
    const metrics = detectors.map(({ definition: d }) => `${d.query.measurement}.${d.query.field}`);
    expect(metrics.sort()).toEqual(DEMO_METRICS.map((m) => `${m.measurement}.${m.field}`).sort());
    for (const { orgId, definition } of detectors) {
      expect(orgId).toBe(1);
      expect(definition.query).toMatchObject({ database: 'tidemark', groupBy: ['host'] });
      expect(definition.enabled).toBe(true);
    }
  });
});

describe('comment headers', () => {
  const files = [
    'provisioning/grafana/datasources/tidemark.yaml',
    'provisioning/grafana/dashboards/tidemark.yaml',
    'provisioning/grafana/alerting/tidemark.yaml',
    'provisioning/grafana/plugins/tidemark.yaml',
    'provisioning/scorer/detectors.yaml',
    'provisioning/influxdb/setup-tidemark.sh',
    'docker-compose.yml',
    '.env.example',
    'scorer/Dockerfile',
    '.dockerignore',
  ];

  it.each(files)('%s starts with a comment saying what it does and which variables it needs', (file) => {
    const lines = readFileSync(path(file), 'utf8').split('\n');
    const header = lines.slice(
      0,
      lines.findIndex((line) => !line.startsWith('#')),
    );
    expect(header.join('\n').length).toBeGreaterThan(100);
    if (!['.dockerignore', '.env.example'].includes(file)) expect(header.join('\n')).toMatch(/Environment/);
  });

  it('the dashboards folder has a README naming each dashboard', () => {
    const readme = readFileSync(path(DASHBOARD_DIR, 'README.md'), 'utf8');
    for (const [file] of dashboards) expect(readme).toContain(file);
  });
});

describe('docker-compose.yml', () => {
  const services = compose.services;
  const envExample = new Map(
    readFileSync(path('.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z]/.test(line))
      .map((line) => line.split('=', 2) as [string, string]),
  );

  it('runs InfluxDB, the scorer, the feeder and Grafana (and Redis to scale out), restarting them, with health checks', () => {
    expect(Object.keys(services).sort()).toEqual(['feeder', 'grafana', 'influxdb', 'redis', 'scorer']);
    for (const [name, service] of Object.entries(services)) {
      expect([name, service.restart]).toEqual([name, 'unless-stopped']);
      expect(service.healthcheck?.test.length).toBeGreaterThan(1);
    }
  });

  it('pins every image to a version', () => {
    for (const service of Object.values(services)) {
      expect(service.image).toMatch(/^[a-z0-9/._-]+:\d+\.\d+\.\d+$/);
    }
    expect(services.influxdb!.image).toMatch(/^influxdb:2\./);
  });

  it('mounts paths that exist (plugin/dist is what `npm run build -w plugin` writes) into named volumes', () => {
    const named = new Set(Object.keys(compose.volumes));
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':') as [string];
        if (!source.startsWith('.')) {
          expect(named).toContain(source);
          continue;
        }
        if (source === './plugin/dist') {
          const build = readJson<{ scripts: { build: string } }>('plugin/package.json').scripts.build;
          expect(build).toMatch(/webpack/);
          continue;
        }
        expect(existsSync(path(source))).toBe(true);
      }
    }
    expect(statSync(path('provisioning/influxdb/setup-tidemark.sh')).mode & 0o111).not.toBe(0);
  });

  it('builds the scorer and the feeder from scorer/Dockerfile: multi-stage, non-root, pinned base', () => {
    for (const name of ['scorer', 'feeder']) {
      const { build } = services[name]!;
      expect(existsSync(path(build!.context, build!.dockerfile))).toBe(true);
    }
    const dockerfile = readFileSync(path('scorer/Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "scorer\/bin\/tidemark.cjs"\]/);
    for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm))
      expect(existsSync(path(source!))).toBe(true);
    expect(services.feeder!.command![0]).toBe('feed');
  });

  it('allows exactly our three plugin ids unsigned and mounts the provisioning where the provider reads it', () => {
    const grafana = services.grafana!;
    expect(grafana.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS!.split(',').sort()).toEqual(
      [ids.app, ids.datasource, ids.panel].sort(),
    );
    expect(grafana.volumes).toContain('./provisioning/grafana:/etc/grafana/provisioning:ro');
    const provider = readYaml<{ providers: Array<{ options: { path: string } }> }>(
      'provisioning/grafana/dashboards/tidemark.yaml',
    ).providers[0]!;
    expect(provider.options.path).toBe('/etc/grafana/provisioning/dashboards');
    expect(grafana.volumes).toContain(`./plugin/dist:/var/lib/grafana/plugins/${ids.app}:ro`);
  });

  it('gives Grafana every variable its provisioning files expand', () => {
    const grafanaFiles = [
      'provisioning/grafana/datasources/tidemark.yaml',
      'provisioning/grafana/alerting/tidemark.yaml',
      'provisioning/grafana/dashboards/tidemark.yaml',
      'provisioning/grafana/plugins/tidemark.yaml',
    ];
    const needed = new Set(grafanaFiles.flatMap(envVariables));
    expect(needed.size).toBeGreaterThan(3);
    for (const variable of needed) expect(Object.keys(services.grafana!.environment!)).toContain(variable);
  });

  it("sets only variables the scorer's configuration knows", () => {
    const known = Object.keys(envSchema.shape);
    for (const variable of Object.keys(services.scorer!.environment!)) expect(known).toContain(variable);
  });

  it("tells the scorer, the feeder and Grafana's Tidemark data source the influxdb service's version", () => {
    const influx = services.influxdb!;
    const major = /^influxdb:(\d+)\./.exec(influx.image!)?.[1];
    expect(major).toBe('2');
    const secrets = { INFLUX_PASSWORD: 'a-password', INFLUX_USERNAME: 'a-user' };
    for (const name of ['scorer', 'feeder']) {
      const environment = services[name]!.environment!;
      expect([name, environment.INFLUX_VERSION]).toEqual([name, major]);
      const connection = loadInfluxConnection({ ...environment, ...secrets });
      expect([name, connection.apiVersion]).toEqual([name, Number(major)]);
    }
    // Grafana expands ${NAME} in the provisioning file's values with its own environment.
    const grafana = services.grafana!.environment!;
    expect(grafana.INFLUX_VERSION).toBe(major);
    expect(grafana.INFLUX_ORG).toBe(influx.environment!.DOCKER_INFLUXDB_INIT_ORG);
    const tidemark = datasources.find((d) => d.type === ids.datasource)!;
    const expanded = (value: unknown) =>
      String(value).replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_, name: string) => grafana[name] ?? '');
    expect(expanded(tidemark.jsonData!.influxVersion)).toBe(`${major}.x`);
    expect(expanded(tidemark.jsonData!.influxOrg)).toBe('tidemark');
  });

  it('takes every variable it expands from .env.example, and .env.example has nothing unused', () => {
    const text = readFileSync(path('docker-compose.yml'), 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    const used = new Set([...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)(?::?[-?][^}]*)?\}/g)].map((m) => m[1]!));
    expect([...used].sort()).toEqual([...envExample.keys()].sort());
  });

  describe('least privilege (Docker cannot run here: checked from the files, the commands as InfluxDB 2.7 documents them)', () => {
    const setup = readFileSync(path('provisioning/influxdb/setup-tidemark.sh'), 'utf8');
    const influxEnv = services.influxdb!.environment!;
    /** `influx v1 auth create` commands of the init script: the user variable and its bucket grants. */
    const auths = [...setup.matchAll(/^influx v1 auth create((?:[^\n]*\\\n)*[^\n]*)/gm)].map(([, args]) => ({
      user: /--username "\$\{(\w+)\}"/.exec(args!)?.[1],
      password: /--password "\$\{(\w+)\}"/.exec(args!)?.[1],
      read: [...args!.matchAll(/--read-bucket "\$\{(\w+)\}"/g)].map((m) => m[1]),
      write: [...args!.matchAll(/--write-bucket "\$\{(\w+)\}"/g)].map((m) => m[1]),
    }));
    let provisionedDetectors: Awaited<ReturnType<typeof loadProvisionedDetectors>> = [];
    beforeAll(async () => {
      provisionedDetectors = await loadProvisionedDetectors(path('provisioning/scorer/detectors.yaml'), 1);
    });
    const grantsOf = (userVariable: string) => auths.find((a) => a.user === userVariable)!;
    const secretsOf = (name: string) =>
      Object.values(services[name]!.environment ?? {}).flatMap((value) =>
        [...value.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!),
      );

    it('gives the admin token to InfluxDB only', () => {
      expect(influxEnv.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN).toMatch(/\$\{INFLUX_ADMIN_TOKEN:\?/);
      for (const name of ['scorer', 'feeder', 'grafana']) {
        expect([name, secretsOf(name)]).not.toContainEqual([
          name,
          expect.arrayContaining(['INFLUX_ADMIN_TOKEN']),
        ]);
        expect(JSON.stringify(services[name])).not.toMatch(/INFLUX_ADMIN|INFLUX_TOKEN/);
      }
    });

    it('gives every service its own credentials', () => {
      const password = {
        scorer: 'INFLUX_SCORER_PASSWORD',
        feeder: 'INFLUX_FEEDER_PASSWORD',
        grafana: 'INFLUX_GRAFANA_PASSWORD',
      };
      for (const [name, variable] of Object.entries(password)) {
        expect(secretsOf(name).filter((s) => s.startsWith('INFLUX_'))).toEqual([variable]);
      }
      expect(new Set(Object.values(password)).size).toBe(3);
      expect(services.scorer!.environment!.INFLUX_USERNAME).toBe(influxEnv.INFLUX_SCORER_USER);
      expect(services.feeder!.environment!.INFLUX_USERNAME).toBe(influxEnv.INFLUX_FEEDER_USER);
      expect(services.grafana!.environment!.INFLUX_READ_USER).toBe(influxEnv.INFLUX_GRAFANA_USER);
      const users = [
        influxEnv.INFLUX_SCORER_USER,
        influxEnv.INFLUX_FEEDER_USER,
        influxEnv.INFLUX_GRAFANA_USER,
      ];
      expect(new Set(users).size).toBe(3);
    });

    it('lets the feeder only write the demo data, Grafana only read, the scorer read the data and write its own output', () => {
      expect(auths).toHaveLength(3);
      expect(grantsOf('INFLUX_FEEDER_USER')).toMatchObject({ read: [], write: ['data_id'] });
      expect(grantsOf('INFLUX_GRAFANA_USER')).toMatchObject({ read: ['data_id', 'scores_id'], write: [] });
      expect(grantsOf('INFLUX_SCORER_USER')).toMatchObject({
        read: ['data_id', 'scores_id'],
        write: ['scores_id'],
      });
      for (const auth of auths) expect(auth.password).toBe(auth.user!.replace(/_USER$/, '_PASSWORD'));
      expect(services.feeder!.command).toContain('--write-only');
    });

    it('keeps the scores apart from the demo data', () => {
      expect(setup).toMatch(/influx bucket create --org "\$\{org\}" --name "\$\{scores_db\}"/);
      expect(setup).toMatch(
        /dbrp create --org "\$\{org\}" --bucket-id "\$\{scores_id\}" --db "\$\{scores_db\}"/,
      );
      const scores = influxEnv.TIDEMARK_SCORES_DATABASE!;
      expect(scores).not.toBe(influxEnv.TIDEMARK_DATABASE);
      expect(services.scorer!.environment!.INFLUX_DATABASE).toBe(scores);
      expect(services.feeder!.command).toContain(`--database=${influxEnv.TIDEMARK_DATABASE}`);
      for (const { definition } of provisionedDetectors) {
        expect(definition.query.database).toBe(influxEnv.TIDEMARK_DATABASE);
        expect(definition.output.database).toBe(scores);
      }
    });
  });

  it('waits for healthy dependencies', () => {
    expect(services.scorer!.depends_on).toEqual({
      influxdb: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy', required: false },
    });
    expect(services.grafana!.depends_on).toMatchObject({ scorer: { condition: 'service_healthy' } });
  });
  describe('the scale profile (`docker compose --profile scale up --scale scorer=3`; Docker cannot run here: checked from the files as the Compose specification documents them)', () => {
    const redis = services.redis!;
    const scorer = services.scorer!;
    const flag = (name: string) => redis.command![redis.command!.indexOf(name) + 1];

    it('starts Redis only with the scale profile, persisted append-only, never evicting, in a named volume', () => {
      expect(redis.profiles).toEqual(['scale']);
      for (const [name, service] of Object.entries(services))
        if (name !== 'redis') expect([name, service.profiles]).toEqual([name, undefined]);
      expect(redis.image).toMatch(/^redis:7\./);
      expect(redis.command![0]).toBe('redis-server');
      expect([flag('--appendonly'), flag('--appendfsync'), flag('--maxmemory-policy')]).toEqual([
        'yes',
        'everysec',
        'noeviction',
      ]);
      expect(redis.volumes).toEqual(['redis-data:/data']);
      expect((redis as { ports?: string[] }).ports).toBeUndefined(); // inside the network only
    });

    it('gives the scorer REDIS_URL from .env (empty: one node on its files) and a port per replica', () => {
      expect(scorer.environment!.REDIS_URL).toBe(expand('REDIS_URL:-'));
      const single = loadConfig({ TIDEMARK_TOKENS: 'x'.repeat(16), REDIS_URL: envExample.get('REDIS_URL') });
      expect(single.cluster).toBeNull();
      const suggested = /REDIS_URL=(redis:\/\/\S+)/.exec(readFileSync(path('.env.example'), 'utf8'))![1]!;
      expect(new URL(suggested).hostname).toBe('redis');
      expect(new URL(suggested).port).toBe('6379');
      const scaled = loadConfig({ TIDEMARK_TOKENS: 'x'.repeat(16), REDIS_URL: suggested });
      expect(scaled.cluster?.redisUrl).toBe(suggested);
      // A host port range: Compose gives each replica of a scaled service one port of it.
      expect(scorer.ports).toEqual([
        `127.0.0.1:${expand('SCORER_PORT:-8080')}-${expand('SCORER_PORT_LAST:-8080')}:8080`,
      ]);
      expect(services.grafana!.environment!.TIDEMARK_SCORER_URL).toBe('http://scorer:8080');
    });
  });
});

describe('docs/operations.md', () => {
  const text = readFileSync(path('docs/operations.md'), 'utf8');

  it("documents every environment variable of the scorer's configuration", () => {
    for (const variable of Object.keys(envSchema.shape)) expect(text).toContain(`| \`${variable}\` |`);
  });

  it('names every provisioned file and the variables each needs', () => {
    for (const file of [
      'plugins/tidemark.yaml',
      'datasources/tidemark.yaml',
      'alerting/tidemark.yaml',
      'dashboards/',
    ]) {
      expect(text).toContain(file);
    }
    for (const variable of envVariables('provisioning/grafana/datasources/tidemark.yaml'))
      expect(text).toContain(variable);
    expect(text).toContain('ALERT_WEBHOOK_URL');
  });
});
