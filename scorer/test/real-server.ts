import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { type RunningServer, startServer } from '../serve';
import { TOKEN } from './app-harness';
import { freePort } from './influxd';

/**
 * The scorer as `tidemark serve` runs it (`startServer`, a real socket on a free loopback port)
 * with the harness token, a temp DATA_DIR (removed on close) and silent logs; `env` adds or
 * overrides settings.
 */
export async function startRealServer(
  influxUrl: string,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tidemark-server-'));
  const server = await startServer(
    loadConfig({
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      INFLUX_URL: influxUrl,
      TIDEMARK_TOKENS: TOKEN,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
