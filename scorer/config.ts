import { availableParallelism, hostname } from 'node:os';
import { z } from 'zod';
import type { Role } from './auth/roles';
import { issuePath } from './http/problem';
import { defaultApiVersion, type InfluxApiVersion, type InfluxAuth } from './influx/client';

/** Empty variables count as unset (compose files often pass `VAR=`). */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((value) => (value === '' || value === undefined ? fallback : value), schema);

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const boolean = z
  .string()
  .toLowerCase()
  .refine((text) => ['true', 'false', '1', '0', 'yes', 'no'].includes(text), 'expected true or false')
  .transform((text) => ['true', '1', 'yes'].includes(text));
const role = z.enum(['Viewer', 'Editor', 'Admin']);
const httpUrl = z.url({
  protocol: /^https?$/,
  error: 'expected an http(s) URL such as http://localhost:8086',
});

/**
 * One per core, at most four: the engine runs in the workers (the main thread only does I/O), and
 * a call with a model splits between two of them.
 */
function defaultScoreWorkers(): number {
  return Math.min(4, Math.max(1, availableParallelism()));
}

/** Every environment variable the scorer reads. Secrets: INFLUX_TOKEN, INFLUX_PASSWORD, TIDEMARK_TOKENS. */
export const envSchema = z.object({
  PORT: withDefault(int(1, 65_535), '8080'),
  HOST: withDefault(z.string(), '0.0.0.0'),
  /** PEM certificate (chain) and private key: set both to serve HTTPS instead of HTTP. */
  TLS_CERT_FILE: optional(z.string().min(1)),
  TLS_KEY_FILE: optional(z.string().min(1)),
  INFLUX_URL: withDefault(httpUrl, 'http://localhost:8086'),
  INFLUX_TOKEN: optional(z.string()),
  INFLUX_USERNAME: optional(z.string()),
  INFLUX_PASSWORD: optional(z.string()),
  /** InfluxDB's major version (how its v1 query API is called); default 2 with INFLUX_TOKEN, else 1. */
  INFLUX_VERSION: optional(
    z.enum(['1', '2', '3'], { error: 'must be 1, 2 or 3 (the InfluxDB major version)' }),
  ),
  /** Default database for written scores (continuous detectors) when a detector names none. */
  INFLUX_DATABASE: optional(z.string()),
  INFLUX_RETRIES: withDefault(int(0, 10), '2'),
  /** Ask InfluxDB to gzip its answers: saves bandwidth to a distant server, costs CPU on both ends. */
  INFLUX_GZIP: withDefault(boolean, 'false'),
  /** Queries a large score read is split into and run at once (1 = never split). */
  INFLUX_READ_PARTS: withDefault(int(1, 16), '2'),
  TIDEMARK_TOKENS: z
    .string({ error: 'required: a comma-separated list of bearer tokens (e.g. from `openssl rand -hex 32`)' })
    .transform((text) =>
      text
        .split(',')
        .map((token) => token.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().min(16, 'each token must be at least 16 characters'))
        .min(1, 'at least one token is required'),
    ),
  GRAFANA_URL: optional(httpUrl),
  /** Grafana's `root_url` when it differs from GRAFANA_URL (the ID token's `iss`). */
  GRAFANA_ID_ISSUER: optional(z.string().min(1)),
  REQUIRE_ID_TOKEN: withDefault(boolean, 'false'),
  /** Role of a verified ID token without a `role` claim (Grafana's reqRole routes checked it). */
  DEFAULT_ROLE: withDefault(role, 'Editor'),
  /** Role of a caller known only by the bearer token: above Viewer, the token alone may write. */
  TOKEN_ONLY_ROLE: withDefault(role, 'Viewer'),
  DEFAULT_ORG_ID: withDefault(int(0, Number.MAX_SAFE_INTEGER), '1'),
  DATA_DIR: withDefault(z.string().min(1), '.tidemark'),
  DETECTORS_FILE: optional(z.string().min(1)),
  MAINTENANCE_FILE: optional(z.string().min(1)),
  /** Which databases (and InfluxDB credentials) each Grafana org may use (YAML); unset: org 1 all, others none. */
  ORG_ACCESS_FILE: optional(z.string().min(1)),
  /** Scale-out: the Redis that replicas share (state, work queues). Unset: one node, files in DATA_DIR. */
  REDIS_URL: optional(
    z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL, e.g. redis://redis:6379'),
  ),
  /** This replica's name in the cluster (metrics, job ownership); default: host name and process id. */
  REPLICA_ID: optional(
    z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'letters, digits and . _ : - (at most 64)'),
  ),
  /** Scale-out: partitions each continuous detector with a group-by is split into (same on every replica). */
  DETECTOR_PARTITIONS: withDefault(int(1, 1_024), '16'),
  /** Scale-out: how long a replica's detector job lock lasts unrenewed (a dead replica's job moves after it). */
  DETECTOR_LOCK_MS: withDefault(int(2_000, 600_000), '20000'),
  /** Scale-out: detector partition runs one replica works on at once. */
  DETECTOR_CONCURRENCY: withDefault(int(1, 64), '2'),
  KEEP_MODEL_VERSIONS: withDefault(int(1, 1_000), '5'),
  /** Decoded models kept in memory (least recently used dropped): at least the series a replica's detectors score. */
  MODEL_CACHE_SIZE: withDefault(int(1, 1_000_000), '64'),
  READ_CACHE_POINTS: withDefault(int(0, 1_000_000_000), '5000000'),
  MAX_BODY_BYTES: withDefault(int(1_024, 1_073_741_824), String(5 * 1024 * 1024)),
  MAX_POINTS: withDefault(int(10, 100_000_000), '500000'),
  MAX_SERIES: withDefault(int(1, 10_000), '100'),
  QUERY_TIMEOUT_MS: withDefault(int(100, 3_600_000), '30000'),
  MAX_CONCURRENT_TRAININGS: withDefault(int(1, 256), '2'),
  /** Engine worker threads (0 = the engine runs on the main thread, holding every request up). */
  SCORE_WORKERS: withDefault(int(0, 64), String(defaultScoreWorkers())),
  LOG_LEVEL: withDefault(z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  /** Serve the read-only page at /ui (its data comes from the API, behind the same tokens). */
  UI_ENABLED: withDefault(boolean, 'false'),
  /** The folder holding the page's bundle (ui.js, ui.css); unset: scorer/ui/dist, where `npm run build:ui` puts it. */
  UI_DIR: optional(z.string().min(1)),
});

