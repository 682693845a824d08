/**
 * `tidemark backtest` as users run it (a real Node process) against a real `tidemark serve`
 * (startServer on a loopback port) on a real influxd.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BacktestResult } from '@tidemark/core';
import { InfluxClient } from '../influx';
import type { RunningServer } from '../serve';
import { createDatabase, seasonalPoints, TOKEN } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';
import { startRealServer } from '../test/real-server';

const ROOT = resolve(__dirname, '..', '..');
const STEP = 60_000;
const T0 = Date.UTC(2025, 0, 6);
const SPIKE = 1_440 + 600;

const influxd = useInfluxd();
let server: RunningServer;
let dir: string;

function tidemark(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scorer/cli/main.ts', 'backtest', ...args], {
      cwd: ROOT,
      env: { ...process.env, TIDEMARK_URL: server.url, TIDEMARK_TOKEN: TOKEN, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const definition = {
  id: 'cpu',
  query: { database: 'metrics', measurement: 'cpu', field: 'value' },
  interval: '1m',
  detector: { id: 'robust', params: { sensitivity: 'low' } },
  enabled: false,
};
const range = { from: T0 + 1_440 * STEP, to: T0 + 2 * 1_440 * STEP };

beforeAll(async () => {
  const influx = new InfluxClient({ url: influxd.current.url });
  await createDatabase(influx, 'metrics');
  await influx.write('metrics', seasonalPoints('cpu', {}, T0, 2 * 1_440, STEP, { [SPIKE]: 60 }));
  // Without ID tokens (no Grafana here) the bearer token alone may act as an Editor.
  server = await startRealServer(influxd.current.url, { TOKEN_ONLY_ROLE: 'Editor' });
  const created = await fetch(`${server.url}/api/v1/detectors`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(definition),
  });
  expect(created.status).toBe(201);
  dir = mkdtempSync(join(tmpdir(), 'tidemark-backtest-cli-'));
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tidemark backtest', () => {
  it('runs a request body from a file: progress on stderr, the result on stdout', async () => {
    const file = join(dir, 'body.json');
    writeFileSync(file, JSON.stringify({ definition, range }));
    const run = await tidemark(['--file', file]);
    expect([run.code, run.stderr]).toEqual([0, expect.stringMatching(/^backtest bt-\S+: started\n/)]);
    expect(run.stderr).toMatch(/100% Scored 1 series: 1 flagged regions/);
    const result = JSON.parse(run.stdout) as BacktestResult;
    expect(result.series[0]!.regions.map((r) => r.start)).toEqual([T0 + SPIKE * STEP]);
    expect(result.alertsPerDay).toEqual([{ start: range.from, alerts: 1 }]);
  }, 60_000);

  it('backtests a detector by id with another sensitivity', async () => {
    const run = await tidemark([
      '--detector',
      'cpu',
      '--from',
      new Date(range.from).toISOString(),
      '--to',
      String(range.to),
      '--threshold',
      '99',
      '--quiet',
    ]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect((JSON.parse(run.stdout) as BacktestResult).threshold).toBe(99);
  }, 60_000);

  it.each([
    [['--detector', 'cpu'], 2, /--detector needs --from and --to/],
    [['--detector', 'nope', '--from', '0', '--to', '1'], 3, /404 There is no detector "nope"/],
    [['--file', '/nonexistent.json'], 2, /cannot read \/nonexistent.json/],
  ])(
    '%j exits %i saying what is wrong',
    async (args, code, message) => {
      const run = await tidemark(args);
      expect([run.code, run.stderr]).toEqual([code, expect.stringMatching(message)]);
    },
    60_000,
  );

  it('a refused request exits 3 with the problem detail', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ definition, range: { from: range.to, to: range.from } }));
    const run = await tidemark(['--file', file]);
    expect([run.code, run.stderr]).toEqual([3, expect.stringMatching(/400 .*range\.from/)]);
    expect((await tidemark(['--file', file], { TIDEMARK_TOKEN: 'wrong-token-0123456789' })).code).toBe(3);
  }, 60_000);
});
