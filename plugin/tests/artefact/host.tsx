/**
 * Grafana's plugin loader, stood in for: SystemJS with its AMD extra (what Grafana loads plugins
 * with), the shared modules Grafana provides registered as `package:<name>` behind an import map
 * (Grafana's scheme), from the same npm packages. It imports the built `module.js` files of
 * plugin/dist as Grafana does, reports what each exports and renders `?view=` from the bundle:
 * `panel|query-editor|config-editor|app`, with `?plugins=<URL of the app's folder>`.
 */
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import {
  AppPlugin,
  type AppRootProps,
  createTheme,
  type DataQueryRequest,
  type DataSourceApi,
  DataSourcePlugin,
  dateTime,
  PanelPlugin,
  ThemeContext,
} from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import * as i18next from 'i18next';
import * as lodash from 'lodash';
import * as moment from 'moment';
import * as react from 'react';
import React, { useEffect, useState } from 'react';
import * as jsxRuntime from 'react/jsx-runtime';
import * as reactDom from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as reactRouter from 'react-router';
import * as rxjs from 'rxjs';
import { lastValueFrom, of } from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';
import type { TidemarkQuery } from '../../src/datasource/types';
import { DEFAULT_OPTIONS } from '../../src/panel/types';
import { fixtureResponse } from '../harness/fixture';
import {
  CONFIG_SETTINGS,
  DATASOURCE_SETTINGS,
  EDITED_QUERY,
  panelProps,
  schemaBackendSrv,
  templateSrv,
} from '../harness/stand-ins';
// Last: the AMD extra defines a global `define`, which UMD packages above (lodash) must not see.
import 'systemjs/dist/system.js';
import 'systemjs/dist/extras/amd.js';

/** The modules Grafana shares with plugins (its sharedDependencies), by the name a bundle imports. */
const SHARED: Record<string, object> = {
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUi,
  i18next,
  lodash,
  moment,
  react,
  'react-dom': reactDom,
  'react/jsx-runtime': jsxRuntime,
  'react-router': reactRouter,
  rxjs,
  'rxjs/operators': rxjsOperators,
};

interface SystemJSLoader {
  set(id: string, module: object): void;
  addImportMap(map: { imports: Record<string, string> }): void;
  import(id: string): Promise<{ plugin?: unknown }>;
}
const SystemJS = (window as unknown as { System: SystemJSLoader }).System;
SystemJS.addImportMap({
  imports: Object.fromEntries(
    Object.entries(SHARED).map(([name, module]) => {
      SystemJS.set(`package:${name}`, module);
      return [name, `package:${name}`];
    }),
  ),
});

const params = new URLSearchParams(window.location.search);
const view = params.get('view') ?? 'panel';
const pluginsUrl = params.get('plugins') ?? '/public/plugins/tidemark-anomaly-app/';
const theme = createTheme({ colors: { mode: 'dark' } });
const size = { width: 1000, height: 420 };

/** What the page found, read by tests/artefact.spec.ts. */
const report: { shared: string[]; exports: Record<string, string>; failure?: string; query?: unknown } = {
  shared: Object.keys(SHARED),
  exports: {},
};
(window as unknown as { artefact: typeof report }).artefact = report;

function classOf(plugin: unknown) {
  if (plugin instanceof AppPlugin) return 'AppPlugin';
  if (plugin instanceof DataSourcePlugin) return 'DataSourcePlugin';
  if (plugin instanceof PanelPlugin) return 'PanelPlugin';
  return plugin === undefined ? 'missing' : 'another class';
}

// The data source's calls, answered in the browser: schema lists, and the scorer's fixture day for a score.
grafanaRuntime.setBackendSrv({
  fetch: (request: { url: string }) =>
    request.url.endsWith('/api/v1/score')
      ? of({ data: fixtureResponse(1), status: 200, ok: true })
      : schemaBackendSrv.fetch(request),
} as never);
grafanaRuntime.setTemplateSrv(templateSrv as never);
grafanaRuntime.setDataSourceSrv({
  getList: () => [],
  getInstanceSettings: () => undefined,
  get: () => Promise.reject(new Error('no data sources')),
  reload: () => Promise.resolve(),
  registerRuntimeDataSource: () => {},
} as never);

