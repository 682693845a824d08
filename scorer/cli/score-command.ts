import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DETECTOR_IDS, type DetectorId, detectorIdSchema } from '@tidemark/core';
import { EngineInputError, scorePoints } from '@tidemark/core/engine';
import { CsvError, parseSeriesCsv } from './csv';
import { ExitCode, RefusedError, UsageError } from './exit-codes';

export const SCORE_HELP = `Usage: tidemark score --input FILE.csv [--detector ID] [--causal] [--output FILE.csv]

Scores a timestamp,value CSV (NAB's format) and writes
timestamp,value,expected,lower,upper,score,anomaly, one row per input row, in input order.

Options:
  --input FILE      CSV with a header naming "timestamp" and "value" (required)
  --detector ID     ${DETECTOR_IDS.join(', ')} (default: ensemble)
  --causal          score every row from the rows before it only, in file order (as a live feed)
  --threshold N     score (1-100) at or above which a row is flagged (default: 70)
  --output FILE     where to write the result (default: standard output)
  --quiet           no progress on standard error
  --help            this text

Exit codes: 0 done, 2 bad usage, 3 bad input file, 1 anything else.`;

export async function scoreCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      detector: { type: 'string', default: 'ensemble' },
      causal: { type: 'boolean', default: false },
      threshold: { type: 'string' },
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
  const detector = parseDetector(values.detector!);
  const threshold = values.threshold === undefined ? undefined : parseThreshold(values.threshold);
  const progress = values.quiet ? () => {} : (text: string) => process.stderr.write(`${text}\n`);

  let text: string;
  try {
    text = readFileSync(values.input, 'utf8');
  } catch (error) {
    throw new InputFileError(`cannot read ${values.input}: ${(error as Error).message}`);
  }
  const csv = parseSeriesCsv(text);
  const started = Date.now();
  progress(`scoring ${csv.points.length} rows with ${detector}${values.causal ? ' (causal)' : ''}…`);
  const result = await scorePoints(csv.points, {
    detector: { id: detector, params: threshold === undefined ? {} : { threshold } },
    causal: values.causal,
    onProgress: (p) =>
      progress(
        `  ${p.detector}: epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}, ~${Math.ceil(p.etaMs / 1000)} s left`,
      ),
  });
  const rows = ['timestamp,value,expected,lower,upper,score,anomaly'];
  csv.points.forEach((_, k) => {
    const slot = result.series.slotOfPoint[k]!;
    rows.push(
      [
        csv.timestamps[k],
        csv.valueTexts[k],
        number(result.expected[slot]!),
        number(result.lower[slot]!),
        number(result.upper[slot]!),
        Number.isNaN(result.score[slot]!) ? '' : result.score[slot]!.toFixed(1),
        result.anomaly[slot],
      ].join(','),
    );
  });
  const output = `${rows.join('\n')}\n`;
  if (values.output) writeFileSync(values.output, output);
  else process.stdout.write(output);
  const flagged = result.anomaly.reduce((sum, a) => sum + a, 0);
  progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${flagged} anomalous points`);
  return ExitCode.Ok;
}

/** A problem with the input file's content or access (exit code 3). */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || isParseArgsError(error)) return ExitCode.Usage;
  if (
    error instanceof CsvError ||
    error instanceof InputFileError ||
    error instanceof EngineInputError ||
    error instanceof RefusedError
  ) {
    return ExitCode.BadInput;
  }
  return ExitCode.Failure;
}

/** node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for bad flags. */
export function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

function parseDetector(text: string): DetectorId {
  const parsed = detectorIdSchema.safeParse(text);
  if (!parsed.success)
    throw new UsageError(`unknown detector "${text}": use one of ${DETECTOR_IDS.join(', ')}`);
  return parsed.data;
}

function parseThreshold(text: string): number {
  const n = Number(text);
  if (!(n >= 1 && n <= 100))
    throw new UsageError(`--threshold must be a number from 1 to 100, got "${text}"`);
  return n;
}

function number(value: number): string {
  return Number.isNaN(value) ? '' : String(Number(value.toPrecision(7)));
}
