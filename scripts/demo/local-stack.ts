/**
 * The demo without Docker: a throwaway influxd (Debian's `influxdb`) and a `tidemark serve` child
 * process on loopback, each with its data in a temp folder, and a way to stop both so that
 * nothing is left running or on disk.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findInfluxd, freePort, type InfluxdInstance, startInfluxd } from '../../scorer/test/influxd';

const ROOT = join(__dirname, '..', '..');
export const DETECTORS_FILE = join(ROOT, 'provisioning', 'scorer', 'detectors.yaml');

/** Where influxd is, or how to get it: installed with apt when this user may, else an instruction. */
export function ensureInfluxd(
  log: (line: string) => void,
): { ok: true } | { ok: false; instruction: string } {
  try {
    findInfluxd();
    return { ok: true };
  } catch {
    // not installed: try below
  }
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (root && apt) {
    log("Installing Debian's influxdb package (apt-get install -y influxdb)...");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install =
      update.status === 0 &&
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'influxdb'], {
        stdio: 'inherit',
        env,
      });
    // The package may start its own service; the demo runs its own influxd on other ports.
    spawnSync('sh', ['-c', 'command -v systemctl >/dev/null && systemctl stop influxdb'], {
      stdio: 'ignore',
    });
    if (install && install.status === 0) return { ok: true };
  }
  return {
    ok: false,
    instruction:
      'The demo needs InfluxDB 1.x (Debian\'s "influxdb" package). Install it with:\n' +
      '  sudo apt-get install -y influxdb\n' +
      'or set INFLUXD_PATH to an influxd binary, or run the Docker stack instead (docker compose up -d).',
  };
}

/** `preferred` when nothing listens on it, else any free port. */
export async function portNear(preferred: number): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  return free ? preferred : freePort();
}

export interface Scorer {
  url: string;
  token: string;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited (with its code), for noticing a crash. */
  exited: Promise<number | null>;
}

export class LocalStack {
  influxd: InfluxdInstance | null = null;
  scorer: Scorer | null = null;
  private child: ChildProcess | null = null;
  private scorerDir: string | null = null;

  async startInfluxd(): Promise<InfluxdInstance> {
    this.influxd = await startInfluxd({ startTimeoutMs: 30_000 });
    return this.influxd;
  }

  /** `tidemark serve` with the provisioned detectors, on loopback; resolves once /readyz answers 200. */
  async startScorer(
    influxUrl: string,
    options: { port?: number; logLevel?: string; env?: Record<string, string> } = {},
  ): Promise<Scorer> {
    this.scorerDir = await mkdtemp(join(tmpdir(), 'tidemark-demo-scorer-'));
    const port = await portNear(options.port ?? 8080);
    const token = randomBytes(24).toString('hex');
    const logFile = join(this.scorerDir, 'scorer.log');
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, [join(ROOT, 'scorer', 'bin', 'tidemark.cjs'), 'serve'], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        INFLUX_URL: influxUrl,
        TIDEMARK_TOKENS: token,
        DATA_DIR: join(this.scorerDir, 'data'),
        DETECTORS_FILE,
        LOG_LEVEL: options.logLevel ?? 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`the scorer exited with code ${child.exitCode}; see ${logFile}`);
      try {
        const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`the scorer did not become ready within 60 s; see ${logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    this.scorer = { url, token, pid: child.pid!, logFile, exited };
    return this.scorer;
  }

  /** Stops the scorer (SIGTERM, SIGKILL after 15 s), then influxd, and deletes their folders. */
  async stop(): Promise<string[]> {
    const stopped: string[] = [];
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
      stopped.push(`scorer (pid ${child.pid})`);
    }
    if (this.influxd) {
      await this.influxd.stop();
      stopped.push(`influxd (${this.influxd.url})`);
      this.influxd = null;
    }
    if (this.scorerDir && existsSync(this.scorerDir))
      await rm(this.scorerDir, { recursive: true, force: true });
    this.child = null;
    return stopped;
  }
}
