import { type GrafanaRole, matchRoute, roleAllows } from '../../tests/grafana-routes';
import { fakeBackend } from '../test/fakes';
import { ScorerClient } from './api';
import pluginJson from './plugin.json';

const PROXY = '/api/datasources/proxy/uid/tm';

/**
 * Every call the data source and the app page make goes through one of plugin.json's routes, as
 * Grafana's data-source proxy picks them (its documented contract: method, path prefix, reqRole; see
 * tests/grafana-routes.ts), and the route asks for exactly the role the page shows the action to:
 * Viewers read and score, Editors change, Admins delete.
 */
describe('ScorerClient calls through the plugin.json routes', () => {
  const backend = fakeBackend({});
  const client = new ScorerClient(PROXY, () => backend.backend);
  const definition = { id: 'cpu', query: {} } as never;
  const calls: Array<[string, GrafanaRole, () => Promise<unknown>]> = [
    ['score', 'Viewer', () => client.score({} as never)],
    [
      'schema',
      'Viewer',
      () => client.schema('tag-values', { database: 'db', measurement: 'cpu', key: 'host' }),
    ],
    ['annotations', 'Viewer', () => client.annotations(0, 1)],
    ['models', 'Viewer', () => client.models()],
    ['jobs', 'Viewer', () => client.jobs()],
    ['detectors', 'Viewer', () => client.detectors()],
    ['probe', 'Viewer', () => client.probe('/readyz')],
    ['train', 'Editor', () => client.train({} as never)],
    ['rollback', 'Editor', () => client.rollback('m1', 2)],
    ['createDetector', 'Editor', () => client.createDetector(definition)],
    ['replaceDetector', 'Editor', () => client.replaceDetector(definition)],
    ['cancelJob', 'Editor', () => client.cancelJob('j1')],
    ['patchDetector', 'Editor', () => client.patchDetector('cpu', { enabled: false })],
    ['setDetectorRunning', 'Editor', () => client.setDetectorRunning('cpu', false)],
    ['alertRule', 'Viewer', () => client.alertRule('cpu', { format: 'yaml' })],
    ['startBacktest', 'Editor', () => client.startBacktest({} as never)],
    ['backtest', 'Viewer', () => client.backtest('bt1')],
    ['cancelBacktest', 'Editor', () => client.cancelBacktest('bt1')],
    ['marks', 'Viewer', () => client.marks({ detector: 'cpu' })],
    ['createMark', 'Editor', () => client.createMark({} as never)],
    ['deleteMark', 'Editor', () => client.deleteMark('mark-1')],
    ['maintenanceWindows', 'Viewer', () => client.maintenanceWindows()],
    [
      'saveMaintenanceWindow (create)',
      'Editor',
      () => client.saveMaintenanceWindow({ id: 'w' } as never, false),
    ],
    [
      'saveMaintenanceWindow (replace)',
      'Editor',
      () => client.saveMaintenanceWindow({ id: 'w' } as never, true),
    ],
    ['deleteMaintenanceWindow', 'Admin', () => client.deleteMaintenanceWindow('w')],
    ['deleteModel', 'Admin', () => client.deleteModel('m1')],
    ['deleteDetector', 'Admin', () => client.deleteDetector('cpu')],
  ];
  const below: Record<GrafanaRole, GrafanaRole | null> = { Viewer: null, Editor: 'Viewer', Admin: 'Editor' };

  it.each(calls)('%s uses a route for %s, which keeps its path', async (_name, role, call) => {
    backend.requests.length = 0;
    await call().catch(() => undefined);
    expect(backend.requests).toHaveLength(1);
    const request = backend.requests[0]!;
    expect(request.url.startsWith(`${PROXY}/`)).toBe(true);
    const proxyPath = request.url.slice(PROXY.length + 1);
    const route = matchRoute(pluginJson.routes, request.method ?? 'GET', proxyPath);
    expect(route).not.toBeNull();
    expect(roleAllows(route!, role)).toBe(true);
    if (below[role]) expect(roleAllows(route!, below[role]!)).toBe(false);
    // The scorer sees the path after `scorer`, whichever route carried it.
    const upstream = route!.url + proxyPath.slice(route!.path.length);
    expect(upstream).toBe(`{{ .JsonData.scorerUrl }}${proxyPath.slice('scorer'.length)}`);
  });
});
