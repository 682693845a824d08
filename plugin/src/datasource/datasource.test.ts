import {
  type DataFrame,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  dateTime,
  FieldType,
} from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import { type FakeRoutes, fakeBackend, fakeTemplateSrv } from '../test/fakes';
import { scoredSeries, scoreResponse } from '../test/scoreResponse';
import { DataSource } from './datasource';
import { DEFAULT_QUERY, type TidemarkOptions, type TidemarkQuery } from './types';

let backend: ReturnType<typeof fakeBackend>;
let templateSrv = fakeTemplateSrv({});

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => backend.backend,
  getTemplateSrv: () => templateSrv,
}));

const settings = {
  id: 1,
  uid: 'tm',
  type: 'tidemark-anomaly-datasource',
  name: 'Tidemark',
  url: '/api/datasources/proxy/uid/tm',
  jsonData: { scorerUrl: 'http://scorer:8080' },
  access: 'proxy',
  readOnly: false,
  meta: {},
} as unknown as DataSourceInstanceSettings<TidemarkOptions>;

const FROM = Date.UTC(2026, 0, 1);
const TO = FROM + 2 * 3_600_000;

function query(overrides: Partial<TidemarkQuery> = {}): TidemarkQuery {
  return {
    ...DEFAULT_QUERY,
    refId: 'A',
    database: 'telegraf',
    measurement: 'cpu',
    field: 'usage_idle',
    ...overrides,
  };
}

function request(targets: TidemarkQuery[]): DataQueryRequest<TidemarkQuery> {
  return {
    requestId: 'Q1',
    targets,
    range: { from: dateTime(FROM), to: dateTime(TO), raw: { from: 'now-2h', to: 'now' } },
    interval: '1m',
    intervalMs: 60_000,
    scopedVars: {},
    timezone: 'utc',
    app: 'dashboard',
    startTime: 0,
  } as DataQueryRequest<TidemarkQuery>;
}

function setup(routes: FakeRoutes, variables: Record<string, string | string[]> = {}) {
  backend = fakeBackend(routes);
  templateSrv = fakeTemplateSrv(variables);
  return new DataSource(settings);
}

const bodies = () => backend.requests.map((r) => r.data);

