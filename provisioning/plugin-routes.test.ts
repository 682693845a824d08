/**
 * The data source's plugin.json proxy routes against Grafana's documented contract (plugin.json
 * `routes` with `method` and `reqRole`; matching as in ../plugin/tests/grafana-routes.ts): Grafana
 * cannot run here, so the routes are checked against every operation the real scorer serves. For
 * each one, the lowest Grafana role the scorer lets through (found by calling the app with signed ID
 * tokens of each role, on a real influxd) must be exactly the `reqRole` of the route Grafana picks:
 * higher would lock out users the scorer accepts, lower would let Grafana pass what the scorer then
 * refuses (or, without an ID token, what only Grafana can refuse).
 */

import { matchRoute, type PluginRoute } from '../plugin/tests/grafana-routes';
import type { Role } from '../scorer/auth/roles';
import { type Harness, startHarness } from '../scorer/test/app-harness';
import { useInfluxd } from '../scorer/test/influxd';
import { readJson } from './test/grafana-stand-in';

const influxd = useInfluxd();
const plugin = readJson<{ routes: PluginRoute[] }>('plugin/src/datasource/plugin.json');
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(influxd.current);
});
afterAll(() => harness.close());

/** Every `METHOD /api/v1/...` the app serves, path parameters filled in. */
function operations(): Array<[string, string]> {
  const seen = new Set<string>();
  for (const route of harness.app.routes) {
    if (route.method === 'ALL' || !route.path.startsWith('/api/v1/')) continue;
    seen.add(`${route.method} ${route.path.replace(/:\w+/g, 'x')}`);
  }
  return [...seen].map((op) => op.split(' ') as [string, string]);
}

async function lowestRoleAllowed(method: string, path: string): Promise<Role | null> {
  for (const role of ['Viewer', 'Editor', 'Admin'] as const) {
    const body = method === 'GET' || method === 'DELETE' ? undefined : {};
    const response = await harness.call(method, path, { role, ...(body ? { body } : {}) });
    await response.body?.cancel();
    if (response.status !== 403) return role;
  }
  return null;
}

describe('plugin.json routes', () => {
  it('send the scorer token on every route and declare a method and a reqRole for each', () => {
    expect(plugin.routes.length).toBeGreaterThan(0);
    for (const route of plugin.routes) {
      expect(route.method).toMatch(/^(GET|POST|PUT|PATCH|DELETE)$/);
      expect(['Viewer', 'Editor', 'Admin']).toContain(route.reqRole);
      expect(route.url.startsWith('{{ .JsonData.scorerUrl }}')).toBe(true);
      expect(route.headers).toEqual([
        { name: 'Authorization', content: 'Bearer {{ .SecureJsonData.token }}' },
      ]);
    }
  });

  it('cover every operation of the scorer with the role the scorer itself requires', async () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(15);
    const mismatches: string[] = [];
    for (const [method, path] of ops) {
      const scorerRole = await lowestRoleAllowed(method, path);
      const route = matchRoute(plugin.routes, method, `scorer${path}`);
      if (!route) mismatches.push(`${method} ${path}: no route`);
      else if (route.reqRole !== scorerRole)
        mismatches.push(`${method} ${path}: route needs ${route.reqRole}, the scorer ${scorerRole}`);
      else
        expect(route.url + `scorer${path}`.slice(route.path.length)).toBe(`{{ .JsonData.scorerUrl }}${path}`);
    }
    expect(mismatches).toEqual([]);
  });
});
