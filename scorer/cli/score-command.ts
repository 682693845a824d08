import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  EngineInputError,
  inferIntervalMs,
  type SlotScores,
  scorePoints,
  type TrainedModel,
} from '@tidemark/core/engine';
import type { SeriesCsv } from './csv';
import { parseTimestamp } from './csv';
import { DETECTOR_OPTIONS_HELP, detectorFlags, detectorParamsOf, parseDetector } from './detector-options';
import { ExitCode, UsageError } from './exit-codes';
import { InputFileError, readSeriesCsv } from './input-file';
import { readModelFile } from './model-file';
import { stderrProgress } from './progress';

export const SCORE_HELP = `Usage: tidemark score --input FILE.csv [--model FILE.tdm] [--detector ID] [--causal] [--members] [--output FILE.csv]

Scores a timestamp,value CSV (NAB's format) and writes
timestamp,value,expected,lower,upper,score,anomaly, one row per input row, in input order.
Without --model the detector learns from the file itself; with --model (from tidemark train or
tidemark models export) it scores with that trained model and learns nothing.

Options:
  --input FILE      CSV with a header naming "timestamp" and "value" (required)
  --model FILE      score with this trained model (its detector and interval; no fitting)
${DETECTOR_OPTIONS_HELP}
  --causal          score every row from the rows before it only, in file order (as a live feed)
  --from TIME       with --model: rows before TIME are only lookback (read, not scored)
  --members         also write each member's own score and flag (score_ID,anomaly_ID columns per
                    member of the ensemble): the same numbers as scoring with that detector alone
  --output FILE     where to write the result (default: standard output)
  --quiet           no progress on standard error
  --help            this text

Exit codes: 0 done, 2 bad usage, 3 bad input file, 1 anything else.`;

export async function scoreCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      model: { type: 'string' },
      ...detectorFlags,
      causal: { type: 'boolean', default: false },
      members: { type: 'boolean', default: false },
      from: { type: 'string' },
      output: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${SCORE_HELP}\n`);
    return ExitCode.Ok;
  }
  if (!values.input) throw new UsageError('--input FILE.csv is required');
  const detector = values.detector === undefined ? undefined : parseDetector(values.detector);
  const params = detectorParamsOf(values);
  if (values.from !== undefined && !values.model) throw new UsageError('--from needs --model FILE.tdm');
  const scoreFrom = values.from === undefined ? undefined : parseFrom(values.from);
  const progress = stderrProgress(values.quiet);
  const model = values.model ? readModelFile(values.model) : undefined;
  if (model && detector && detector !== model.detector) {
    throw new InputFileError(
      `${values.model} is a ${model.detector} model; it cannot score as ${detector}: leave out --detector, or train a ${detector} model`,
    );
  }
  const csv = readSeriesCsv(values.input);
  if (model) checkInterval(model, csv, values.input);
  const started = Date.now();
  const id = model?.detector ?? detector ?? 'ensemble';
  const how = [model ? `model ${values.model}` : '', values.causal ? 'causal' : ''].filter(Boolean);
  progress.line(`scoring ${csv.points.length} rows with ${id}${how.length ? ` (${how.join(', ')})` : ''}…`);
  const result = await scorePoints(csv.points, {
    detector: { id, params: { ...(model?.params ?? {}), ...params } },
    causal: values.causal,
    ...(model ? { model, intervalMs: model.intervalMs } : {}),
    ...(scoreFrom === undefined ? {} : { scoreFrom }),
    onProgress: (p) => progress.epoch(p),
  });
  const output = scoredCsv(csv, result, values.members);
  if (values.output) writeFileSync(values.output, output);
  else process.stdout.write(output);
  const flagged = result.anomaly.reduce((sum, a) => sum + a, 0);
  progress.line(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${flagged} anomalous points`);
  return ExitCode.Ok;
}

/** One row per input row, in input order; with `members`, each member's score and flag after. */
function scoredCsv(csv: SeriesCsv, result: SlotScores, members = false): string {
  const extra = members ? result.memberScores : [];
  const header = ['timestamp,value,expected,lower,upper,score,anomaly'];
  for (const { detector } of extra) header.push(`score_${detector},anomaly_${detector}`);
  const rows = [header.join(',')];
  csv.points.forEach((_, k) => {
    const slot = result.series.slotOfPoint[k]!;
    const cells = [
      csv.timestamps[k],
      csv.valueTexts[k],
      number(result.expected[slot]!),
      number(result.lower[slot]!),
      number(result.upper[slot]!),
      scoreText(result.score[slot]!),
      result.anomaly[slot],
    ];
    for (const { score } of extra)
      cells.push(scoreText(score[slot]!), score[slot]! >= result.threshold ? 1 : 0);
    rows.push(cells.join(','));
  });
  return `${rows.join('\n')}\n`;
}

function scoreText(score: number): string {
  return Number.isNaN(score) ? '' : score.toFixed(1);
}

/** A model scores the steps it was trained on; the CSV's rows must be that far apart. */
function checkInterval(model: TrainedModel, csv: SeriesCsv, path: string): void {
  if (csv.points.length < 2) return;
  const step = inferIntervalMs(csv.points.map(([t]) => t));
  if (step === model.intervalMs) return;
  throw new EngineInputError(
    `${path} has rows ${seconds(step)} apart, but the model was trained on ${seconds(model.intervalMs)} steps: score data at the model's interval, or train a model on data like this`,
  );
}

function parseFrom(text: string): number {
  const time = parseTimestamp(text);
  if (time === null)
    throw new UsageError(
      `--from must be a time (YYYY-MM-DD HH:MM:SS, ISO 8601 or epoch seconds), got "${text}"`,
    );
  return time;
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

function number(value: number): string {
  return Number.isNaN(value) ? '' : String(Number(value.toPrecision(7)));
}
