import pluginJson from '../plugin.json';

export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;
export const DATASOURCE_PLUGIN_ID = 'tidemark-anomaly-datasource';

export enum ROUTES {
  Models = 'models',
}
