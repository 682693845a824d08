import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The repository root: the CLI runs as users run it, a real Node process from there. */
export const ROOT = resolve(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node …` to the end, collecting its output (stdin closed, so it is not a terminal). */
export function runNode(
  args: string[],
  { cwd = ROOT, env = {} }: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** `tidemark ARGS` from the sources (node + tsx), as `npm run tidemark` runs it. */
export const tidemark = (args: string[], env: Record<string, string> = {}) =>
  runNode(['--import', 'tsx', 'scorer/cli/main.ts', ...args], { env });
