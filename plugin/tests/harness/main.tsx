/**
 * Mounts the real panel and editors outside Grafana, with real @grafana/data frames and Grafana's
 * theme, for the Playwright tests. The view is chosen by the query string:
 * `?view=panel|panel-plain|panel-empty|query-editor|config-editor|e2e|app&theme=dark|light&series=N`;
 * `role=Viewer|Editor|Admin` is the signed-in user's org role in Grafana's boot data.
 */
import {
  createDataFrame,
  createTheme,
  type DataFrame,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  dateTime,
  FieldType,
  ThemeContext,
} from '@grafana/data';
import { config, setBackendSrv, setDataSourceSrv, setTemplateSrv } from '@grafana/runtime';
import { GlobalStyles } from '@grafana/ui';
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryRouter } from 'react-router-dom';
import { from, lastValueFrom } from 'rxjs';
import { ModelsPage } from '../../src/components/ModelsPage/ModelsPage';
import { DATASOURCE_PLUGIN_ID } from '../../src/constants/routes';
import { ConfigEditor } from '../../src/datasource/components/ConfigEditor/ConfigEditor';
import { QueryEditor } from '../../src/datasource/components/QueryEditor/QueryEditor';
import { DataSource } from '../../src/datasource/datasource';
import { framesFromResponse } from '../../src/datasource/frames';
import { DEFAULT_QUERY, type TidemarkQuery } from '../../src/datasource/types';
import { BandsPanel } from '../../src/panel/components/BandsPanel/BandsPanel';
import { type BandsOptions, DEFAULT_OPTIONS } from '../../src/panel/types';
import { fixtureResponse, START } from './fixture';
import {
  CONFIG_SETTINGS,
  DATASOURCE_SETTINGS,
  EDITED_QUERY,
  panelProps,
  schemaBackendSrv,
  templateSrv,
} from './stand-ins';

const params = new URLSearchParams(window.location.search);
const view = params.get('view') ?? 'panel';
const theme = createTheme({ colors: { mode: params.get('theme') === 'light' ? 'light' : 'dark' } });
const width = Number(params.get('width') ?? 1000);
const height = Number(params.get('height') ?? 420);

/** The theme's resolved colours, for tests that look for them on the canvas. */
(window as unknown as { harnessColors: unknown }).harnessColors = {
  palette: theme.visualization.palette.slice(0, 5).map((name) => theme.visualization.getColorByName(name)),
  anomaly: theme.visualization.getColorByName(DEFAULT_OPTIONS.anomalyColor),
  score: theme.visualization.getColorByName(DEFAULT_OPTIONS.scoreColor),
};

// Grafana's services, answered in the browser.
// The end-to-end views talk to the real scorer through the proxy stand-in that serves this page.
setBackendSrv((view === 'e2e' || view === 'app' ? browserBackendSrv() : schemaBackendSrv) as never);
setTemplateSrv(templateSrv as never);
// Grafana's boot data: the signed-in user's org role, which the page's buttons follow.
config.bootData = {
  ...config.bootData,
  user: { ...config.bootData?.user, orgRole: params.get('role') ?? 'Viewer' },
} as typeof config.bootData;
// Grafana's data source list: one Tidemark data source (uid tm) and one InfluxDB for alert rules.
const DATASOURCES = [
  {
    uid: 'tm',
    name: 'Tidemark',
    type: DATASOURCE_PLUGIN_ID,
    meta: { id: DATASOURCE_PLUGIN_ID, info: { logos: { small: '' } } },
  },
  {
    uid: 'influx',
    name: 'InfluxDB',
    type: 'influxdb',
    meta: { id: 'influxdb', info: { logos: { small: '' } } },
  },
];
setDataSourceSrv({
  getList: (filter: { pluginId?: string; type?: string } = {}) =>
    DATASOURCES.filter(
      (ds) => (!filter.pluginId || ds.type === filter.pluginId) && (!filter.type || ds.type === filter.type),
    ),
  getInstanceSettings: (ref: string | { uid?: string } | null) =>
    DATASOURCES.find((ds) => ds.uid === (typeof ref === 'string' ? ref : ref?.uid)),
  get: async () => undefined,
  reload: async () => {},
  registerRuntimeDataSource: () => {},
} as never);

function panelFrames(): DataFrame[] {
  if (view === 'panel-empty') return [];
  if (view === 'panel-plain') {
    // What Grafana's InfluxDB data source returns: time and a number, no band.
    const time = Array.from({ length: 288 }, (_, i) => START + i * 300_000);
    return [
      createDataFrame({
        name: 'cpu.mean',
        fields: [
          { name: 'Time', type: FieldType.time, values: time },
          { name: 'mean', type: FieldType.number, values: time.map((_, i) => 30 + 10 * Math.sin(i / 30)) },
        ],
      }),
    ];
  }
  return framesFromResponse(fixtureResponse(Number(params.get('series') ?? 1)), 'A');
}

function PanelView() {
  const options: BandsOptions = { ...DEFAULT_OPTIONS, ...JSON.parse(params.get('options') ?? '{}') };
  const props = panelProps(panelFrames(), options, { width, height }, theme, (range) => {
    (window as unknown as { lastZoom: unknown }).lastZoom = range;
  });
  return <BandsPanel {...props} />;
}

