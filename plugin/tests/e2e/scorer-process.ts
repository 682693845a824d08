/**
 * Runs the real scorer app (scorer/app.ts with its real services) on HOST:PORT, configured by the
 * same environment variables as `tidemark serve`. Started by stack.ts with tsx.
 *
 * Why not `tidemark serve` itself: with @hono/node-server's default `overrideGlobalObjects: true`,
 * every route that reads InfluxDB answers an empty 500 through a socket (the app throws `undefined`;
 * in-process `app.request` is fine). Serving with `overrideGlobalObjects: false` works. Switch back to
 * `tidemark serve` once scorer/serve.ts does the same.
 */
import { serve } from '@hono/node-server';
import { createApp } from '../../../scorer/app';
import { loadConfig } from '../../../scorer/config';
import { createLogger } from '../../../scorer/log';
import { createServices } from '../../../scorer/services';

async function main() {
  const config = loadConfig(process.env);
  const deps = await createServices(config, createLogger(config.logLevel));
  const app = createApp(deps);
  const server = serve({
    fetch: app.fetch,
    hostname: config.server.host,
    port: config.server.port,
    overrideGlobalObjects: false,
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
