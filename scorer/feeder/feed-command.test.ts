import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxClient } from '../influx';
import { type InfluxRecorder, startInfluxRecorder } from '../test/influx-recorder';
import { useInfluxd } from '../test/influxd';
import { influxFromEnv, parseFeedArgs, parseUntil } from './feed-command';

const BIN = join(__dirname, '..', 'bin', 'tidemark.cjs');
const NOW = Date.UTC(2025, 0, 15, 10, 0);

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'feed', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('tidemark feed arguments', () => {
  it('has defaults for a real-time demo', () => {
    expect(parseFeedArgs([], NOW)).toEqual({
      database: 'tidemark',
      createDatabase: false,
      hosts: ['web-1', 'web-2', 'web-3'],
      step: 10_000,
      history: 7 * 86_400_000,
      anomalyEvery: 900_000,
      historyAnomalyEvery: 6 * 3_600_000,
      firstAnomalyAfter: undefined,
      seed: 1,
      speed: 1,
      until: undefined,
      log: 'text',
      writeOnly: false,
      heartbeat: undefined,
    });
  });

  it('reads every option', () => {
    const settings = parseFeedArgs(
      [
        '--database=metrics',
        '--create-database',
        '--hosts=a, b',
        '--step=1m',
        '--history=0',
        '--anomaly-every=1h',
        '--history-anomaly-every=0',
        '--first-anomaly=90s',
        '--seed=42',
        '--speed=60',
        '--until=now+2h',
        '--log=json',
        '--write-only',
        '--heartbeat=/tmp/beat',
      ],
      NOW,
    );
    expect(settings).toEqual({
      database: 'metrics',
      createDatabase: true,
      hosts: ['a', 'b'],
      step: 60_000,
      history: 0,
      anomalyEvery: 3_600_000,
      historyAnomalyEvery: 0,
      firstAnomalyAfter: 90_000,
      seed: 42,
      speed: 60,
      until: NOW + 2 * 3_600_000,
      writeOnly: true,
      heartbeat: '/tmp/beat',
      log: 'json',
    });
  });

  it.each([
    [['--step=0s'], /--step/],
    [['--step=10'], /--step/],
    [['--hosts= , '], /--hosts/],
    [['--seed=1.5'], /--seed/],
    [['--speed=0'], /--speed/],
    [['--until=yesterday'], /--until/],
    [['--log=xml'], /--log/],
    [['--anomaly-every=7m'], /multiple/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j', (args, message) => {
    expect(() => parseFeedArgs(args, NOW)).toThrow(message);
  });

  it('reads --until as now, now±duration or ISO 8601', () => {
    expect(parseUntil('now', NOW)).toBe(NOW);
    expect(parseUntil('now-30m', NOW)).toBe(NOW - 1_800_000);
    expect(parseUntil('2025-01-15T12:00:00Z', NOW)).toBe(Date.UTC(2025, 0, 15, 12));
  });

  it('takes InfluxDB from the same variables as the scorer, refusing token and password together', () => {
    expect(influxFromEnv({ INFLUX_URL: 'http://influx:8086/' }).url).toBe('http://influx:8086');
    expect(() => influxFromEnv({ INFLUX_URL: 'ftp://x' })).toThrow(/INFLUX_URL/);
    expect(() => influxFromEnv({ INFLUX_TOKEN: 't', INFLUX_USERNAME: 'u', INFLUX_PASSWORD: 'p' })).toThrow(
      /not both/,
    );
  });
});

describe('tidemark feed (child process, real influxd)', () => {
  const influxd = useInfluxd();

  it('fast-forwards: backfills, writes up to --until, logs the injections and exits 0', async () => {
    const result = await run(
      [
        '--create-database',
        '--history=6h',
        '--history-anomaly-every=0',
        '--step=1m',
        '--until=now+20m',
        '--first-anomaly=2m',
      ],
      { INFLUX_URL: influxd.current.url },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/backfilled 2160 points from .* into "tidemark"/);
    expect(result.stdout).toMatch(/injected level shift: .* for 20m\n/);
    expect(result.stdout).toMatch(/fast-forwarded \d+ points up to/);
    const influx = new InfluxClient({ url: influxd.current.url });
    const [series] = await influx.querySeries('SELECT count("usage_percent") FROM "cpu"', {
      database: 'tidemark',
    });
    expect(series?.values[0]?.[1]).toBeGreaterThanOrEqual((6 * 60 + 19) * 3);
  });

  it('exits 1 with a hint when the database does not exist, and 2 on bad configuration', async () => {
    const missing = await run(['--database=nope', '--until=now'], { INFLUX_URL: influxd.current.url });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/database not found: nope .*--create-database/);
    const bad = await run(['--until=now'], { INFLUX_URL: 'not a url' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/INFLUX_URL/);
  });

  it('runs live until SIGTERM, then exits 0', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'feed', '--database=live', '--create-database', '--history=1h', '--log=json'],
      { env: { ...process.env, INFLUX_URL: influxd.current.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    const live = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('writing live')) resolve();
      });
    });
    await live;
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string });
    expect(lines.some((line) => line.msg.startsWith('backfilled'))).toBe(true);
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});

