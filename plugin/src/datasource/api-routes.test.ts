import { matchRoute, roleAllows } from '../../tests/grafana-routes';
import { fakeBackend } from '../test/fakes';
import { ScorerClient } from './api';
import pluginJson from './plugin.json';

const PROXY = '/api/datasources/proxy/uid/tm';

/**
 * Every call the data source and the Models page make goes through one of plugin.json's routes, as
 * Grafana's data-source proxy picks them (its documented contract: method, path prefix, reqRole; see
 * tests/grafana-routes.ts), and a Viewer may make it: panels, editors and the Models page only read.
 */
describe('ScorerClient calls through the plugin.json routes', () => {
  const backend = fakeBackend({});
  const client = new ScorerClient(PROXY, () => backend.backend);
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['score', () => client.score({} as never)],
    ['schema', () => client.schema('tag-values', { database: 'db', measurement: 'cpu', key: 'host' })],
    ['annotations', () => client.annotations(0, 1)],
    ['models', () => client.models()],
    ['jobs', () => client.jobs()],
    ['detectors', () => client.detectors()],
    ['probe', () => client.probe('/readyz')],
  ];

  it.each(calls)('%s uses a route a Viewer may use, which keeps its path', async (_name, call) => {
    backend.requests.length = 0;
    await call().catch(() => undefined);
    expect(backend.requests).toHaveLength(1);
    const request = backend.requests[0]!;
    expect(request.url.startsWith(`${PROXY}/`)).toBe(true);
    const proxyPath = request.url.slice(PROXY.length + 1);
    const route = matchRoute(pluginJson.routes, request.method ?? 'GET', proxyPath);
    expect(route).not.toBeNull();
    expect(roleAllows(route!, 'Viewer')).toBe(true);
    // The scorer sees the path after `scorer`, whichever route carried it.
    const upstream = route!.url + proxyPath.slice(route!.path.length);
    expect(upstream).toBe(`{{ .JsonData.scorerUrl }}${proxyPath.slice('scorer'.length)}`);
  });
});
