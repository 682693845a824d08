import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnnotationRegion, continuousDetectorInputSchema } from '@tidemark/core';
import type { Anomaly } from '../../scorer/feeder/anomalies';
import { dockerComposeAvailable, envFromExample, readEnv, runDocker } from './docker';
import { describeRegion, matchInjected, RegionWatcher } from './watch';

const MINUTE = 60_000;
const T = Date.UTC(2025, 0, 15, 12, 0);

const definitions = [
  continuousDetectorInputSchema.parse({
    id: 'request-latency',
    query: { database: 'tidemark', measurement: 'http', field: 'latency_p95_ms', groupBy: ['host'] },
    interval: '1m',
  }),
  continuousDetectorInputSchema.parse({
    id: 'cpu-usage',
    query: { database: 'tidemark', measurement: 'cpu', field: 'usage_percent', groupBy: ['host'] },
    interval: '1m',
  }),
];
const shift: Anomaly = {
  id: 'shift',
  kind: 'level-shift',
  host: 'web-2',
  metric: 'latency',
  start: T,
  end: T + 20 * MINUTE,
  description: 'level shift: http latency_p95_ms on web-2 ×1.8 for 20m',
};
const flatline: Anomaly = {
  ...shift,
  id: 'flat',
  kind: 'flatline',
  metric: 'cpu',
  description: 'flatline: cpu usage_percent on web-2 stuck at one value for 20m',
};

function region(overrides: Partial<AnnotationRegion>): AnnotationRegion {
  return {
    start: T,
    end: T,
    peakTime: T,
    peakScore: 87.2,
    detector: 'ensemble',
    explanation: 'value 191.2 above expected 91.88–114.9 (score 87.2), ensemble',
    series: 'http latency_p95_ms {host=web-2}',
    tags: { host: 'web-2' },
    detectorName: 'request-latency',
    ...overrides,
  };
}

describe('matching regions to injected anomalies', () => {
  it.each([
    ['at the start', region({}), { anomaly: shift, recovery: false }],
    ['during it', region({ start: T + 5 * MINUTE }), { anomaly: shift, recovery: false }],
    ['just after it ends (recovery)', region({ start: T + 21 * MINUTE }), { anomaly: shift, recovery: true }],
    ['long after', region({ start: T + 60 * MINUTE }), null],
    ['before it', region({ start: T - MINUTE }), null],
    ['on another host', region({ tags: { host: 'web-1' } }), null],
    ['by another detector', region({ detectorName: 'cpu-usage' }), null],
  ])('%s', (_name, found, expected) => {
    expect(matchInjected(found, definitions, [shift])).toEqual(expected);
  });

  it('counts a region of the interval the anomaly starts in (the anomaly need not start on the minute)', () => {
    const late = { ...shift, start: T + 20_000 };
    expect(matchInjected(region({}), definitions, [late])).toEqual({ anomaly: late, recovery: false });
  });

  it('says in plain words what a region is', () => {
    expect(describeRegion(region({}), { anomaly: shift, recovery: false })).toBe(
      '● 12:00  http latency_p95_ms {host=web-2}  score 87  value 191.2 above expected 91.88–114.9 (score 87.2), ensemble\n' +
        '      ← injected level-shift at 12:00',
    );
    expect(describeRegion(region({ end: T + 2 * MINUTE }), null)).toMatch(
      /^● 12:00–12:02 .*\n +← no anomaly was injected here \(a false alarm\)$/,
    );
    expect(describeRegion(region({ start: T + 3 * MINUTE }), { anomaly: shift, recovery: false }, true)).toBe(
      '  + 12:03  score 87, same level-shift',
    );
  });
});

