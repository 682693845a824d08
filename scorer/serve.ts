import { createServer as createHttpsServer } from 'node:https';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { type Config, redactConfig } from './config';
import { createLogger } from './log';
import { createServices } from './services';
import { loadTls } from './tls';

export interface RunningServer {
  url: string;
  /** Stops accepting requests, stops detectors and trainings (they resume on the next start). */
  close(): Promise<void>;
}

/**
 * Starts the scorer: services, resumed training jobs, scheduled continuous detectors, HTTP.
 * `tidemark serve` calls this and closes it on SIGTERM/SIGINT.
 */
/**
 * Idle kept-alive connections stay open longer than Grafana's data-source proxy keeps them (its
 * `[dataproxy] idle_conn_timeout_seconds`, 90 by default), so the proxy never sends a request into
 * a connection the scorer is closing (Node's default is 5 s).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;

export async function startServer(config: Config): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const tls = config.server.tls ? await loadTls(config.server.tls) : null;
  const deps = await createServices(config, logger);
  deps.enginePool.start();
  void deps.enginePool.ready().then(() => {
    if (config.scoreWorkers > 0) logger.info('engine workers ready', { workers: config.scoreWorkers });
  });
  const orgIds = await deps.store.orgIds();
  const resumed = await deps.trainer.resume(orgIds);
  await deps.trainer.startQueue();
  await deps.detectors.start(orgIds);
  // Scaled out, another replica may be running them: only a single node knows they are orphans.
  if (!config.cluster) await deps.backtests.failInterrupted(orgIds);
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    // overrideGlobalObjects: false keeps Node's own Request/Response globals: the InfluxDB client's
    // fetch() responses break under node-server's lightweight replacements (every route 500s).
    const options = { fetch: app.fetch, hostname: config.server.host, port: config.server.port };
    const https = tls ? { createServer: createHttpsServer, serverOptions: tls } : {};
    const s = serve({ ...options, ...https, overrideGlobalObjects: false }, () => resolve(s));
    if ('keepAliveTimeout' in s) s.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const url = `${tls ? 'https' : 'http'}://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${port}`;
  logger.info('tidemark scorer listening', { url, resumedJobs: resumed, config: redactConfig(config) });
  if (config.auth.tokenOnlyRole !== 'Viewer') {
    logger.warn('TOKEN_ONLY_ROLE lets the bearer token alone act above Viewer', {
      tokenOnlyRole: config.auth.tokenOnlyRole,
      fix: 'keep TOKEN_ONLY_ROLE=Viewer and forward ID tokens (idForwarding, GRAFANA_URL) unless every token holder may write',
    });
  }
  let closing: Promise<void> | null = null;
  return {
    url,
    close: () => {
      closing ??= (async () => {
        logger.info('shutting down');
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all([deps.detectors.stop(), deps.trainer.shutdown(), deps.backtests.shutdown()]);
        await deps.enginePool.close();
        await deps.store.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}