describe('query', () => {
  it('posts one ScoreRequest per target through the proxy route and maps the series to frames', async () => {
    const ds = setup({ 'POST /api/v1/score': { body: scoreResponse() } });
    const response = await lastValueFrom(
      ds.query(request([query({ tags: [{ key: 'host', operator: '=', value: 'a' }] })])),
    );

    expect(backend.requests[0]?.url).toBe('/api/datasources/proxy/uid/tm/scorer/api/v1/score');
    expect(bodies()[0]).toEqual({
      query: {
        database: 'telegraf',
        measurement: 'cpu',
        field: 'usage_idle',
        tags: [{ key: 'host', operator: '=', value: 'a' }],
        groupBy: [],
        aggregation: 'mean',
      },
      range: { from: FROM, to: TO },
      intervalMs: 60_000,
      detector: { id: 'ensemble', params: { sensitivity: 'medium' } },
    });
    const frame = response.data[0] as DataFrame;
    expect(frame.fields.map((f) => f.name)).toEqual([
      'time',
      'value',
      'expected',
      'lower',
      'upper',
      'score',
      'anomaly',
    ]);
    expect(frame.refId).toBe('A');
    expect(response.errors).toBeUndefined();
  });

  it('interpolates every field; several tag values are one request grouped by the tag', async () => {
    const ds = setup(
      { 'POST /api/v1/score': { body: scoreResponse() } },
      { db: 'telegraf', m: 'cpu', f: 'usage_idle', host: ['a', 'b'], by: 'dc', det: 'robust', win: '7d' },
    );
    await lastValueFrom(
      ds.query(
        request([
          query({
            database: '$db',
            measurement: '$m',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} syntax
            field: '${f}',
            tags: [{ key: 'host', operator: '=', value: '$host' }],
            groupBy: ['$by'],
            detector: '$det',
            trainingWindow: '$win',
          }),
        ]),
      ),
    );
    expect(bodies()).toHaveLength(1);
    expect(bodies()[0]).toMatchObject({
      query: {
        database: 'telegraf',
        measurement: 'cpu',
        field: 'usage_idle',
        tags: [{ key: 'host', operator: '=~', value: '^(a|b)$' }],
        groupBy: ['dc', 'host'],
      },
      detector: { id: 'robust', params: { trainingWindow: '7d' } },
    });
  });

  it('several fields (a multi-value field variable) are one request with `fields`', async () => {
    const ds = setup({ 'POST /api/v1/score': { body: scoreResponse() } }, { f: ['user', 'system'] });
    await lastValueFrom(ds.query(request([query({ field: '$f' })])));
    const body = bodies()[0] as { query: Record<string, unknown> };
    expect(body.query.fields).toEqual(['user', 'system']);
    expect(body.query).not.toHaveProperty('field');
  });

  it('names frames by the alias: $tag_<key>, $measurement, $col', async () => {
    const response = scoreResponse();
    response.series[0]!.name = 'cpu usage_idle {host=a}';
    response.series[0]!.tags = { host: 'a' };
    const ds = setup({ 'POST /api/v1/score': { body: response } });
    const result = await lastValueFrom(
      ds.query(
        request([
          query({ measurement: 'cpu', field: 'usage_idle', alias: '$tag_host [[m]] $col $tag_none' }),
        ]),
      ),
    );
    expect((result.data[0] as DataFrame).name).toBe('a cpu usage_idle $tag_none');
  });

  it('migrates saved queries of the pre-release shape before sending them', async () => {
    const ds = setup({ 'POST /api/v1/score': { body: scoreResponse() } });
    const legacy = {
      refId: 'A',
      database: 'db',
      measurement: 'm',
      field: 'f',
      tags: { host: 'a' },
      groupBy: 'dc, rack',
    };
    await lastValueFrom(ds.query(request([legacy as unknown as TidemarkQuery])));
    expect(bodies()[0]).toMatchObject({
      query: { tags: [{ key: 'host', operator: '=', value: 'a' }], groupBy: ['dc', 'rack'] },
    });
  });

  it('skips hidden and incomplete targets without calling the scorer', async () => {
    const ds = setup({});
    const response = await lastValueFrom(
      ds.query(request([query({ hide: true }), query({ refId: 'B', field: '' })])),
    );
    expect(backend.requests).toHaveLength(0);
    expect(response.data).toEqual([]);
  });

  it('reports the scorer’s problem+json detail per target, keeping other targets’ frames', async () => {
    const ds = setup({
      'POST /api/v1/score': (req) =>
        (req.data as { query: { field: string } }).query.field === 'bad'
          ? {
              status: 400,
              body: {
                type: 'about:blank',
                title: 'Bad request',
                status: 400,
                detail: 'field "bad" does not exist',
              },
            }
          : { body: scoreResponse() },
    });
    const response = await lastValueFrom(ds.query(request([query(), query({ refId: 'B', field: 'bad' })])));
    expect(response.data).toHaveLength(1);
    expect(response.errors).toEqual([{ refId: 'B', message: 'Bad request: field "bad" does not exist' }]);
  });

  it('rejects an unknown detector with the list of known ones', async () => {
    const ds = setup({ 'POST /api/v1/score': { body: scoreResponse() } });
    const response = await lastValueFrom(ds.query(request([query({ detector: 'prophet' })])));
    expect(response.errors?.[0]?.message).toMatch(/Unknown detector "prophet": use one of ensemble, robust/);
    expect(backend.requests).toHaveLength(0);
  });

  it('says so when the scorer answers something outside the contract', async () => {
    const ds = setup({ 'POST /api/v1/score': { body: { series: 'nope' } } });
    const response = await lastValueFrom(ds.query(request([query()])));
    expect(response.errors?.[0]?.message).toMatch(/does not match the contract/);
  });

  it('puts the scorer’s notices on the frames as Grafana notices', async () => {
    const notice = { severity: 'info' as const, text: 'LSTM still training, showing baseline' };
    const ds = setup({
      'POST /api/v1/score': { body: scoreResponse([scoredSeries({ notices: [notice] })], [notice]) },
    });
    const response = await lastValueFrom(ds.query(request([query({ detector: 'lstm' })])));
    expect((response.data[0] as DataFrame).meta?.notices).toEqual([notice, notice]);
  });
});