describe('RegionWatcher', () => {
  let server: Server;
  let url: string;
  let scoredUntil = T + 10 * MINUTE;
  let regions: AnnotationRegion[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.headers.authorization !== 'Bearer t0ken') {
        res.writeHead(401).end();
        return;
      }
      const body = req.url!.startsWith('/api/v1/detectors')
        ? { detectors: definitions.map((d) => ({ id: d.id, scoredUntil })) }
        : { regions };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('prints each region once, and an injected anomaly as missed only once the detector has scored past it', async () => {
    const lines: string[] = [];
    const watcher = new RegionWatcher({
      scorerUrl: url,
      token: 't0ken',
      definitions,
      injected: () => [shift, flatline],
      since: T - 60 * MINUTE,
      print: (line) => lines.push(line),
      now: () => T + 60 * MINUTE,
    });
    regions = [region({}), region({ start: T + 2 * MINUTE })];
    await watcher.poll();
    await watcher.poll();
    expect(lines).toEqual([
      expect.stringMatching(/^● 12:00 .*\n +← injected level-shift/),
      '  + 12:02  score 87, same level-shift',
    ]);
    // The CPU detector has not scored past the flatline (+ recovery time): not "missed" yet.
    scoredUntil = T + 30 * MINUTE;
    await watcher.poll();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(
      '✗ 12:00  not flagged: injected flatline: cpu usage_percent on web-2 stuck at one value for 20m',
    );
    await watcher.poll();
    expect(lines).toHaveLength(3);
  });
});

describe('the Docker path', () => {
  it('writes .env from .env.example with every change-me value replaced by a fresh secret', () => {
    let n = 0;
    const env = envFromExample(
      '# comment\nGRAFANA_ADMIN_USER=admin\nGRAFANA_ADMIN_PASSWORD=change-me\nINFLUX_TOKEN=change-me-influx-token\n',
      () => `secret${++n}`,
    );
    expect(env).toBe(
      '# comment\nGRAFANA_ADMIN_USER=admin\nGRAFANA_ADMIN_PASSWORD=secret1\nINFLUX_TOKEN=secret2\n',
    );
    expect(readEnv(env)).toEqual({
      GRAFANA_ADMIN_USER: 'admin',
      GRAFANA_ADMIN_PASSWORD: 'secret1',
      INFLUX_TOKEN: 'secret2',
    });
  });
});

describe('runDocker (a fake docker on PATH, a fake Grafana)', () => {
  let dir: string;
  let grafana: Server;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tidemark-docker-demo-'));
    mkdirSync(join(dir, 'bin'));
    // Records its arguments; `docker compose version` and `docker compose up` succeed.
    writeFileSync(join(dir, 'bin', 'docker'), `#!/bin/sh\necho "$@" >> "${join(dir, 'docker.log')}"\n`);
    chmodSync(join(dir, 'bin', 'docker'), 0o755);
    mkdirSync(join(dir, 'plugin', 'dist'), { recursive: true });
    writeFileSync(join(dir, 'plugin', 'dist', 'plugin.json'), '{}');
    grafana = createServer((req, res) => res.writeHead(req.url === '/api/health' ? 200 : 404).end('{}'));
    await new Promise<void>((resolve) => grafana.listen(0, '127.0.0.1', resolve));
    port = (grafana.address() as AddressInfo).port;
    const example = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
    writeFileSync(join(dir, '.env.example'), example.replace(/^GRAFANA_PORT=.*$/m, `GRAFANA_PORT=${port}`));
  });
  afterAll(async () => {
    await new Promise((resolve) => grafana.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes .env with fresh secrets, runs docker compose up, and prints the URL and login', async () => {
    const env = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` };
    expect(dockerComposeAvailable(env)).toBe(true);
    const lines: string[] = [];
    const code = await runDocker((line) => lines.push(line), { root: dir, env, grafanaTimeoutMs: 10_000 });
    expect(code).toBe(0);
    const written = readEnv(readFileSync(join(dir, '.env'), 'utf8'));
    expect(Object.values(written).some((value) => value.startsWith('change-me'))).toBe(false);
    expect(written.TIDEMARK_TOKEN).toMatch(/^[0-9a-f]{48}$/);
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'docker.log'), 'utf8')).toBe('compose version\ncompose up -d --build\n');
    const output = lines.join('\n');
    expect(output).toContain('Grafana is up: http://localhost:3000');
    expect(output).toContain(`login:      admin / ${written.GRAFANA_ADMIN_PASSWORD}`);
    expect(output).toContain('http://localhost:3000/d/tidemark-ops');
  });
});
