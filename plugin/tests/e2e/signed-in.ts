import { join } from 'node:path';
import { expect } from '@playwright/test';
import {
  createSigningKey,
  grafanaClaims,
  type JwksServer,
  signIdToken,
  startJwksServer,
} from '../../../scorer/test/grafana-jwks';
import type { InfluxdInstance } from '../../../scorer/test/influxd';
import datasourcePluginJson from '../../src/datasource/plugin.json';
import type { GrafanaRole } from '../grafana-routes';
import { type GrafanaAlerting, startGrafanaAlerting } from './grafana-alerting';
import { type GrafanaProxy, startGrafanaProxy } from './grafana-proxy';
import { type Scorer, seedInflux, startInfluxd, startScorer } from './stack';

const HARNESS = join(__dirname, '..', 'harness', 'dist');

/**
 * The stack the app page and the panel's marks run on: a real influxd with the e2e fixture, a
 * JWKS server standing in for Grafana's signing keys, the real `tidemark serve` verifying the ID
 * tokens it signs, and one proxy stand-in per signed-in org role (Grafana's data-source proxy with
 * `idForwarding`, and its alerting provisioning API), each serving the harness page.
 */
export interface SignedInStack {
  influx: InfluxdInstance;
  scorer: Scorer;
  token: string;
  proxies: Record<GrafanaRole, GrafanaProxy>;
  /** What Grafana's alerting provisioning API received (one stand-in behind every proxy). */
  alerting: GrafanaAlerting;
  idToken(role: GrafanaRole): string;
  /** A call through the role's proxy route to the scorer, as the browser makes it. */
  call(role: GrafanaRole, method: string, path: string, body?: unknown): Promise<Response>;
  /** The scorer's own view, read as an Admin through the proxy (asserts a 200). */
  get(path: string): ReturnType<Response['json']>;
  stop(): Promise<void>;
}

export async function startSignedInStack(token: string): Promise<SignedInStack> {
  const influx = await startInfluxd();
  await seedInflux(influx);
  const key = createSigningKey('e2e-grafana');
  const grafana: JwksServer = await startJwksServer([key]);
  const idToken = (role: GrafanaRole) =>
    signIdToken(key, grafanaClaims(grafana.url, { role, sub: `user:${role.toLowerCase()}` }));
  const scorer = await startScorer(influx.url, token, { GRAFANA_URL: grafana.url });
  const alerting = startGrafanaAlerting();
  const proxies = {} as Record<GrafanaRole, GrafanaProxy>;
  for (const role of ['Viewer', 'Editor', 'Admin'] as const) {
    proxies[role] = await startGrafanaProxy(
      {
        uid: 'tm',
        jsonData: { scorerUrl: scorer.url },
        secureJsonData: { token },
        routes: datasourcePluginJson.routes,
        role,
        idToken: { token: () => idToken(role), orgId: 1 },
        grafanaApi: alerting.handler,
      },
      HARNESS,
    );
  }
  const call = (role: GrafanaRole, method: string, path: string, body?: unknown) =>
    fetch(`${proxies[role].url}/api/datasources/proxy/uid/tm/scorer${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    influx,
    scorer,
    token,
    proxies,
    alerting,
    idToken,
    call,
    get: async (path: string) => {
      const response = await call('Admin', 'GET', path);
      expect(response.status, path).toBe(200);
      return response.json();
    },
    stop: async () => {
      await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
      await scorer.stop();
      await grafana.close();
      await influx.stop();
    },
  };
}
