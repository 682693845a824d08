/**
 * The demo with Docker: the whole stack from docker-compose.yml, after writing a .env with fresh
 * secrets (when there is none) and building the plugin (when plugin/dist is missing).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Whether `docker compose` (v2) works here. */
export function dockerComposeAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  const result = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore', timeout: 15_000, env });
  return result.status === 0;
}

/** `.env.example` with every `change-me…` value replaced by a random secret. */
export function envFromExample(example: string, secret = () => randomBytes(24).toString('hex')): string {
  return example
    .split('\n')
    .map((line) =>
      /^[A-Z][A-Z0-9_]*=change-me/.test(line) ? `${line.slice(0, line.indexOf('=') + 1)}${secret()}` : line,
    )
    .join('\n');
}

/** `KEY=value` lines of an env file. */
export function readEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

export interface DockerOptions {
  /** The repository (where docker-compose.yml, .env and plugin/ are). */
  root?: string;
  env?: NodeJS.ProcessEnv;
  grafanaTimeoutMs?: number;
}

function run(command: string, args: string[], root: string, env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

async function waitForGrafana(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) })).ok) return true;
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return false;
}

/** Brings the stack up in the background and prints where to log in. */
export async function runDocker(print: (line: string) => void, options: DockerOptions = {}): Promise<number> {
  const { root = ROOT, env: processEnv = process.env } = options;
  const envPath = join(root, '.env');
  if (!existsSync(envPath)) {
    writeFileSync(envPath, envFromExample(readFileSync(join(root, '.env.example'), 'utf8')), { mode: 0o600 });
    print('Wrote .env from .env.example with fresh random secrets.');
  }
  if (!existsSync(join(root, 'plugin', 'dist', 'plugin.json'))) {
    print('Building the Grafana plugin (npm run build -w plugin)...');
    run('npm', ['run', 'build', '-w', 'plugin'], root, processEnv);
  }
  print('Starting the stack: docker compose up -d --build');
  run('docker', ['compose', 'up', '-d', '--build'], root, processEnv);
  const env = readEnv(readFileSync(envPath, 'utf8'));
  const grafana = (env.GRAFANA_ROOT_URL ?? `http://localhost:${env.GRAFANA_PORT ?? 3000}/`).replace(
    /\/$/,
    '',
  );
  print('Waiting for Grafana...');
  const up = await waitForGrafana(
    `http://127.0.0.1:${env.GRAFANA_PORT ?? 3000}`,
    options.grafanaTimeoutMs ?? 180_000,
  );
  print('');
  print(up ? `Grafana is up: ${grafana}` : `Grafana is not answering yet; it will be at ${grafana}`);
  print(`  login:      ${env.GRAFANA_ADMIN_USER ?? 'admin'} / ${env.GRAFANA_ADMIN_PASSWORD ?? '(see .env)'}`);
  print(`  dashboards: ${grafana}/d/tidemark-ops  and  ${grafana}/d/tidemark-detectors`);
  print(`  alerts:     ${grafana}/alerting/list`);
  print('');
  print('The feeder injects an anomaly two minutes after it starts and one every 15 minutes:');
  print('  docker compose logs -f feeder     # what it injects');
  print('  docker compose logs -f scorer     # what the detectors do');
  print('  docker compose down               # stop (add -v to delete the data too)');
  return up ? 0 : 1;
}
