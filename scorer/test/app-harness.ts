import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from '../app';
import type { Role } from '../auth/roles';
import { type Config, loadConfig } from '../config';
import type { ProvisionedDetector } from '../continuous/provisioning';
import type { AppDeps } from '../deps';
import { InfluxClient, quoteIdentifier } from '../influx';
import type { LinePoint } from '../influx/line-protocol';
import { createLogger } from '../log';
import { createServices } from '../services';
import type { ProvisionedWindow } from '../steering/maintenance';
import {
  createSigningKey,
  grafanaClaims,
  type JwksServer,
  signIdToken,
  startJwksServer,
} from './grafana-jwks';
import type { InfluxdInstance } from './influxd';

export const TOKEN = 'harness-token-0123456789';

export interface Harness {
  app: Hono;
  deps: AppDeps;
  influx: InfluxClient;
  grafana: JwksServer;
  dataDir: string;
  /** Calls the app in-process as a Grafana user of `org` with `role` (via a signed ID token). */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; role?: Role; org?: number; raw?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  provisioned?: ProvisionedDetector[];
  provisionedWindows?: ProvisionedWindow[];
  /** ORG_ACCESS_FILE's text (YAML), written into the data dir's parent for this harness. */
  orgAccess?: string;
  /** The continuous detectors' clock; pin it where a test counts the intervals a run writes. */
  now?: () => number;
}

/** The whole app on a real influxd, a temp data dir and a real JWKS server, called in-process. */
export async function startHarness(influxd: InfluxdInstance, options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tidemark-app-'));
  const key = createSigningKey('harness');
  const grafana = await startJwksServer([key]);
  const orgAccessFile = `${dataDir}.orgs.yaml`;
  if (options.orgAccess !== undefined) await writeFile(orgAccessFile, options.orgAccess);
  const config: Config = loadConfig({
    TIDEMARK_TOKENS: TOKEN,
    INFLUX_URL: influxd.url,
    GRAFANA_URL: grafana.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    INFLUX_RETRIES: '0',
    ...(options.orgAccess !== undefined ? { ORG_ACCESS_FILE: orgAccessFile } : {}),
    ...options.env,
  });
  const deps = await createServices(config, createLogger('silent'), {
    ...(options.provisioned ? { provisioned: options.provisioned } : {}),
    ...(options.provisionedWindows ? { provisionedWindows: options.provisionedWindows } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const app = createApp(deps) as unknown as Hono;
  return {
    app,
    deps,
    influx: new InfluxClient({ url: influxd.url }),
    grafana,
    dataDir,
    call(method, path, { body, role = 'Admin', org = 1, raw, headers = {} } = {}) {
      const idToken = signIdToken(key, grafanaClaims(grafana.url, { role, aud: [`org:${org}`] }));
      return Promise.resolve(
        app.request(path, {
          method,
          headers: {
            authorization: `Bearer ${TOKEN}`,
            'x-grafana-id': idToken,
            ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
        }),
      );
    },
    async close() {
      await deps.detectors.stop();
      await deps.trainer.shutdown();
      await deps.backtests.shutdown();
      await deps.enginePool.close();
      await deps.store.close();
      await grafana.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(orgAccessFile, { force: true });
    },
  };
}

/** A daily-ish seasonal series with noise (seeded), one point per `stepMs`, and optional spikes. */
export function seasonalPoints(
  measurement: string,
  tags: Record<string, string>,
  from: number,
  count: number,
  stepMs: number,
  spikes: Record<number, number> = {},
): LinePoint[] {
  let seed = 42;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  return Array.from({ length: count }, (_, i) => ({
    measurement,
    tags,
    fields: { value: 50 + 10 * Math.sin((2 * Math.PI * i) / 96) + noise() * 2 + (spikes[i] ?? 0) },
    time: from + i * stepMs,
  }));
}

export async function createDatabase(influx: InfluxClient, name: string): Promise<void> {
  await influx.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
}
