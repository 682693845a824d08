import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, redactConfig } from './config';

const TOKEN = 'a-token-of-sixteen-chars';
const base = { TIDEMARK_TOKENS: TOKEN };

function errorsOf(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.errors;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults', () => {
    expect(loadConfig(base)).toEqual({
      server: { host: '0.0.0.0', port: 8080, tls: null },
      influx: {
        url: 'http://localhost:8086',
        apiVersion: 1,
        auth: undefined,
        database: null,
        timeoutMs: 30_000,
        retries: 2,
        gzip: false,
        readParts: 2,
      },
      auth: {
        tokens: [TOKEN],
        grafanaUrl: null,
        idTokenIssuer: null,
        requireIdToken: false,
        defaultRole: 'Editor',
        tokenOnlyRole: 'Viewer',
        defaultOrgId: 1,
      },
      store: { dataDir: '.tidemark', keepModelVersions: 5, modelCacheSize: 64, readCachePoints: 5_000_000 },
      cluster: null,
      detectorJobs: { partitions: 16, lockMs: 20_000, concurrency: 2 },
      detectorsFile: null,
      maintenanceFile: null,
      orgAccessFile: null,
      limits: {
        maxBodyBytes: 5 * 1024 * 1024,
        maxPoints: 500_000,
        maxSeries: 100,
        queryTimeoutMs: 30_000,
        maxConcurrentTrainings: 2,
      },
      scoreWorkers: Math.min(4, availableParallelism()),
      logLevel: 'info',
      ui: { enabled: false, dir: null },
    });
  });

  it('reads every variable, treating empty ones as unset', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      INFLUX_URL: 'https://influx:8086',
      INFLUX_USERNAME: 'scorer',
      INFLUX_PASSWORD: 'pw',
      INFLUX_TOKEN: '',
      INFLUX_DATABASE: 'metrics',
      INFLUX_GZIP: 'true',
      INFLUX_READ_PARTS: '4',
      TIDEMARK_TOKENS: ` ${TOKEN} , second-token-0123456789,`,
      GRAFANA_URL: 'http://grafana:3000',
      GRAFANA_ID_ISSUER: 'https://grafana.example.com/',
      REQUIRE_ID_TOKEN: 'yes',
      DEFAULT_ROLE: 'Viewer',
      TOKEN_ONLY_ROLE: 'Editor',
      DATA_DIR: '/var/lib/tidemark',
      DETECTORS_FILE: 'provisioning/detectors.yaml',
      MAX_POINTS: '1000',
      MAX_CONCURRENT_TRAININGS: '4',
      SCORE_WORKERS: '0',
      LOG_LEVEL: 'debug',
    });
    expect(config.scoreWorkers).toBe(0);
    expect(config.influx.auth).toEqual({ username: 'scorer', password: 'pw' });
    expect(config.influx.gzip).toBe(true);
    expect(config.influx.readParts).toBe(4);
    expect(config.auth).toMatchObject({
      tokens: [TOKEN, 'second-token-0123456789'],
      idTokenIssuer: 'https://grafana.example.com/',
      requireIdToken: true,
      defaultRole: 'Viewer',
      tokenOnlyRole: 'Editor',
    });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 9000, tls: null });
    expect(loadConfig({ ...base, TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem' }).server.tls).toEqual({
      certFile: 'c.pem',
      keyFile: 'k.pem',
    });
    expect(config.limits).toMatchObject({ maxPoints: 1000, maxConcurrentTrainings: 4 });
    expect(loadConfig({ ...base, INFLUX_TOKEN: 'tok' }).influx.auth).toEqual({ token: 'tok' });
    expect(loadConfig({ ...base, GRAFANA_URL: 'http://g:3000' }).auth.idTokenIssuer).toBe('http://g:3000');
  });

  it.each([
    [{}, 'TIDEMARK_TOKENS', /required/],
    [{ TIDEMARK_TOKENS: 'short' }, 'TIDEMARK_TOKENS[0]', /at least 16/],
    [{ TIDEMARK_TOKENS: ' , ' }, 'TIDEMARK_TOKENS', /at least one token/],
    [{ ...base, PORT: 'eighty' }, 'PORT', /number/],
    [{ ...base, PORT: '70000' }, 'PORT', /65535/],
    [{ ...base, INFLUX_URL: 'influx:8086' }, 'INFLUX_URL', /http\(s\) URL/],
    [{ ...base, INFLUX_READ_PARTS: '0' }, 'INFLUX_READ_PARTS', /./],
    [{ ...base, SCORE_WORKERS: '-1' }, 'SCORE_WORKERS', />=0/],
    [{ ...base, INFLUX_TOKEN: 't', INFLUX_USERNAME: 'u', INFLUX_PASSWORD: 'p' }, 'INFLUX_TOKEN', /not both/],
    [{ ...base, INFLUX_USERNAME: 'u' }, 'INFLUX_PASSWORD', /go together/],
    [{ ...base, REQUIRE_ID_TOKEN: 'true' }, 'REQUIRE_ID_TOKEN', /needs GRAFANA_URL/],
    [{ ...base, TLS_CERT_FILE: 'cert.pem' }, 'TLS_KEY_FILE', /go together/],
    [{ ...base, TLS_KEY_FILE: 'key.pem' }, 'TLS_CERT_FILE', /go together/],
    [{ ...base, REQUIRE_ID_TOKEN: 'maybe' }, 'REQUIRE_ID_TOKEN', /true or false/],
    [{ ...base, DEFAULT_ROLE: 'Root' }, 'DEFAULT_ROLE', /Viewer/],
    [{ ...base, TOKEN_ONLY_ROLE: 'None' }, 'TOKEN_ONLY_ROLE', /Viewer/],
    [{ ...base, MAX_POINTS: '0' }, 'MAX_POINTS', />=10/],
    [{ ...base, LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /debug/],
    [{ ...base, REDIS_URL: 'localhost:6379' }, 'REDIS_URL', /redis:\/\//],
    [{ ...base, REDIS_URL: 'redis://r', REPLICA_ID: 'a b' }, 'REPLICA_ID', /letters/],
  ])('refuses %j at %s', (env, variable, message) => {
    const errors = errorsOf(env as Record<string, string>);
    expect(errors).toContainEqual({ variable, message: expect.stringMatching(message) });
  });

  it('lists every problem at once, never echoing values', () => {
    const error = (() => {
      try {
        loadConfig({ TIDEMARK_TOKENS: 'supersecretvalue', PORT: 'x', INFLUX_PASSWORD: 'hunter2-password' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.errors.map((e) => e.variable).sort()).toEqual(['INFLUX_USERNAME', 'PORT']);
    expect(error?.message).not.toMatch(/hunter2|supersecret/);
  });

  it('is one node without REDIS_URL, and a named replica with it', () => {
    expect(loadConfig(base).cluster).toBeNull();
    expect(loadConfig({ ...base, REDIS_URL: 'redis://redis:6379', REPLICA_ID: 'scorer-2' }).cluster).toEqual({
      redisUrl: 'redis://redis:6379',
      replicaId: 'scorer-2',
    });
    expect(loadConfig({ ...base, REDIS_URL: 'redis://redis:6379' }).cluster?.replicaId).toMatch(
      new RegExp(`-${process.pid}$`),
    );
  });

  it('sizes the decoded-model cache and the detector jobs from the environment', () => {
    const config = loadConfig({
      ...base,
      MODEL_CACHE_SIZE: '5000',
      DETECTOR_PARTITIONS: '32',
      DETECTOR_LOCK_MS: '30000',
      DETECTOR_CONCURRENCY: '4',
    });
    expect(config.store.modelCacheSize).toBe(5_000);
    expect(config.detectorJobs).toEqual({ partitions: 32, lockMs: 30_000, concurrency: 4 });
    expect(
      errorsOf({ ...base, MODEL_CACHE_SIZE: '0', DETECTOR_LOCK_MS: '10' }).map((e) => e.variable),
    ).toEqual(['DETECTOR_LOCK_MS', 'MODEL_CACHE_SIZE']);
  });

  it('never logs the Redis password', () => {
    const config = loadConfig({ ...base, REDIS_URL: 'redis://tidemark:hunter2-password@redis:6379/0' });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toContain('hunter2');
    expect(text).toContain('redis://tidemark:***@redis:6379/0');
  });

  it('redacts secrets for logging', () => {
    const config = loadConfig({ ...base, INFLUX_USERNAME: 'scorer', INFLUX_PASSWORD: 'hunter2-password' });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(TOKEN);
    expect(redactConfig(config)).toMatchObject({
      influx: { auth: 'user scorer' },
      auth: { tokens: '1 configured' },
    });
  });

  it('exits non-zero with the flattened errors (real process)', () => {
    const script = `require(${JSON.stringify(join(__dirname, 'config.ts'))}).loadConfigOrExit({ PORT: 'x', INFLUX_PASSWORD: 'hunter2-password' })`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('invalid configuration:');
    expect(result.stderr).toMatch(/ {2}PORT: /);
    expect(result.stderr).toMatch(/ {2}TIDEMARK_TOKENS: required/);
    expect(result.stderr).not.toContain('hunter2');
  });
});
