/**
 * Requests without a Content-Length through a real `startServer` socket (node-server, as
 * `tidemark serve` runs it): bodyless DELETE and OPTIONS, and chunked POSTs, are handled like any
 * other request; a chunked body past MAX_BODY_BYTES is a 413 problem.
 */
import type { RunningServer } from '../serve';
import { TOKEN } from '../test/app-harness';
import {
  createSigningKey,
  grafanaClaims,
  type JwksServer,
  signIdToken,
  startJwksServer,
} from '../test/grafana-jwks';
import { useInfluxd } from '../test/influxd';
import { rawRequest } from '../test/raw-http';
import { startRealServer } from '../test/real-server';

const influxd = useInfluxd();
const MAX_BODY = 4_096;
let server: RunningServer;
let grafana: JwksServer;
const key = createSigningKey('body-limit');

beforeAll(async () => {
  grafana = await startJwksServer([key]);
  server = await startRealServer(influxd.current.url, {
    GRAFANA_URL: grafana.url,
    MAX_BODY_BYTES: String(MAX_BODY),
    SCORE_WORKERS: '0',
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await grafana?.close();
});

const bearer = { authorization: `Bearer ${TOKEN}` };
const admin = () => ({
  ...bearer,
  'x-grafana-id': signIdToken(key, grafanaClaims(grafana.url, { role: 'Admin', aud: ['org:1'] })),
});
const json = () => ({ ...admin(), 'content-type': 'application/json' });
const points = Array.from({ length: 60 }, (_, i) => [i * 60_000, 10 + (i % 5)]);

it('answers a bodyless DELETE after authenticating it: 404 for a missing model, 401 without a token', async () => {
  const missing = await rawRequest(`${server.url}/api/v1/models/nope`, 'DELETE', admin());
  expect(missing.status).toBe(404);
  expect(JSON.parse(missing.body)).toMatchObject({ type: 'urn:tidemark:problem:not-found' });
  const anonymous = await rawRequest(`${server.url}/api/v1/models/nope`, 'DELETE', {
    'x-grafana-id': admin()['x-grafana-id'],
  });
  expect(anonymous.status).toBe(401);
});

it('answers OPTIONS like any unrouted method, not with a 500', async () => {
  const response = await rawRequest(`${server.url}/api/v1/models`, 'OPTIONS', admin());
  expect(response.status).toBe(404);
  expect(response.headers['content-type']).toBe('application/problem+json');
});

it('scores a valid chunked score/points body', async () => {
  const body = JSON.stringify({ series: [{ name: 'x', points }], intervalMs: 60_000 });
  const response = await rawRequest(`${server.url}/api/v1/score/points`, 'POST', json(), [
    body.slice(0, 20),
    body.slice(20, 200),
    body.slice(200),
  ]);
  expect(response.status).toBe(200);
  const scored = JSON.parse(response.body) as { series: Array<{ time: number[] }> };
  expect(scored.series[0]?.time).toHaveLength(points.length);
});

it('refuses a chunked body past MAX_BODY_BYTES with a 413 problem', async () => {
  const chunk = 'x'.repeat(1_000);
  const response = await rawRequest(`${server.url}/api/v1/score/points`, 'POST', json(), [
    '{"pad":"',
    ...Array(5).fill(chunk),
    '"}',
  ]);
  expect(response.status).toBe(413);
  expect(JSON.parse(response.body)).toMatchObject({
    type: 'urn:tidemark:problem:payload-too-large',
    detail: expect.stringContaining(`MAX_BODY_BYTES (${MAX_BODY} bytes)`),
  });
});
