/**
 * NAB evaluation: runs `tidemark score --causal` over the NAB dev set for each detector, scores
 * the results with ../shared/tools/nab-score.mjs (anomaly_score = score / 100) and writes
 * docs/quality.md. Usage: npm run eval:nab [-- --detectors ensemble,robust] [--in-process] [--no-docs]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { DETECTOR_IDS, type DetectorId } from '@tidemark/core';
import { scorePoints } from '@tidemark/core/engine';
import { parseSeriesCsv } from '../scorer/cli/csv';
import { writeQualityDoc } from './nab-report';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const SHARED = resolve(ROOT, '..', 'shared');

export interface ProfileScores {
  standard: number;
  reward_low_FP_rate: number;
  reward_low_FN_rate: number;
}

async function main() {
  const { values } = parseArgs({
    options: {
      detectors: { type: 'string', default: DETECTOR_IDS.join(',') },
      data: { type: 'string', default: join(SHARED, 'nab-dev', 'data') },
      'in-process': { type: 'boolean', default: false },
      'no-docs': { type: 'boolean', default: false },
      jobs: { type: 'string', default: '2' },
      keep: { type: 'string' },
    },
  });
  const detectors = values.detectors!.split(',') as DetectorId[];
  const files = listCsv(values.data!);
  const workDir = values.keep ?? mkdtempSync(join(tmpdir(), 'tidemark-nab-'));
  const results: Record<string, ProfileScores & { seconds: number }> = {};
  for (const detector of detectors) {
    const started = Date.now();
    const dir = join(workDir, detector);
    await mapLimit(files, Number(values.jobs), async (file) => {
      const csv = values['in-process']
        ? await scoreInProcess(join(values.data!, file), detector)
        : await scoreWithCli(join(values.data!, file), detector);
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), toNabResult(csv));
      process.stderr.write(`  ${detector} ${file}\n`);
    });
    const seconds = (Date.now() - started) / 1000;
    const report = await nabScore(dir, values.data!);
    writeFileSync(join(workDir, `${detector}.nab.json`), JSON.stringify(report, null, 2));
    results[detector] = { ...(report.scores as ProfileScores), seconds };
    process.stdout.write(`${detector}: ${JSON.stringify(results[detector])}\n`);
  }
  process.stdout.write(`results in ${workDir}\n`);
  if (!values['no-docs']) writeQualityDoc(join(ROOT, 'docs', 'quality.md'), results);
}

function listCsv(dataDir: string): string[] {
  return readdirSync(dataDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(dataDir, d.name))
        .filter((f) => f.endsWith('.csv'))
        .map((f) => `${d.name}/${f}`),
    )
    .sort();
}

async function scoreWithCli(input: string, detector: DetectorId): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'scorer', 'cli', 'main.ts'),
      'score',
      '--input',
      input,
      '--detector',
      detector,
      '--causal',
      '--quiet',
    ],
    { maxBuffer: 1 << 28 },
  );
  return stdout;
}

/** The same scores without a process per file (for quick tuning runs). */
async function scoreInProcess(input: string, detector: DetectorId): Promise<string> {
  const csv = parseSeriesCsv(readFileSync(input, 'utf8'));
  const result = await scorePoints(csv.points, { detector: { id: detector }, causal: true });
  const rows = ['timestamp,value,expected,lower,upper,score,anomaly'];
  csv.timestamps.forEach((t, k) => {
    const score = result.score[k]!;
    rows.push(`${t},,,,,${Number.isNaN(score) ? '' : score.toFixed(1)},`);
  });
  return rows.join('\n');
}

/** CLI output → NAB's result columns: timestamp,anomaly_score with the 0–100 score as 0–1. */
function toNabResult(cliCsv: string): string {
  const lines = cliCsv.trim().split('\n');
  const header = lines[0]!.split(',');
  const scoreColumn = header.indexOf('score');
  const out = ['timestamp,anomaly_score'];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const score = cells[scoreColumn] === '' ? 0 : Number(cells[scoreColumn]) / 100;
    out.push(`${cells[0]},${score}`);
  }
  return `${out.join('\n')}\n`;
}

async function nabScore(resultsDir: string, dataDir: string): Promise<{ scores: unknown }> {
  const { stdout } = await run(
    process.execPath,
    [
      join(SHARED, 'tools', 'nab-score.mjs'),
      '--results',
      resultsDir,
      '--data',
      dataDir,
      '--layout',
      'simple',
      '--compact',
    ],
    { maxBuffer: 1 << 28 },
  );
  return JSON.parse(stdout);
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
