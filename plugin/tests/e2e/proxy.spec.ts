import { createServer, type IncomingHttpHeaders } from 'node:http';
import { expect, test } from '@playwright/test';
import datasourcePluginJson from '../../src/datasource/plugin.json';
import { type GrafanaProxy, startGrafanaProxy } from './grafana-proxy';

/**
 * The proxy stand-in must behave as Grafana's data-source proxy does, or the end-to-end test proves
 * nothing: this checks it against the contract, with the real routes from the data source's plugin.json.
 */
let upstreamUrl = '';
let received: { url: string; headers: IncomingHttpHeaders; body: string } | undefined;
let upstreamStatus = 200;
let proxy: GrafanaProxy;
const upstream = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    received = { url: request.url ?? '', headers: request.headers, body };
    response.writeHead(upstreamStatus, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: upstreamStatus < 400 }));
  });
});

test.beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const address = upstream.address();
  upstreamUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  proxy = await startGrafanaProxy({
    uid: 'tm',
    jsonData: { scorerUrl: upstreamUrl },
    secureJsonData: { token: 'route-token-0123456789' },
    routes: datasourcePluginJson.routes,
  });
});

test.afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => upstream.close(resolve));
});

test.beforeEach(() => {
  upstreamStatus = 200;
  received = undefined;
});

test('forwards the route to the scorer URL with the token, and strips the browser’s auth', async ({
  request,
}) => {
  const response = await request.post(`${proxy.url}/api/datasources/proxy/uid/tm/scorer/api/v1/score?x=1`, {
    headers: { Authorization: 'Bearer browser-session', Cookie: 'grafana_session=abc' },
    data: { hello: 'scorer' },
  });
  expect(response.status()).toBe(200);
  expect(received?.url).toBe('/api/v1/score?x=1');
  expect(received?.headers.authorization).toBe('Bearer route-token-0123456789');
  expect(received?.headers.cookie).toBeUndefined();
  expect(JSON.parse(received?.body ?? '{}')).toEqual({ hello: 'scorer' });
});

test('turns an upstream 401 into a 400, as Grafana does', async ({ request }) => {
  upstreamStatus = 401;
  const response = await request.get(`${proxy.url}/api/datasources/proxy/uid/tm/scorer/api/v1/models`);
  expect(response.status()).toBe(400);
});

test('answers 502 when the scorer is unreachable', async ({ request }) => {
  const dead = await startGrafanaProxy({
    uid: 'tm',
    jsonData: { scorerUrl: 'http://127.0.0.1:9' },
    secureJsonData: {},
    routes: datasourcePluginJson.routes,
  });
  const response = await request.get(`${dead.url}/api/datasources/proxy/uid/tm/scorer/healthz`);
  expect(response.status()).toBe(502);
  await dead.close();
});

test.describe('refuses what the signed-in role may not do, before it reaches the scorer', () => {
  const cases: Array<[role: 'Viewer' | 'Editor' | 'Admin', method: string, path: string, status: number]> = [
    ['Viewer', 'GET', 'api/v1/models', 200],
    ['Viewer', 'POST', 'api/v1/score', 200],
    ['Viewer', 'POST', 'api/v1/score/points', 200],
    ['Viewer', 'POST', 'api/v1/models', 403],
    ['Viewer', 'POST', 'api/v1/detectors', 403],
    ['Viewer', 'PUT', 'api/v1/detectors/cpu', 403],
    ['Viewer', 'DELETE', 'api/v1/models/cpu', 403],
    ['Viewer', 'PATCH', 'api/v1/detectors/cpu', 403],
    ['Viewer', 'DELETE', 'api/v1/marks/mark-1', 403],
    ['Editor', 'PATCH', 'api/v1/detectors/cpu', 200],
    ['Editor', 'DELETE', 'api/v1/marks/mark-1', 200],
    ['Editor', 'POST', 'api/v1/models', 200],
    ['Editor', 'PUT', 'api/v1/detectors/cpu', 200],
    ['Editor', 'DELETE', 'api/v1/detectors/cpu', 403],
    ['Admin', 'DELETE', 'api/v1/detectors/cpu', 200],
  ];
  for (const [role, method, path, status] of cases) {
    test(`${role} ${method} /${path} → ${status}`, async ({ request }) => {
      const asRole = await startGrafanaProxy({
        uid: 'tm',
        jsonData: { scorerUrl: upstreamUrl },
        secureJsonData: { token: 'route-token-0123456789' },
        routes: datasourcePluginJson.routes,
        role,
      });
      try {
        const response = await request.fetch(`${asRole.url}/api/datasources/proxy/uid/tm/scorer/${path}`, {
          method,
          ...(method === 'GET' ? {} : { data: {} }),
        });
        expect(response.status()).toBe(status);
        if (status === 403) {
          expect(received).toBeUndefined();
        } else {
          expect(received?.url).toBe(`/${path}`);
          expect(received?.headers.authorization).toBe('Bearer route-token-0123456789');
        }
      } finally {
        await asRole.close();
      }
    });
  }
});
