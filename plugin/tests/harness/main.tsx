/**
 * Mounts the real panel and editors outside Grafana, with real @grafana/data frames and Grafana's
 * theme, for the Playwright tests. The view is chosen by the query string:
 * `?view=panel|panel-plain|panel-empty|query-editor|config-editor&theme=dark|light&series=N`.
 */
import {
  applyFieldOverrides,
  createDataFrame,
  createTheme,
  type DataFrame,
  type DataSourceInstanceSettings,
  type DataSourceSettings,
  FieldType,
  getDefaultTimeRange,
  LoadingState,
  type PanelProps,
  ThemeContext,
} from '@grafana/data';
import { setBackendSrv, setTemplateSrv } from '@grafana/runtime';
import { GlobalStyles } from '@grafana/ui';
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { of } from 'rxjs';
import { ConfigEditor } from '../../src/datasource/components/ConfigEditor/ConfigEditor';
import { QueryEditor } from '../../src/datasource/components/QueryEditor/QueryEditor';
import { DataSource } from '../../src/datasource/datasource';
import { framesFromResponse } from '../../src/datasource/frames';
import {
  DEFAULT_QUERY,
  type TidemarkOptions,
  type TidemarkQuery,
  type TidemarkSecureOptions,
} from '../../src/datasource/types';
import { BandsPanel } from '../../src/panel/components/BandsPanel/BandsPanel';
import { type BandsOptions, DEFAULT_OPTIONS } from '../../src/panel/types';
import { fixtureResponse, START } from './fixture';

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

// Grafana's services, answered in the browser: the schema lists the query editor asks the scorer for.
const SCHEMA: Record<string, string[]> = {
  databases: ['telegraf', 'metrics'],
  measurements: ['cpu', 'mem', 'disk'],
  fields: ['usage_user', 'usage_system', 'usage_idle'],
  'tag-keys': ['host', 'dc'],
  'tag-values': ['web-1', 'web-2', 'web-3'],
};
setBackendSrv({
  fetch: (request: { url: string }) => {
    const kind = request.url.split('/schema/')[1] ?? '';
    return of({ data: { values: SCHEMA[kind] ?? [] }, status: 200, ok: true });
  },
} as never);
setTemplateSrv({
  getVariables: () => [{ name: 'host', type: 'custom' }],
  replace: (text?: string) => text ?? '',
  containsTemplate: () => false,
  updateTimeRange: () => {},
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
  const [timeRange] = useState(getDefaultTimeRange());
  const series = applyFieldOverrides({
    data: panelFrames(),
    fieldConfig: { defaults: {}, overrides: [] },
    replaceVariables: (value: string) => value,
    theme,
    timeZone: 'utc',
  });
  const options: BandsOptions = { ...DEFAULT_OPTIONS, ...JSON.parse(params.get('options') ?? '{}') };
  const props = {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options,
    fieldConfig: { defaults: {}, overrides: [] },
    width,
    height,
    transparent: false,
    renderCounter: 0,
    title: 'CPU',
    eventBus: undefined,
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    replaceVariables: (value: string) => value,
    onChangeTimeRange: (range: { from: number; to: number }) => {
      (window as unknown as { lastZoom: unknown }).lastZoom = range;
    },
  } as unknown as PanelProps<BandsOptions>;
  return <BandsPanel {...props} />;
}

function QueryEditorView() {
  const datasource = new DataSource({
    uid: 'tm',
    url: '/api/datasources/proxy/uid/tm',
    jsonData: {},
  } as DataSourceInstanceSettings<never>);
  const [query, setQuery] = useState<TidemarkQuery>({
    ...DEFAULT_QUERY,
    refId: 'A',
    database: 'telegraf',
    measurement: 'cpu',
    field: 'usage_user',
    tags: [{ key: 'host', operator: '=', value: '$host' }],
  });
  (window as unknown as { query: TidemarkQuery }).query = query;
  return <QueryEditor datasource={datasource} query={query} onChange={setQuery} onRunQuery={() => {}} />;
}

function ConfigEditorView() {
  const [options, setOptions] = useState<DataSourceSettings<TidemarkOptions, TidemarkSecureOptions>>({
    id: 1,
    uid: 'tm',
    name: 'Tidemark',
    jsonData: { scorerUrl: 'http://scorer:8080' },
    secureJsonFields: { token: true },
    secureJsonData: {},
  } as unknown as DataSourceSettings<TidemarkOptions, TidemarkSecureOptions>);
  (window as unknown as { settings: unknown }).settings = options;
  return <ConfigEditor options={options} onOptionsChange={setOptions} />;
}

const VIEWS: Record<string, () => React.ReactElement> = {
  panel: PanelView,
  'panel-plain': PanelView,
  'panel-empty': PanelView,
  'query-editor': QueryEditorView,
  'config-editor': ConfigEditorView,
};

function Harness() {
  const View = VIEWS[view] ?? PanelView;
  return (
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
  );
}

createRoot(document.getElementById('root')!).render(<Harness />);
