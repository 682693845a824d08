/**
 * Grafana's data-source proxy keeps idle connections to a data source for 90 s (Grafana's documented
 * `[dataproxy] idle_conn_timeout_seconds` default) and reuses them: the scorer must not close them
 * first, or a reused connection can take a request just as the scorer closes it. Real socket, real
 * `startServer`; Grafana itself cannot run here.
 */
import { Agent, get as httpGet } from 'node:http';
import { KEEP_ALIVE_TIMEOUT_MS, type RunningServer } from './serve';
import { useInfluxd } from './test/influxd';
import { startRealServer } from './test/real-server';

const influxd = useInfluxd();
let server: RunningServer;

beforeAll(async () => {
  server = await startRealServer(influxd.current.url, { SCORE_WORKERS: '0' });
}, 60_000);
afterAll(() => server?.close());

function healthOn(agent: Agent): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(`${server.url}/healthz`, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, reused: request.reusedSocket }));
    });
    request.on('error', reject);
  });
}

it('keeps an idle connection open past Node’s 5 s default, longer than Grafana’s proxy keeps it', async () => {
  expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(90_000);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  expect(await healthOn(agent)).toEqual({ status: 200, reused: false });
  await new Promise((resolve) => setTimeout(resolve, 6_500));
  expect(await healthOn(agent)).toEqual({ status: 200, reused: true });
  agent.destroy();
}, 60_000);
