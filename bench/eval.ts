/**
 * Detection quality on every development corpus: scores each series causally with each detector
 * (through `tidemark score --causal`, or `--in-process` for quick tuning runs), then NAB's scorer
 * (three profiles, threshold swept per corpus) and event-level precision/recall at the default
 * flags. Writes docs/quality.md unless --no-docs.
 *
 *   npm run eval [-- --detectors ensemble,robust] [--corpora nab,mscloud,kpi] [--in-process]
 *                [--jobs 2] [--keep DIR] [--no-docs] [--shared DIR (default ../shared)]
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DETECTOR, type DetectorId } from '@tidemark/core';
import { membersOf } from '@tidemark/core/engine';
import { type Corpus, developmentCorpora, folderOf } from './quality/corpora';
import { type EventResult, eventScore, falseAlarmRate } from './quality/events';
import { type NabResult, nabScore } from './quality/nab';
import { type FolderRun, writeQualityReport } from './quality/report';
import { scoreFiles } from './quality/score-files';

const ROOT = resolve(__dirname, '..');
const USAGE = `Usage: npm run eval -- [options]

Scores every development corpus causally and writes docs/quality.md.

  --detectors LIST  detectors to run (default ensemble,robust,isolation-forest,pattern,lstm); the
                    ensemble's members come from the ensemble's run (the same numbers as alone)
  --corpora LIST    nab, mscloud, kpi (default: all)
  --in-process      score in worker processes instead of one CLI process per file (same numbers, faster)
  --jobs N          files scored at once (default 2)
  --keep DIR        keep the results there (default: a temp folder)
  --shared DIR      where nab-dev, ops-dev and tools are (default ../shared)
  --no-docs         print the figures only
  --report DIR      rewrite docs/quality.md from the results kept in DIR (--keep), scoring nothing`;
export const EVAL_DETECTORS: DetectorId[] = ['ensemble', 'robust', 'isolation-forest', 'pattern', 'lstm'];

export interface CorpusRun {
  corpus: Corpus;
  detector: DetectorId;
  nab: NabResult;
  events: EventResult;
  /** Summed over files; NaN for a member read from the ensemble's run. */
  seconds: number;
}

async function main() {
  const { values } = parseArgs({
    options: {
      detectors: { type: 'string', default: EVAL_DETECTORS.join(',') },
      corpora: { type: 'string' },
      'in-process': { type: 'boolean', default: false },
      'no-docs': { type: 'boolean', default: false },
      jobs: { type: 'string', default: '2' },
      keep: { type: 'string' },
      shared: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.report) {
    const { runs, meta } = JSON.parse(readFileSync(join(values.report, 'runs.json'), 'utf8')) as SavedRun;
    const folders = await folderScores(runs, values.report);
    writeQualityReport(join(ROOT, 'docs', 'quality.md'), runs, { ...meta, folders });
    process.stdout.write(`docs/quality.md rewritten from ${values.report}\n`);
    return;
  }
  const detectors = values.detectors!.split(',') as DetectorId[];
  const wanted = values.corpora?.split(',');
  const corpora = developmentCorpora(values.shared ? resolve(values.shared) : undefined).filter(
    (c) => !wanted || wanted.includes(c.id),
  );
  const workDir = values.keep ?? mkdtempSync(join(tmpdir(), 'tidemark-eval-'));
  const started = Date.now();
  const runs: CorpusRun[] = [];
  const ensembleMembers = detectors.includes('ensemble')
    ? membersOf('ensemble').map((m) => m.entry.id as DetectorId)
    : [];
  const fromEnsemble = detectors.filter((d) => ensembleMembers.includes(d));
  for (const detector of detectors.filter((d) => !fromEnsemble.includes(d))) {
    const seconds = new Map<string, number>();
    const output = (d: DetectorId, corpus: Corpus, file: string) => join(workDir, d, corpus.id, file);
    const jobs = corpora.flatMap((corpus) =>
      corpus.files.map((file) => ({
        input: join(corpus.dataDir, file),
        output: output(detector, corpus, file),
        detector,
        corpus: corpus.id,
        ...(detector === 'ensemble' && fromEnsemble.length > 0
          ? { memberOutputs: Object.fromEntries(fromEnsemble.map((d) => [d, output(d, corpus, file)])) }
          : {}),
      })),
    );
    await scoreFiles(jobs, {
      parallel: Number(values.jobs),
      inProcess: values['in-process']!,
      onDone: (job, s) => seconds.set(job.corpus, (seconds.get(job.corpus) ?? 0) + s),
    });
    for (const scored of detector === 'ensemble' ? [detector, ...fromEnsemble] : [detector]) {
      for (const corpus of corpora) {
        const dir = join(workDir, scored, corpus.id);
        const [nab, events] = await Promise.all([nabScore(corpus, dir), eventScore(corpus, dir)]);
        const time = scored === detector ? (seconds.get(corpus.id) ?? 0) : Number.NaN;
        const result = { corpus, detector: scored, nab, events, seconds: time };
        runs.push(result);
        process.stdout.write(`${summaryLine(result)}\n`);
      }
    }
  }
  const folders = await folderScores(runs, workDir);
  const meta = {
    wallSeconds: (Date.now() - started) / 1000,
    jobs: Number(values.jobs),
    loadAverage: loadavg()[1]!,
  };
  writeFileSync(join(workDir, 'runs.json'), JSON.stringify({ runs, meta } satisfies SavedRun, null, 1));
  process.stdout.write(`results in ${workDir}; ${meta.wallSeconds.toFixed(0)} s\n`);
  if (!values['no-docs']) writeQualityReport(join(ROOT, 'docs', 'quality.md'), runs, { ...meta, folders });
}

interface SavedRun {
  runs: CorpusRun[];
  meta: { wallSeconds: number; jobs: number; loadAverage: number };
}

/** NAB normalised on each folder alone, for the default detector of corpora with several folders. */
async function folderScores(runs: CorpusRun[], workDir: string): Promise<FolderRun[]> {
  const out: FolderRun[] = [];
  for (const run of runs.filter((r) => r.detector === DEFAULT_DETECTOR)) {
    const folders = [...new Set(run.corpus.files.map(folderOf))];
    if (folders.length < 2) continue;
    for (const folder of folders) {
      const files = run.corpus.files.filter((f) => folderOf(f) === folder);
      const corpus = { ...run.corpus, files };
      const nab = await nabScore(corpus, join(workDir, run.detector, run.corpus.id));
      if (Number.isFinite(nab.scores.standard)) out.push({ corpus: run.corpus.id, folder, nab });
    }
  }
  return out;
}

function summaryLine(r: CorpusRun): string {
  const e = r.events.all;
  const s = r.nab.scores;
  return [
    `${r.detector.padEnd(17)} ${r.corpus.id.padEnd(8)}`,
    `std ${s.standard.toFixed(1).padStart(5)} lowFP ${s.reward_low_FP_rate.toFixed(1).padStart(6)} lowFN ${s.reward_low_FN_rate.toFixed(1).padStart(5)}`,
    `| P ${e.precision.toFixed(2)} R ${e.recall.toFixed(2)} found ${e.found}/${e.windows} FA ${e.falseAlarms} (${falseAlarmRate(e).toFixed(2)}/1k)`,
    Number.isNaN(r.seconds) ? '| in the ensemble run' : `| ${r.seconds.toFixed(0)} s`,
  ].join(' ');
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