describe('tidemark feed with write-only credentials (real influxd, auth on)', () => {
  const secured = useInfluxd({ auth: true });
  const FEEDER = { INFLUX_USERNAME: 'feeder', INFLUX_PASSWORD: 'feeder-password' };

  it('--write-only backfills and writes without reading, and --heartbeat touches its file', async () => {
    const admin = new InfluxClient({ url: secured.current.url, auth: secured.current.admin! });
    await admin.query('CREATE DATABASE "tidemark"');
    await admin.query(`CREATE USER "feeder" WITH PASSWORD 'feeder-password'`);
    await admin.query('GRANT WRITE ON "tidemark" TO "feeder"');
    const env = { INFLUX_URL: secured.current.url, ...FEEDER };
    const args = ['--history=1h', '--history-anomaly-every=0', '--step=1m', '--until=now+5m'];

    // Reading where the last run stopped needs READ: refused.
    const reading = await run(args, env);
    expect(reading.code).toBe(1);
    expect(reading.stderr).toMatch(/not authorized|forbidden|403/i);

    const dir = await mkdtemp(join(tmpdir(), 'tidemark-feed-'));
    const heartbeat = join(dir, 'heartbeat');
    try {
      const result = await run([...args, '--write-only', `--heartbeat=${heartbeat}`], env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const [series] = await admin.querySeries('SELECT count("usage_percent") FROM "cpu"', {
        database: 'tidemark',
      });
      expect(Number(series?.values[0]?.[1])).toBeGreaterThanOrEqual(3 * 60);
      expect(Number(await readFile(heartbeat, 'utf8'))).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tidemark feed and INFLUX_VERSION (child process, a recording server as InfluxDB 3.x)', () => {
  // Only influxd 1.x installs here: the requests are held against InfluxDB 3's documented v1 API
  // (GET /query with q in the URL, Authorization: Bearer), as scorer/influx/api-versions.test.ts does.
  let influx: InfluxRecorder;
  beforeAll(async () => {
    influx = await startInfluxRecorder();
  });
  afterAll(() => influx.close());

  it('calls InfluxDB 3.x as the scorer does: GET /query and Bearer on every request', async () => {
    const token = 'influx3-database-token-0123456789';
    const result = await run(['--history=10m', '--history-anomaly-every=0', '--step=1m', '--until=now'], {
      INFLUX_URL: influx.url,
      INFLUX_VERSION: '3',
      INFLUX_TOKEN: token,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const queries = influx.recorded.filter((r) => r.path === '/query');
    const writes = influx.recorded.filter((r) => r.path === '/write');
    expect(queries.length).toBeGreaterThan(0); // where the last run stopped
    expect(writes.length).toBeGreaterThan(0);
    for (const query of queries) {
      expect(query).toMatchObject({ method: 'GET', params: { db: 'tidemark' }, body: '' });
      expect(query.params.q).toMatch(/^SELECT /);
    }
    for (const request of influx.recorded) expect(request.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('refuses a token with INFLUX_VERSION=1, as the scorer does (exit 2)', async () => {
    const result = await run(['--until=now'], {
      INFLUX_URL: influx.url,
      INFLUX_VERSION: '1',
      INFLUX_TOKEN: 't',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/INFLUX_VERSION: InfluxDB 1.x has no tokens/);
  });
});