describe('annotations', () => {
  const region = {
    start: FROM + 60_000,
    end: FROM + 300_000,
    peakTime: FROM + 120_000,
    peakScore: 88.4,
    detector: 'robust',
    explanation: 'value 93.1 above expected 41.0–55.3 (6.2σ), robust',
    series: 'cpu usage_idle {host=a}',
    tags: { host: 'a' },
    detectorName: 'cpu-watch',
  };

  it('prepares saved annotation targets as detector-region queries', () => {
    const ds = setup({});
    const prepared = ds.annotations.prepareQuery?.({ target: { refId: 'Anno' } } as never);
    expect(prepared).toMatchObject({ annotationSource: 'detectors', queryVersion: 1 });
  });

  it('maps stored regions to region annotations (time, timeEnd, title, text, tags)', async () => {
    const ds = setup({
      'GET /api/v1/annotations': { body: { regions: [region], marks: [], maintenance: [] } },
    });
    const target = query({ annotationSource: 'detectors', annotationDetector: 'cpu-watch', measurement: '' });
    const response = await lastValueFrom(ds.query(request([target])));

    expect(backend.requests[0]?.params).toEqual({
      from: String(FROM),
      to: String(TO),
      detector: 'cpu-watch',
    });
    const frame = response.data[0] as DataFrame;
    const column = (name: string) => frame.fields.find((f) => f.name === name)?.values[0];
    expect(column('time')).toBe(region.start);
    expect(column('timeEnd')).toBe(region.end);
    expect(column('title')).toBe('Anomaly in cpu usage_idle {host=a}');
    expect(column('text')).toMatch(
      /^value 93.1 above expected .* \(peak score 88 at 2026-01-01 00:02:00 UTC\) — continuous detector "cpu-watch"$/,
    );
    expect(column('tags')).toEqual(['tidemark', 'robust', 'cpu-watch', 'host=a']);
    expect(frame.fields.find((f) => f.name === 'timeEnd')?.type).toBe(FieldType.time);
  });

  it('shows marks and maintenance periods as region annotations beside the regions', async () => {
    const mark = {
      id: 'mark-1',
      detector: 'cpu-watch',
      series: 'cpu usage_idle {host=a}',
      kind: 'not-anomaly',
      from: FROM + 60_000,
      to: FROM + 300_000,
      note: 'nightly batch',
      createdAt: FROM,
      createdBy: 'user:7',
    };
    const maintenance = {
      window: 'patching',
      name: 'Sunday patching',
      from: FROM + 600_000,
      to: FROM + 900_000,
      detectorName: 'cpu-watch',
      series: [],
    };
    const ds = setup({
      'GET /api/v1/annotations': { body: { regions: [region], marks: [mark], maintenance: [maintenance] } },
    });
    const target = query({ annotationSource: 'detectors', measurement: '' });
    const frame = (await lastValueFrom(ds.query(request([target])))).data[0] as DataFrame;
    const column = (name: string) => frame.fields.find((f) => f.name === name)?.values;
    expect(frame.length).toBe(3);
    expect(column('time')).toEqual([region.start, mark.from, maintenance.from]);
    expect(column('timeEnd')).toEqual([region.end, mark.to, maintenance.to]);
    expect(column('title')?.slice(1)).toEqual([
      'Marked not an anomaly: cpu usage_idle {host=a}',
      'Maintenance: Sunday patching',
    ]);
    expect(column('text')?.[1]).toBe('nightly batch — marked by user:7 on continuous detector "cpu-watch"');
    expect(column('tags')?.slice(1)).toEqual([
      ['tidemark', 'mark', 'not-anomaly', 'cpu-watch'],
      ['tidemark', 'maintenance', 'cpu-watch'],
    ]);
  });

  it('can take regions from scoring the query instead', async () => {
    const ds = setup({ 'POST /api/v1/score': { body: scoreResponse() } });
    const response = await lastValueFrom(ds.query(request([query({ annotationSource: 'score' })])));
    const frame = response.data[0] as DataFrame;
    expect(frame.length).toBe(1);
    expect(frame.fields.find((f) => f.name === 'tags')?.values[0]).toEqual(['tidemark', 'robust', 'host=a']);
  });
});