function QueryEditorView() {
  const datasource = new DataSource(DATASOURCE_SETTINGS);
  const [query, setQuery] = useState<TidemarkQuery>(EDITED_QUERY);
  (window as unknown as { query: TidemarkQuery }).query = query;
  return <QueryEditor datasource={datasource} query={query} onChange={setQuery} onRunQuery={() => {}} />;
}

function ConfigEditorView() {
  const [options, setOptions] = useState(CONFIG_SETTINGS);
  (window as unknown as { settings: unknown }).settings = options;
  return <ConfigEditor options={options} onOptionsChange={setOptions} />;
}

/** Runs the real data source against `?database&measurement&field&from&to` and draws what comes back. */
function EndToEndView() {
  const [state, setState] = useState<{ frames: DataFrame[]; done: boolean }>({ frames: [], done: false });
  React.useEffect(() => {
    const datasource = new DataSource({
      uid: 'tm',
      url: `${window.location.origin}/api/datasources/proxy/uid/tm`,
      jsonData: {},
    } as DataSourceInstanceSettings<never>);
    const from = Number(params.get('from'));
    const to = Number(params.get('to'));
    const query: TidemarkQuery = {
      ...DEFAULT_QUERY,
      refId: 'A',
      database: params.get('database') ?? '',
      measurement: params.get('measurement') ?? '',
      field: params.get('field') ?? '',
      groupBy: params.get('groupBy') ? [params.get('groupBy')!] : [],
      detector: params.get('detector') ?? 'robust',
    };
    // Each step reports on its own, so a failing one (e.g. a rejected token) does not hide the others.
    const settle = <T,>(promise: Promise<T>) =>
      promise.then(
        (value) => ({ value }),
        (error: Error) => ({ error: error.message }),
      );
    const run = async () => {
      const health = await datasource.testDatasource();
      const range = { from: dateTime(from), to: dateTime(to), raw: { from: '', to: '' } };
      const response = await lastValueFrom(
        datasource.query({
          requestId: 'e2e',
          targets: [query],
          range,
          interval: '1m',
          intervalMs: Number(params.get('intervalMs') ?? 60_000),
          scopedVars: {},
          timezone: 'utc',
          app: 'dashboard',
          startTime: Date.now(),
        } as DataQueryRequest<TidemarkQuery>),
      );
      const variables = await settle(
        datasource.metricFindQuery({ kind: 'measurements', database: query.database }),
      );
      (window as unknown as { e2e: unknown }).e2e = {
        health,
        errors: response.errors ?? [],
        measurements: 'value' in variables ? variables.value.map((v) => v.text) : variables,
        frames: response.data.map((frame: DataFrame) => ({
          name: frame.name,
          length: frame.length,
          fields: frame.fields.map((f) => f.name),
          anomalies: frame.fields.find((f) => f.name === 'anomaly')?.values.filter(Boolean).length ?? 0,
          notices: frame.meta?.notices ?? [],
        })),
      };
      setState({ frames: response.data, done: true });
    };
    run().catch((error: Error) => {
      (window as unknown as { e2e: unknown }).e2e = { failure: error.message };
      setState({ frames: [], done: true });
    });
  }, []);
  if (!state.done) return <div>Scoring…</div>;
  const options = { ...DEFAULT_OPTIONS, ...JSON.parse(params.get('options') ?? '{}') };
  const props = panelProps(state.frames, options, { width, height }, theme);
  return <BandsPanel {...props} />;
}

/** Grafana's BackendSrv reduced to what the data source uses, over the browser's fetch. */
function browserBackendSrv() {
  return {
    fetch: (request: {
      url: string;
      method?: string;
      data?: unknown;
      params?: Record<string, string>;
      headers?: Record<string, string>;
    }) =>
      from(
        (async () => {
          const url = new URL(request.url, window.location.origin);
          for (const [key, value] of Object.entries(request.params ?? {})) url.searchParams.set(key, value);
          const response = await fetch(url, {
            method: request.method ?? 'GET',
            headers: {
              ...request.headers,
              Authorization: 'Bearer browser-session-must-not-reach-the-scorer',
            },
            body: request.data === undefined ? undefined : JSON.stringify(request.data),
          });
          const text = await response.text();
          let data: unknown = text;
          try {
            data = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text, as BackendSrv does
          }
          if (!response.ok)
            throw { status: response.status, statusText: response.statusText, data, config: request };
          return { data, status: response.status, ok: true, headers: response.headers, config: request };
        })(),
      ),
  };
}

const VIEWS: Record<string, () => React.ReactElement> = {
  app: ModelsPage,
  e2e: EndToEndView,
  panel: PanelView,
  'panel-plain': PanelView,
  'panel-empty': PanelView,
  'query-editor': QueryEditorView,
  'config-editor': ConfigEditorView,
};

/** Grafana renders every page inside its router (links such as `TextLink` need one). */
function Harness() {
  const View = VIEWS[view] ?? PanelView;
  return (
    <MemoryRouter>
      <ThemeContext.Provider value={theme}>
        <GlobalStyles />
        <div
          id="harness"
          style={{ padding: 16, width: width + 32, background: theme.colors.background.primary }}
          data-theme={theme.colors.mode}
        >
          <View />
        </div>
      </ThemeContext.Provider>
    </MemoryRouter>
  );
}

createRoot(document.getElementById('root')!).render(<Harness />);