type Issue = { variable: string; message: string };

/** How the InfluxDB credentials and version fit together, on the raw environment. */
function influxIssues(env: Record<string, string | undefined>): Issue[] {
  const set = (name: string) => Boolean(env[name]);
  const issues: Issue[] = [];
  if (set('INFLUX_TOKEN') && (set('INFLUX_USERNAME') || set('INFLUX_PASSWORD'))) {
    issues.push({
      variable: 'INFLUX_TOKEN',
      message: 'set either INFLUX_TOKEN (2.x/3.x) or INFLUX_USERNAME and INFLUX_PASSWORD (1.x), not both',
    });
  }
  if (set('INFLUX_TOKEN') && env.INFLUX_VERSION === '1') {
    issues.push({
      variable: 'INFLUX_VERSION',
      message:
        'InfluxDB 1.x has no tokens: set INFLUX_USERNAME and INFLUX_PASSWORD, or INFLUX_VERSION=2 or 3',
    });
  }
  if (set('INFLUX_USERNAME') !== set('INFLUX_PASSWORD')) {
    const missing = set('INFLUX_USERNAME') ? 'INFLUX_PASSWORD' : 'INFLUX_USERNAME';
    issues.push({ variable: missing, message: 'INFLUX_USERNAME and INFLUX_PASSWORD go together' });
  }
  return issues;
}