describe('metricFindQuery', () => {
  it.each([
    [{ kind: 'databases' as const }, '/api/v1/schema/databases', {}],
    [
      { kind: 'measurements' as const, database: '$db' },
      '/api/v1/schema/measurements',
      { database: 'telegraf' },
    ],
    [
      { kind: 'tagValues' as const, database: 'telegraf', measurement: 'cpu', key: 'host' },
      '/api/v1/schema/tag-values',
      { database: 'telegraf', measurement: 'cpu', key: 'host' },
    ],
  ])('%j calls %s with %j', async (variableQuery, path, params) => {
    const ds = setup({ [`GET ${path}`]: { body: { values: ['x', 'y'] } } }, { db: 'telegraf' });
    const values = await ds.metricFindQuery(variableQuery);
    expect(values).toEqual([
      { text: 'x', value: 'x' },
      { text: 'y', value: 'y' },
    ]);
    expect(backend.requests[0]?.params).toEqual(params);
  });

  it('reads field names from the fields endpoint, which also sends their types', async () => {
    const ds = setup({
      'GET /api/v1/schema/fields': { body: { values: ['usage_idle'], types: { usage_idle: 'float' } } },
    });
    expect(await ds.metricFindQuery({ kind: 'fields', database: 'd', measurement: 'm' })).toEqual([
      { text: 'usage_idle', value: 'usage_idle' },
    ]);
  });
});

describe('testDatasource', () => {
  const healthy: FakeRoutes = {
    'GET /healthz': { body: { status: 'ok' } },
    'GET /api/v1/models': { body: { models: [] } },
    'GET /readyz': { body: { status: 'ready' } },
  };

  it.each<[string, FakeRoutes, 'success' | 'error', RegExp]>([
    ['all good', healthy, 'success', /Scorer reachable, token accepted, InfluxDB reachable/],
    ['scorer unreachable (proxy 502)', {}, 'error', /Cannot reach the scorer/],
    ['not a scorer', { 'GET /healthz': { status: 404, body: {} } }, 'error', /not like a Tidemark scorer/],
    [
      'token rejected (Grafana turns 401 into 400)',
      { ...healthy, 'GET /api/v1/models': { status: 400, body: { message: 'Bad request' } } },
      'error',
      /rejected the token/,
    ],
    [
      'InfluxDB unreachable',
      {
        ...healthy,
        'GET /readyz': {
          status: 503,
          body: {
            type: 'x',
            title: 'Not ready',
            status: 503,
            detail: 'InfluxDB at http://influx:8086 unreachable',
          },
        },
      },
      'error',
      /not ready: InfluxDB at http:\/\/influx:8086 unreachable/,
    ],
  ])('%s', async (_name, routes, status, message) => {
    const result = await setup(routes).testDatasource();
    expect(result.status).toBe(status);
    expect(result.message).toMatch(message);
  });
});
