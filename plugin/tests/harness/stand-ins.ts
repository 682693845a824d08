/**
 * What Grafana hands the plugin at run time, reduced to what the panel and editors use: shared by the
 * harness page (plugin source) and the artefact page (the built bundle), so both render the same.
 */
import {
  applyFieldOverrides,
  type DataFrame,
  type DataSourceInstanceSettings,
  type DataSourceSettings,
  type GrafanaTheme2,
  getDefaultTimeRange,
  LoadingState,
  type PanelProps,
} from '@grafana/data';
import { of } from 'rxjs';
import {
  DEFAULT_QUERY,
  type TidemarkOptions,
  type TidemarkQuery,
  type TidemarkSecureOptions,
} from '../../src/datasource/types';
import type { BandsOptions } from '../../src/panel/types';

// The schema lists the query editor asks the scorer for.
const SCHEMA: Record<string, string[]> = {
  databases: ['telegraf', 'metrics'],
  measurements: ['cpu', 'mem', 'disk'],
  fields: ['usage_user', 'usage_system', 'usage_idle'],
  'tag-keys': ['host', 'dc'],
  'tag-values': ['web-1', 'web-2', 'web-3'],
};

/** Grafana's BackendSrv answering the schema lists in the browser. */
export const schemaBackendSrv = {
  fetch: (request: { url: string }) => {
    const kind = request.url.split('/schema/')[1] ?? '';
    return of({ data: { values: SCHEMA[kind] ?? [] }, status: 200, ok: true });
  },
};

/** Grafana's TemplateSrv with one dashboard variable, `$host`. */
export const templateSrv = {
  getVariables: () => [{ name: 'host', type: 'custom' }],
  replace: (text?: string) => text ?? '',
  containsTemplate: () => false,
  updateTimeRange: () => {},
};

/** The props Grafana gives a panel: the frames with field overrides applied, in UTC. */
export function panelProps(
  frames: DataFrame[],
  options: BandsOptions,
  size: { width: number; height: number },
  theme: GrafanaTheme2,
  onChangeTimeRange: (range: { from: number; to: number }) => void = () => {},
): PanelProps<BandsOptions> {
  const timeRange = getDefaultTimeRange();
  const series = applyFieldOverrides({
    data: frames,
    fieldConfig: { defaults: {}, overrides: [] },
    replaceVariables: (value: string) => value,
    theme,
    timeZone: 'utc',
  });
  return {
    id: 1,
    // As Grafana passes it: the request whose targets name the panel's data source.
    data: {
      series,
      state: LoadingState.Done,
      timeRange,
      request: { targets: [{ refId: 'A', datasource: { uid: 'tm', type: 'tidemark-anomaly-datasource' } }] },
    },
    timeRange,
    timeZone: 'utc',
    options,
    fieldConfig: { defaults: {}, overrides: [] },
    ...size,
    transparent: false,
    renderCounter: 0,
    title: 'CPU',
    eventBus: undefined,
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    replaceVariables: (value: string) => value,
    onChangeTimeRange,
  } as unknown as PanelProps<BandsOptions>;
}

/** The instance settings Grafana builds a data source from. */
export const DATASOURCE_SETTINGS = {
  uid: 'tm',
  url: '/api/datasources/proxy/uid/tm',
  jsonData: {},
} as DataSourceInstanceSettings<never>;

/** A query as a dashboard saves it, with a tag filter on a variable. */
export const EDITED_QUERY: TidemarkQuery = {
  ...DEFAULT_QUERY,
  refId: 'A',
  database: 'telegraf',
  measurement: 'cpu',
  field: 'usage_user',
  tags: [{ key: 'host', operator: '=', value: '$host' }],
};

/** Saved data source settings: the scorer URL in jsonData, the token already stored (write-only). */
export const CONFIG_SETTINGS = {
  id: 1,
  uid: 'tm',
  name: 'Tidemark',
  jsonData: { scorerUrl: 'http://scorer:8080' },
  secureJsonFields: { token: true },
  secureJsonData: {},
} as unknown as DataSourceSettings<TidemarkOptions, TidemarkSecureOptions>;