/** Checks across variables, on the raw environment so they are reported with every other error. */
function crossFieldIssues(env: Record<string, string | undefined>): Issue[] {
  const set = (name: string) => Boolean(env[name]);
  const issues: Issue[] = influxIssues(env);
  if (set('TLS_CERT_FILE') !== set('TLS_KEY_FILE')) {
    const missing = set('TLS_CERT_FILE') ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE';
    issues.push({ variable: missing, message: 'TLS_CERT_FILE and TLS_KEY_FILE go together' });
  }
  if (/^(true|1|yes)$/i.test(env.REQUIRE_ID_TOKEN ?? '') && !set('GRAFANA_URL')) {
    issues.push({
      variable: 'REQUIRE_ID_TOKEN',
      message: "needs GRAFANA_URL, to verify ID tokens against Grafana's signing keys",
    });
  }
  return issues;
}

export type LogLevel = z.infer<typeof envSchema>['LOG_LEVEL'];

export interface Config {
  server: { host: string; port: number; tls: { certFile: string; keyFile: string } | null };
  influx: {
    url: string;
    auth: InfluxAuth | undefined;
    apiVersion: InfluxApiVersion;
    database: string | null;
    timeoutMs: number;
    retries: number;
    gzip: boolean;
    readParts: number;
  };
  auth: {
    tokens: string[];
    grafanaUrl: string | null;
    idTokenIssuer: string | null;
    requireIdToken: boolean;
    defaultRole: Role;
    tokenOnlyRole: Role;
    defaultOrgId: number;
  };
  store: { dataDir: string; keepModelVersions: number; modelCacheSize: number; readCachePoints: number };
  /** Scale-out mode (REDIS_URL set): replicas share state and work through Redis. */
  cluster: { redisUrl: string; replicaId: string } | null;
  /** Scale-out: how continuous detectors are split into jobs and how those jobs are held. */
  detectorJobs: { partitions: number; lockMs: number; concurrency: number };
  detectorsFile: string | null;
  /** Provisioned maintenance windows (YAML), read-only through the API. */
  maintenanceFile: string | null;
  orgAccessFile: string | null;
  limits: {
    maxBodyBytes: number;
    maxPoints: number;
    maxSeries: number;
    queryTimeoutMs: number;
    maxConcurrentTrainings: number;
  };
  scoreWorkers: number;
  logLevel: LogLevel;
  /** The read-only page at /ui (UI_ENABLED); `dir` null: the bundle `npm run build:ui` makes. */
  ui: { enabled: boolean; dir: string | null };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly errors: Issue[]) {
    super(`invalid configuration:\n${errors.map((e) => `  ${e.variable}: ${e.message}`).join('\n')}`);
  }
}

/** The variables that say which InfluxDB to reach and how (the demo feeder reads these alone). */
const influxEnvSchema = envSchema.pick({
  INFLUX_URL: true,
  INFLUX_TOKEN: true,
  INFLUX_USERNAME: true,
  INFLUX_PASSWORD: true,
  INFLUX_VERSION: true,
  INFLUX_RETRIES: true,
});

export type InfluxConnection = Pick<Config['influx'], 'url' | 'auth' | 'apiVersion' | 'retries'>;

function influxConnection(env: z.infer<typeof influxEnvSchema>): InfluxConnection {
  const auth: InfluxAuth | undefined = env.INFLUX_TOKEN
    ? { token: env.INFLUX_TOKEN }
    : env.INFLUX_USERNAME && env.INFLUX_PASSWORD
      ? { username: env.INFLUX_USERNAME, password: env.INFLUX_PASSWORD }
      : undefined;
  return {
    url: env.INFLUX_URL,
    auth,
    apiVersion: env.INFLUX_VERSION
      ? (Number(env.INFLUX_VERSION) as InfluxApiVersion)
      : defaultApiVersion(auth),
    retries: env.INFLUX_RETRIES,
  };
}

