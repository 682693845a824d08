/**
 * Scores series files causally and writes NAB-style results (`timestamp,anomaly_score,anomaly`,
 * one row per data row). Through the CLI (`tidemark score --causal`, as users run it) or, for
 * quick tuning runs, in long-lived worker processes running the same engine call.
 */
import { execFile, fork } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { DetectorId } from '@tidemark/core';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');

export interface ScoreJob {
  input: string;
  output: string;
  detector: DetectorId;
  /** Where to write each ensemble member's own results, read from the same run (`--members`). */
  memberOutputs?: Partial<Record<DetectorId, string>>;
}

/**
 * CLI output (timestamp,value,expected,lower,upper,score,anomaly[,score_ID,anomaly_ID…]) → result
 * columns of the combined score, or of one member's (`member`).
 */
export function toResultCsv(cliCsv: string, member?: DetectorId): string {
  const lines = cliCsv.trim().split('\n');
  const header = lines[0]!.split(',');
  const suffix = member ? `_${member}` : '';
  const scoreColumn = header.indexOf(`score${suffix}`);
  const anomalyColumn = header.indexOf(`anomaly${suffix}`);
  if (scoreColumn < 0 || anomalyColumn < 0) throw new Error(`no score${suffix} column in the CLI output`);
  const out = ['timestamp,anomaly_score,anomaly'];
  for (let k = 1; k < lines.length; k++) {
    const cells = lines[k]!.split(',');
    const score = cells[scoreColumn] === '' ? 0 : Number(cells[scoreColumn]) / 100;
    out.push(`${cells[0]},${score},${cells[anomalyColumn] === '1' ? 1 : 0}`);
  }
  return `${out.join('\n')}\n`;
}

async function scoreWithCli(job: ScoreJob): Promise<void> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'scorer', 'cli', 'main.ts'),
      'score',
      '--input',
      job.input,
      '--detector',
      job.detector,
      '--causal',
      '--quiet',
      ...(job.memberOutputs ? ['--members'] : []),
    ],
    { maxBuffer: 1 << 30 },
  );
  writeResult(job.output, toResultCsv(stdout));
  for (const [member, output] of Object.entries(job.memberOutputs ?? {})) {
    writeResult(output, toResultCsv(stdout, member as DetectorId));
  }
}

export function writeResult(path: string, csv: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, csv);
}

/** Runs jobs `jobs` at a time, largest input first so the last ones finish together. */
export async function scoreFiles<Job extends ScoreJob>(
  jobs: Job[],
  options: { parallel: number; inProcess: boolean; onDone?: (job: Job, seconds: number) => void },
): Promise<void> {
  const size = new Map(jobs.map((job) => [job, statSync(job.input).size]));
  const queue = [...jobs].sort((a, b) => size.get(b)! - size.get(a)!);
  const lanes = Array.from({ length: Math.max(1, options.parallel) }, () =>
    options.inProcess ? workerLane() : { score: scoreWithCli, close: () => {} },
  );
  await Promise.all(
    lanes.map(async (lane) => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const started = Date.now();
        await lane.score(job);
        options.onDone?.(job, (Date.now() - started) / 1000);
      }
      lane.close();
    }),
  );
}

function workerLane() {
  const child = fork(join(__dirname, 'score-worker.ts'), [], { execArgv: ['--import', 'tsx'] });
  let pending: { resolve: () => void; reject: (e: Error) => void } | undefined;
  child.on('message', (message: { error?: string }) => {
    const waiting = pending;
    pending = undefined;
    if (message.error) waiting?.reject(new Error(message.error));
    else waiting?.resolve();
  });
  child.on('exit', (code) => pending?.reject(new Error(`score worker exited with ${code}`)));
  return {
    score: (job: ScoreJob) =>
      new Promise<void>((resolve, reject) => {
        pending = { resolve, reject };
        child.send(job);
      }),
    close: () => child.disconnect(),
  };
}
