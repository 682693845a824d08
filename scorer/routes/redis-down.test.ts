/**
 * Scale-out mode with Redis gone: every request that needs state answers at once with a 503
 * problem naming Redis (never its password), `/readyz` says so, and all works again once Redis is
 * back (a real redis-server killed with SIGKILL and restarted on its port).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type Harness, startHarness } from '../test/app-harness';
import { freePort, useInfluxd } from '../test/influxd';
import { useRedis } from '../test/redis-server';

const influxd = useInfluxd();
const redis = useRedis();
let h: Harness;
const detector = {
  id: 'cpu',
  query: { database: 'metrics', measurement: 'cpu', field: 'value' },
  interval: '1m',
  detector: { id: 'robust' },
};

beforeAll(async () => {
  const withPassword = redis.current.url.replace('redis://', 'redis://default:not-checked@');
  h = await startHarness(influxd.current, { env: { REDIS_URL: withPassword, REPLICA_ID: 'replica-a' } });
});
afterAll(() => h?.close());

it('keeps state in Redis: a second scorer on the same Redis sees it', async () => {
  expect((await h.call('POST', '/api/v1/detectors', { role: 'Editor', body: detector })).status).toBe(201);
  const other = await startHarness(influxd.current, { env: { REDIS_URL: redis.current.url } });
  try {
    const listed = (await (await other.call('GET', '/api/v1/detectors')).json()) as {
      detectors: Array<{ id: string }>;
    };
    expect(listed.detectors.map((d) => d.id)).toEqual(['cpu']);
  } finally {
    await other.close();
  }
});

it('answers 503 naming Redis while it is down, and works again once it is back', async () => {
  await redis.current.halt({ kill: true });
  try {
    for (const [method, path] of [
      ['GET', '/api/v1/models'],
      ['GET', '/api/v1/detectors'],
      ['GET', '/api/v1/jobs'],
    ] as const) {
      const started = Date.now();
      const response = await h.call(method, path);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await response.json()) as { type: string; detail: string };
      expect(problem.type).toBe('urn:tidemark:problem:redis-unavailable');
      expect(problem.detail).toContain(
        `Redis at redis://default:***@127.0.0.1:${redis.current.port} is unreachable`,
      );
      expect(problem.detail).not.toContain('not-checked');
    }
    // Training asks the queue (BullMQ's own clients, which hold commands while Redis is down).
    const training = {
      query: detector.query,
      range: { from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 2) },
      intervalMs: 60_000,
      detector: { id: 'robust' },
    };
    const started = Date.now();
    const train = await h.call('POST', '/api/v1/models', { role: 'Editor', body: training });
    expect([train.status, Date.now() - started < 6_000]).toEqual([503, true]);
    expect(((await train.json()) as { type: string }).type).toBe('urn:tidemark:problem:redis-unavailable');
    // Metrics read the detector queue's depth through BullMQ too: they must not hang.
    const scrapeStarted = Date.now();
    const scrape = await h.call('GET', '/metrics');
    expect([scrape.status, Date.now() - scrapeStarted < 6_000]).toEqual([200, true]);
    expect(await scrape.text()).toContain('tidemark_cluster_replica_info');
    const ready = await h.call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { detail: string }).detail).toMatch(
      /Redis at .* is unreachable.*REDIS_URL/,
    );
  } finally {
    await redis.current.start();
  }
  let status = 0;
  for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = (await h.call('GET', '/api/v1/detectors')).status;
  }
  expect(status).toBe(200);
  expect((await h.call('GET', '/readyz')).status).toBe(200);
});

it('tidemark serve with Redis unreachable at start exits 1 with one clear line, no stack trace', async () => {
  const deadPort = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'cli', 'main.ts'), 'serve'],
    {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        INFLUX_URL: influxd.current.url,
        TIDEMARK_TOKENS: 'a-token-of-sixteen-or-more',
        REDIS_URL: `redis://default:hidden-password@127.0.0.1:${deadPort}`,
        SCORE_WORKERS: '0',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  expect(stderr).toMatch(
    new RegExp(
      `^tidemark: Redis at redis://default:\\*\\*\\*@127\\.0\\.0\\.1:${deadPort} is unreachable.*fix REDIS_URL`,
    ),
  );
  expect(stderr).not.toMatch(/hidden-password|\n\s+at /);
}, 30_000);