const zodIssues = (error: z.ZodError | undefined): Issue[] =>
  error?.issues.map((i) => ({ variable: issuePath(i.path), message: i.message })) ?? [];

/**
 * The InfluxDB connection alone, from the scorer's own variables and with the same checks, for the
 * commands that only talk to InfluxDB (`tidemark feed`). Throws `ConfigError` like `loadConfig`.
 */
export function loadInfluxConnection(
  env: Record<string, string | undefined> = process.env,
): InfluxConnection {
  const parsed = influxEnvSchema.safeParse(env);
  const issues = [...zodIssues(parsed.error), ...influxIssues(env)];
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);
  return influxConnection(parsed.data);
}

/** Parses the environment; throws `ConfigError` listing every bad variable (never their values). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const issues = [...zodIssues(parsed.error), ...crossFieldIssues(env)];
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);
  const e = parsed.data;
  return {
    server: {
      host: e.HOST,
      port: e.PORT,
      tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : null,
    },
    influx: {
      ...influxConnection(e),
      database: e.INFLUX_DATABASE ?? null,
      timeoutMs: e.QUERY_TIMEOUT_MS,
      gzip: e.INFLUX_GZIP,
      readParts: e.INFLUX_READ_PARTS,
    },
    auth: {
      tokens: e.TIDEMARK_TOKENS,
      grafanaUrl: e.GRAFANA_URL ?? null,
      idTokenIssuer: e.GRAFANA_ID_ISSUER ?? e.GRAFANA_URL ?? null,
      requireIdToken: e.REQUIRE_ID_TOKEN,
      defaultRole: e.DEFAULT_ROLE,
      tokenOnlyRole: e.TOKEN_ONLY_ROLE,
      defaultOrgId: e.DEFAULT_ORG_ID,
    },
    store: {
      dataDir: e.DATA_DIR,
      keepModelVersions: e.KEEP_MODEL_VERSIONS,
      modelCacheSize: e.MODEL_CACHE_SIZE,
      readCachePoints: e.READ_CACHE_POINTS,
    },
    cluster: e.REDIS_URL
      ? { redisUrl: e.REDIS_URL, replicaId: e.REPLICA_ID ?? `${hostname()}-${process.pid}` }
      : null,
    detectorJobs: {
      partitions: e.DETECTOR_PARTITIONS,
      lockMs: e.DETECTOR_LOCK_MS,
      concurrency: e.DETECTOR_CONCURRENCY,
    },
    detectorsFile: e.DETECTORS_FILE ?? null,
    maintenanceFile: e.MAINTENANCE_FILE ?? null,
    orgAccessFile: e.ORG_ACCESS_FILE ?? null,
    limits: {
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxPoints: e.MAX_POINTS,
      maxSeries: e.MAX_SERIES,
      queryTimeoutMs: e.QUERY_TIMEOUT_MS,
      maxConcurrentTrainings: e.MAX_CONCURRENT_TRAININGS,
    },
    scoreWorkers: e.SCORE_WORKERS,
    logLevel: e.LOG_LEVEL,
    ui: { enabled: e.UI_ENABLED, dir: e.UI_DIR ?? null },
  };
}

/** For start-up logs: the configuration with every secret replaced by what is safe to show. */
export function redactConfig(config: Config) {
  const { auth, influx } = config;
  const influxAuthKind = !influx.auth
    ? 'none'
    : 'token' in influx.auth
      ? 'token'
      : `user ${influx.auth.username}`;
  return {
    ...config,
    influx: { ...influx, auth: influxAuthKind },
    auth: { ...auth, tokens: `${auth.tokens.length} configured` },
    cluster: config.cluster && { ...config.cluster, redisUrl: withoutPassword(config.cluster.redisUrl) },
  };
}

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0` */
export function withoutPassword(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}

/** `loadConfig`, or print the errors and exit non-zero (for `tidemark serve`). */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`tidemark: ${error.message}\nSee docs/api.md (Configuration) for every variable.\n`);
    process.exit(2);
  }
}
