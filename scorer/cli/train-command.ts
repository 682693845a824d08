import { parseArgs } from 'node:util';
import { trainModel } from '@tidemark/core/engine';
import { DETECTOR_OPTIONS_HELP, detectorFlags, detectorParamsOf, parseDetector } from './detector-options';
import { ExitCode, UsageError } from './exit-codes';
import { readSeriesCsv } from './input-file';
import { writeModelFile } from './model-file';
import { stderrProgress } from './progress';

export const TRAIN_HELP = `Usage: tidemark train --input FILE.csv --model FILE.tdm [--detector ID] [--sensitivity S]

Learns what is normal from a timestamp,value CSV (NAB's format) and writes the trained model:
the same versioned file the scorer stores (tidemark models import puts it into a scorer).
Score new data with it: tidemark score --model FILE.tdm --input new.csv.

Options:
  --input FILE      CSV with a header naming "timestamp" and "value" (required)
  --model FILE      where to write the model (required; by convention .tdm)
${DETECTOR_OPTIONS_HELP}
  --quiet           no progress on standard error (epochs, loss and time left for the LSTM)
  --help            this text

Exit codes: 0 done, 2 bad usage, 3 bad input file, 1 anything else.`;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      model: { type: 'string' },
      ...detectorFlags,
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${TRAIN_HELP}\n`);
    return ExitCode.Ok;
  }
  if (!values.input) throw new UsageError('--input FILE.csv is required');
  if (!values.model) throw new UsageError('--model FILE.tdm is required (where to write the model)');
  const detector = parseDetector(values.detector ?? 'ensemble');
  const params = detectorParamsOf(values);
  const progress = stderrProgress(values.quiet);
  const csv = readSeriesCsv(values.input);
  const started = Date.now();
  progress.line(`training ${detector} on ${csv.points.length} rows…`);
  const model = await trainModel(csv.points, {
    detector: { id: detector, params },
    seed: 1,
    onProgress: (p) => progress.epoch(p),
  });
  writeModelFile(values.model, model);
  const period = model.period === null ? 'no season' : `season ${model.period} steps`;
  progress.line(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${values.model} (${detector}, ${model.trainedPoints} points, ${model.intervalMs / 1000} s steps, ${period})`,
  );
  return ExitCode.Ok;
}
