/**
 * Big work must not hold the event loop: through a real socket to a real scorer (`startServer`,
 * as `tidemark serve` runs it) on a real influxd, `/healthz` answers while a large
 * `score/points` body is parsed and scored, a connection kept alive across it is not reset, and
 * a continuous run's engine work happens in the engine workers. Order is asserted, never a
 * duration.
 */
import { Agent, get as httpGet, request as httpRequest } from 'node:http';
import type { ContinuousDetector } from '@tidemark/core';
import { InfluxClient } from './influx';
import type { RunningServer } from './serve';
import { createDatabase, seasonalPoints, TOKEN } from './test/app-harness';
import { useInfluxd } from './test/influxd';
import { startRealServer } from './test/real-server';

const influxd = useInfluxd();
const STEP = 60_000;
const SERIES = 20;
const POINTS = 1_500;
let server: RunningServer;
const from = Math.floor(Date.now() / STEP) * STEP - POINTS * STEP;

const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const call = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const influx = new InfluxClient({ url: influxd.current.url });
  await createDatabase(influx, 'load');
  for (let k = 0; k < SERIES; k++) {
    await influx.write('load', seasonalPoints('cpu', { host: `h${k}` }, from, POINTS, STEP));
  }
  server = await startRealServer(influxd.current.url, {
    SCORE_WORKERS: '1',
    // The test creates a detector with the bearer token alone.
    TOKEN_ONLY_ROLE: 'Editor',
  });
}, 60_000);
afterAll(() => server?.close());

/**
 * POSTs `body`: `sent` resolves once every byte is handed to the OS, `answered` with the status as
 * soon as the answer starts (the scorer has done its work by then).
 */
function post(path: string, body: string) {
  const bytes = Buffer.from(body);
  const request = httpRequest(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-length': String(bytes.length) },
  });
  const answered = new Promise<number>((resolve, reject) => {
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
  const sent = new Promise<void>((resolve) => request.end(bytes, () => resolve()));
  return { sent, answered };
}

/** GET through `agent`, which reuses its connections however long they idled (as many clients do). */
function getWith(agent: Agent, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet(`${server.url}${path}`, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

it('answers /healthz, and on idle kept-alive connections, while a large score/points body is scored', async () => {
  const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  expect(await getWith(keptAlive, '/healthz')).toBe(200);
  // 100k points: seconds of parsing, validating and fitting (the engine on one core).
  const points = seasonalPoints('x', {}, from, 100_000, STEP).map((p) => [p.time, p.fields.value]);
  const big = post('/api/v1/score/points', JSON.stringify({ series: [{ points }] }));
  const scored = big.answered.then((status) => {
    expect(status).toBe(200);
    return 'score/points' as const;
  });
  // Asked once the scorer has had the whole body for a while: it is parsing or scoring it now.
  const health = big.sent
    .then(() => sleep(500))
    .then(() => fetch(`${server.url}/healthz`))
    .then((response) => {
      expect(response.status).toBe(200);
      return '/healthz' as const;
    });
  expect(await Promise.race([scored, health])).toBe('/healthz');
  // The connection kept alive across the big request still answers. A scorer whose loop was held
  // past its keep-alive timeout closed such a connection only once free, with this request unread
  // in it, and the client got ECONNRESET.
  await sleep(8_000);
  expect(await getWith(keptAlive, '/healthz')).toBe(200);
  await Promise.all([scored, health]);
  keptAlive.destroy();
}, 180_000);

it('runs a continuous detector with its engine work in the workers, answering reads meanwhile', async () => {
  const detector = {
    id: 'fleet',
    query: { database: 'load', measurement: 'cpu', field: 'value', groupBy: ['host'] },
    interval: '1m',
    lag: '1s',
    maxBackfill: '1d',
    detector: { id: 'robust' },
  };
  expect((await call('POST', '/api/v1/detectors', detector)).status).toBe(201);
  let sawRunning = false;
  for (let i = 0; i < 600; i++) {
    const state = (await (await call('GET', '/api/v1/detectors/fleet')).json()) as ContinuousDetector;
    expect(state.lastError).toBeNull();
    sawRunning ||= state.status === 'running';
    if (state.status === 'idle' && state.scoredUntil !== null) break;
    await sleep(20);
  }
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const scoredInWorkers = metrics.match(/tidemark_engine_calls_total\{kind="score",thread="worker"\} (\d+)/);
  // At least one call per series (one per UTC day the window touches).
  expect(Number(scoredInWorkers?.[1])).toBeGreaterThanOrEqual(SERIES);
  expect(metrics).not.toMatch(/tidemark_engine_calls_total\{kind="\w+",thread="main"\}/);
  expect(sawRunning).toBe(true);
}, 120_000);