type Plugins = {
  app: AppPlugin;
  datasource: DataSourcePlugin<DataSourceApi<TidemarkQuery>, TidemarkQuery>;
  panel: PanelPlugin;
};

async function loadPlugins(): Promise<Plugins> {
  const paths = { app: 'module.js', datasource: 'datasource/module.js', panel: 'panel/module.js' };
  const loaded: Record<string, unknown> = {};
  for (const [kind, path] of Object.entries(paths)) {
    const module = await SystemJS.import(new URL(path, new URL(pluginsUrl, window.location.href)).href);
    loaded[kind] = module.plugin;
    report.exports[kind] = classOf(module.plugin);
  }
  return loaded as Plugins;
}

function PanelView({ plugins }: { plugins: Plugins }) {
  const [frames, setFrames] = useState<grafanaData.DataFrame[] | undefined>();
  useEffect(() => {
    // The bundle's data source scores, the bundle's panel draws what it returns.
    const datasource = new plugins.datasource.DataSourceClass(DATASOURCE_SETTINGS);
    const range = { from: dateTime(0), to: dateTime(1), raw: { from: '', to: '' } };
    const request = {
      requestId: 'artefact',
      targets: [EDITED_QUERY],
      range,
      interval: '5m',
      intervalMs: 300_000,
      scopedVars: {},
      timezone: 'utc',
      app: 'dashboard',
      startTime: 0,
    } as unknown as DataQueryRequest<TidemarkQuery>;
    const response = datasource.query(request);
    const done = response instanceof Promise ? response : lastValueFrom(response);
    done.then(
      (result) => setFrames(result.data),
      (error: Error) => {
        report.failure = error.message;
      },
    );
  }, [plugins]);
  if (!frames) return <div>Scoring…</div>;
  const Panel = plugins.panel.panel!;
  return <Panel {...panelProps(frames, DEFAULT_OPTIONS, size, theme)} />;
}

function QueryEditorView({ plugins }: { plugins: Plugins }) {
  const QueryEditor = plugins.datasource.components.QueryEditor!;
  const datasource = new plugins.datasource.DataSourceClass(DATASOURCE_SETTINGS);
  const [query, setQuery] = useState<TidemarkQuery>(EDITED_QUERY);
  report.query = query;
  return (
    <QueryEditor
      datasource={datasource as never}
      query={query as never}
      onChange={setQuery as never}
      onRunQuery={() => {}}
    />
  );
}

function ConfigEditorView({ plugins }: { plugins: Plugins }) {
  const ConfigEditor = plugins.datasource.components.ConfigEditor!;
  const [options, setOptions] = useState(CONFIG_SETTINGS);
  return <ConfigEditor options={options as never} onOptionsChange={setOptions as never} />;
}

function AppView({ plugins }: { plugins: Plugins }) {
  const Root = plugins.app.root!;
  const props = {
    meta: { id: 'tidemark-anomaly-app', type: 'app', jsonData: {} },
    basename: '/a/tidemark-anomaly-app',
    path: '/a/tidemark-anomaly-app',
    query: {},
    onNavChanged: () => {},
  } as unknown as AppRootProps;
  // Grafana renders an app's root inside its router.
  return (
    <reactRouter.MemoryRouter initialEntries={['/a/tidemark-anomaly-app/models']}>
      <Root {...props} />
    </reactRouter.MemoryRouter>
  );
}

const VIEWS = {
  panel: PanelView,
  'query-editor': QueryEditorView,
  'config-editor': ConfigEditorView,
  app: AppView,
};

function Host() {
  const [plugins, setPlugins] = useState<Plugins | undefined>();
  useEffect(() => {
    loadPlugins().then(setPlugins, (error: Error) => {
      report.failure = error.message;
    });
  }, []);
  if (!plugins) return <div>Loading plugins…</div>;
  const View = VIEWS[view as keyof typeof VIEWS] ?? PanelView;
  return (
    <ThemeContext.Provider value={theme}>
      <grafanaUi.GlobalStyles />
      <div
        id="host"
        style={{ padding: 16, width: size.width + 32, background: theme.colors.background.primary }}
      >
        <View plugins={plugins} />
      </div>
    </ThemeContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(<Host />);
