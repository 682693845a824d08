/** Event-level precision and recall at the default flags (../shared/tools/event-score.mjs). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Corpus, folderOf, SHARED } from './corpora';

const run = promisify(execFile);

export interface EventCounts {
  windows: number;
  found: number;
  falseAlarms: number;
  flaggedRows: number;
  rows: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EventResult {
  all: EventCounts;
  perFile: Record<string, EventCounts>;
}

export async function eventScore(corpus: Corpus, resultsDir: string): Promise<EventResult> {
  const folders = [...new Set(corpus.files.map(folderOf))];
  const { stdout } = await run(
    process.execPath,
    [
      join(SHARED, 'tools', 'event-score.mjs'),
      '--results',
      resultsDir,
      '--data',
      corpus.dataDir,
      '--labels',
      corpus.labelsPath,
      '--files',
      folders.join(','),
      '--json',
    ],
    { maxBuffer: 1 << 28 },
  );
  const report = JSON.parse(stdout) as EventResult;
  return { all: report.all, perFile: report.perFile };
}

/** False alarms per 1,000 scored rows. */
export function falseAlarmRate(counts: EventCounts): number {
  return counts.rows === 0 ? 0 : (1000 * counts.falseAlarms) / counts.rows;
}
