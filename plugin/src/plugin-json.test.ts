import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import schema from '../tests/plugin.schema.json';
import datasource from './datasource/plugin.json';
import panel from './panel/plugin.json';
import app from './plugin.json';

/** The rules Grafana's plugin schema and validator apply to every plugin.json. */
const ID = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/;
const manifests = [
  ['app', app, '.'],
  ['datasource', datasource, 'datasource'],
  ['panel', panel, 'panel'],
] as const;

/** Grafana's plugin.json schema (its $comment says where it comes from); it refuses unknown keys. */
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

describe.each(manifests)('%s plugin.json', (type, json, dir) => {
  it("passes Grafana's plugin.json schema", () => {
    validate(json);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('has a valid id of its type', () => {
    expect(json.type).toBe(type);
    expect(json.id).toMatch(ID);
    expect(json.id.endsWith(`-${type}`)).toBe(true);
  });

  it('has info with logos that exist, keywords, version and updated placeholders', () => {
    expect(json.info.keywords.length).toBeGreaterThan(0);
    expect(json.info.description.length).toBeGreaterThan(20);
    expect(json.info.author.name).toBeTruthy();
    expect(json.info.version).toBe('%VERSION%');
    expect(json.info.updated).toBe('%TODAY%');
    for (const logo of [json.info.logos.small, json.info.logos.large]) {
      expect(existsSync(join(__dirname, dir, logo))).toBe(true);
    }
  });

  it('declares the Grafana version it needs', () => {
    expect(json.dependencies.grafanaDependency).toMatch(/^>=1[2-9]\.\d+\.\d+$/);
  });
});

describe("Grafana's plugin.json schema", () => {
  it.each([
    ['an unknown top-level key', { ...app, backendUrl: 'x' }, 'additionalProperties'],
    ['an id of the wrong form', { ...app, id: 'Tidemark_App' }, 'pattern'],
    ['no grafanaDependency', { ...app, dependencies: {} }, 'required'],
    [
      'a route with an unknown key',
      { ...datasource, routes: [{ path: 'scorer', proxy: true }] },
      'additionalProperties',
    ],
  ])('rejects %s', (_what, manifest, keyword) => {
    expect(validate(manifest)).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toContain(keyword);
  });
});

describe('app includes', () => {
  it('includes the nested data source and panel by path, with matching names', () => {
    for (const nested of [datasource, panel]) {
      const include = app.includes.find((i) => i.type === nested.type);
      expect(include).toMatchObject({ name: nested.name, path: `${nested.type}/plugin.json` });
    }
  });

  it('has exactly one default page', () => {
    expect(app.includes.filter((i) => 'defaultNav' in i && i.defaultNav)).toHaveLength(1);
  });
});

describe('data source', () => {
  it('is a frontend data source with metrics and annotations', () => {
    expect(datasource).toMatchObject({ metrics: true, annotations: true, backend: false });
  });

  it('proxies to the scorer URL and injects the token as a bearer header on every route', () => {
    expect(datasource.routes.length).toBeGreaterThan(0);
    for (const route of datasource.routes) {
      expect(route.path.startsWith('scorer')).toBe(true);
      expect(route.url.startsWith('{{ .JsonData.scorerUrl }}')).toBe(true);
      expect(route.headers).toEqual([
        { name: 'Authorization', content: 'Bearer {{ .SecureJsonData.token }}' },
      ]);
    }
  });

  it('lets Grafana refuse writes by role: reads Viewer, writes Editor, deletes Admin (marks: Editor)', () => {
    const roleOf = (path: string, method: string) =>
      datasource.routes.find((r) => r.path === path && r.method === method)?.reqRole;
    expect(roleOf('scorer', 'GET')).toBe('Viewer');
    expect(roleOf('scorer/api/v1/score', 'POST')).toBe('Viewer');
    expect(roleOf('scorer', 'POST')).toBe('Editor');
    expect(roleOf('scorer', 'PUT')).toBe('Editor');
    expect(roleOf('scorer', 'PATCH')).toBe('Editor');
    expect(roleOf('scorer', 'DELETE')).toBe('Admin');
    expect(roleOf('scorer/api/v1/marks', 'DELETE')).toBe('Editor');
  });
});
