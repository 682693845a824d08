/**
 * `npm start` without Docker, end to end in a child process: it starts influxd, the scorer and
 * the feeder, reports regions, and on SIGINT stops every process it started and deletes its temp
 * folders. (The demo chooses Docker only when `docker compose version` works; --local forces the
 * local path, which is the one our machines run.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** Every live descendant of `pid`, from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const child of parents.get(parent) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}

function waitFor(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    const check = () => {
      if (pattern.test(output())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`the demo exited early:\n${output()}`));
    });
  });
}

describe('npm start without Docker', () => {
  let demo: ChildProcess | undefined;
  afterAll(() => {
    if (demo?.exitCode === null) demo.kill('SIGKILL');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'runs influxd, the scorer and the feeder, reports regions, and %s leaves nothing behind',
    async (signal) => {
      demo = spawn(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts'), '--local', '--history=1d', '--step=1m'],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      demo.stdout!.on('data', (chunk) => {
        output += chunk;
      });
      demo.stderr!.on('data', (chunk) => {
        output += chunk;
      });
      // The first detector runs score the history's last day: its labelled anomalies show up.
      await waitFor(demo, () => output, /Watching\.\n[\s\S]*← injected/, 90_000);
      const influxUrl = /InfluxDB 1\.x: +(\S+) +\(data in (\S+)\)/.exec(output)!;
      const scorerUrl = /Scorer: +(\S+) .*\(log: (\S+)\/scorer\.log\)/.exec(output)!;
      expect((await fetch(`${scorerUrl[1]}/readyz`)).status).toBe(200);
      const started = descendants(demo.pid!);
      expect(started.length).toBeGreaterThanOrEqual(3); // influxd, the scorer's launcher and its node
      expect(output).toMatch(/Point an existing Grafana/);

      const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));
      demo.kill(signal);
      expect(await exited).toBe(0);
      expect(output).toMatch(
        new RegExp(`${signal}: stopping\\.\\.\\.\\nStopped scorer \\(pid \\d+\\) and influxd`),
      );
      expect(started.filter(alive)).toEqual([]);
      for (const url of [influxUrl[1]!, scorerUrl[1]!]) {
        await expect(fetch(url, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
      }
      expect(existsSync(influxUrl[2]!)).toBe(false);
      expect(existsSync(scorerUrl[2]!)).toBe(false);
    },
    120_000,
  );
});
