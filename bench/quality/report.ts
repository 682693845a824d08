/** Writes docs/quality.md from an evaluation run; the hand-kept tuning log at its end is preserved. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_DETECTOR } from '@tidemark/core';
import type { CorpusRun } from '../eval';
import { folderOf } from './corpora';
import { type EventCounts, falseAlarmRate } from './events';
import type { NabResult } from './nab';

const LOG_HEADING = '## Tuning log';

/** Figures of other detectors on the same development files (standard profile), from issue 10. */
const ANCHORS: Record<string, string> = {
  nab: 'ARTime 67.1, Numenta HTM 61.3 (published)',
  mscloud: 'contextOSE 32.2 (NAB’s own code, run on these files)',
  kpi: 'contextOSE 16.1 where Tidemark scored 33.4, on 6 of the 15 series',
};

export interface FolderRun {
  corpus: string;
  folder: string;
  nab: NabResult;
}

export interface ReportInfo {
  wallSeconds: number;
  jobs: number;
  /** The machine's 5-minute load average when the run ended: other work slows the run. */
  loadAverage: number;
  folders: FolderRun[];
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
/** A member read from the ensemble's run has no time of its own (NaN, or null once saved as JSON). */
const secondsCell = (seconds: number | null) =>
  typeof seconds === 'number' && Number.isFinite(seconds) ? fmt(seconds, 0) : 'in the ensemble run';

export function renderQualityReport(runs: CorpusRun[], info: ReportInfo, log: string): string {
  const corpora = [...new Map(runs.map((r) => [r.corpus.id, r.corpus])).values()];
  const detectors = [...new Set(runs.map((r) => r.detector))];
  const nabRows = corpora.flatMap((c) =>
    detectors.map((d) => {
      const r = runs.find((x) => x.corpus.id === c.id && x.detector === d)!;
      const s = r.nab.scores;
      return `| ${c.title} | \`${d}\`${d === DEFAULT_DETECTOR ? ' (default)' : ''} | ${fmt(s.standard)} | ${fmt(s.reward_low_FP_rate)} | ${fmt(s.reward_low_FN_rate)} | ${fmt(100 * r.nab.threshold, 0)} | ${secondsCell(r.seconds)} |`;
    }),
  );
  const eventRows = corpora.flatMap((c) =>
    detectors.map((d) => {
      const r = runs.find((x) => x.corpus.id === c.id && x.detector === d)!;
      return `| ${c.title} | \`${d}\` | ${eventCells(r.events.all, c.files.length)} |`;
    }),
  );
  const defaults = runs.filter((r) => r.detector === DEFAULT_DETECTOR);
  const folderRows = defaults.flatMap((r) => {
    const folders = [...new Set(r.corpus.files.map(folderOf))];
    return folders.map((folder) => {
      const files = r.corpus.files.filter((f) => folderOf(f) === folder);
      const counts = sumEvents(files.map((f) => r.events.perFile[f]!));
      const nab =
        folders.length === 1
          ? r.nab
          : info.folders.find((x) => x.corpus === r.corpus.id && x.folder === folder)?.nab;
      return `| ${r.corpus.id} | ${folder} | ${files.length} | ${nab ? fmt(nab.scores.standard) : '–'} | ${eventCells(counts, files.length)} |`;
    });
  });
  const lossLines = defaults.flatMap((r) => {
    const worst = [...r.nab.files].sort((a, b) => b.lost - a.lost).slice(0, 5);
    return [
      `**${r.corpus.title}** (threshold ${fmt(100 * r.nab.threshold, 0)}):`,
      '',
      ...worst.map((f) => {
        const e = r.events.perFile[f.file]!;
        return `- \`${f.file}\`: ${fmt(f.lost, 2)} points lost; ${f.windowsDetected} of ${f.windows} windows detected, ${f.fp} false-positive rows; at the default flags ${e.found} of ${e.windows} found, ${e.falseAlarms} false alarms`;
      }),
      '',
    ];
  });
  return `# Detection quality

Measured on every development corpus in **causal mode**: each row is scored from the rows before
it only, exactly as a live feed is (\`tidemark score --causal\`, one process per file), with one set
of defaults for every series: nothing recognises a corpus or a file.

- \`../shared/nab-dev\`: NAB's development subset (18 files, 11 of them artificial, 25 windows).
- \`../shared/ops-dev\`, Microsoft cloud monitoring (60 series in 9 folders) and the AIOps 2018
  KPIs (15 series, 3.1M rows), scored as two corpora.

Two scorers read the same results:

- **NAB** (\`../shared/tools/nab-score.mjs\`): the 0–100 score divided by 100, one threshold swept
  per corpus and profile, normalised so 0 is a detector that never fires and 100 a perfect one.
- **At the default flags** (\`../shared/tools/event-score.mjs\`): what pages on-call. A labelled
  window is found when a flagged row (\`anomaly\`, score ≥ 70 at the default sensitivity) lies in it;
  every run of flagged rows touching no window is one false alarm. NAB's probationary first 15%
  of each file is not scored by either.

Reproduce with \`npm run eval\` (rewrites this file above the tuning log; this run took
${fmt(info.wallSeconds / 60)} minutes wall-clock with ${info.jobs} processes on the 2-core development machine, at a load
average of ${fmt(info.loadAverage)} from other work;
\`npm run eval -- --help\` lists the options). Each file is scored once, by the ensemble; the rows
of its members come from that same run (\`tidemark score --members\`, the same numbers as scoring
with the member alone, which a CLI test checks). The LSTM is one of those members: it forecasts
what the robust baseline leaves, and its refits start from the previous fit's weights.

## NAB scores

| corpus | detector | standard | reward low FP | reward low FN | threshold (standard) | seconds, summed over files |
|---|---|---|---|---|---|---|
${nabRows.join('\n')}

Anchors on the same files (standard profile): ${corpora.map((c) => `${c.id}: ${ANCHORS[c.id] ?? '–'}`).join('; ')}.

## At the default flags

| corpus | detector | windows | found | false alarms | precision | recall | F1 | false alarms per 1k rows | per file |
|---|---|---|---|---|---|---|---|---|---|
${eventRows.join('\n')}

## Per folder, default detector

NAB standard profile normalised on the folder alone (its own threshold sweep), and the default
flags.

| corpus | folder | files | NAB standard | windows | found | false alarms | precision | recall | F1 | false alarms per 1k rows | per file |
|---|---|---|---|---|---|---|---|---|---|---|---|
${folderRows.join('\n')}

## Kept-aside sets (measured on every landing, reported in issues; never read here)

| set | Tidemark (as last reported) | best published / reproduced on the same set |
|---|---|---|
| NAB's other 40 files, standard profile | 51.5 | ARTime 77.6, contextOSE 75.7, Numenta HTM 73.4, Skyline 64.7, KNN-CAD 61.9 |
| … AWS CloudWatch / traffic / tweets / ad exchange | 50.9 / 66.2 / 56.5 / 75.5 | contextOSE 72.1 / 91.2 / 74.5 / 72.8 |
| … the same 40 files at the default flags | P 0.23, R 0.65, 180 false alarms | – |
| spacecraft telemetry (81 series), default flags | P 0.36, R 0.48, F1 0.41 | LSTM-based: F1 0.73 (Orion, univariate) |

## Where the default loses most points

${lossLines.join('\n')}
${log}`;
}

function eventCells(e: EventCounts, files: number): string {
  return [
    e.windows,
    e.found,
    e.falseAlarms,
    fmt(e.precision, 2),
    fmt(e.recall, 2),
    fmt(e.f1, 2),
    fmt(falseAlarmRate(e), 2),
    fmt(e.falseAlarms / Math.max(1, files), 1),
  ].join(' | ');
}

export function sumEvents(parts: EventCounts[]): EventCounts {
  const total = { windows: 0, found: 0, falseAlarms: 0, flaggedRows: 0, rows: 0 };
  for (const p of parts) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += p[k];
  const precision = total.found + total.falseAlarms ? total.found / (total.found + total.falseAlarms) : 0;
  const recall = total.windows ? total.found / total.windows : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { ...total, precision, recall, f1 };
}

/** The hand-kept log below the generated part of an existing report (empty when there is none). */
export function keptLog(path: string): string {
  if (!existsSync(path)) return `\n${LOG_HEADING}\n`;
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(LOG_HEADING);
  return at < 0 ? `\n${LOG_HEADING}\n` : `\n${text.slice(at)}`;
}

export function writeQualityReport(path: string, runs: CorpusRun[], info: ReportInfo): void {
  writeFileSync(path, renderQualityReport(runs, info, keptLog(path)));
}
