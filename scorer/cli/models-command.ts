import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type ImportModelRequest, type ModelSummary, recordIdSchema } from '@tidemark/core';
import { decodeModel } from '@tidemark/core/engine';
import { ExitCode, UsageError } from './exit-codes';
import { InputFileError } from './input-file';
import { readModelFile } from './model-file';
import { callScorer, SCORER_OPTIONS_HELP, scorerFlags, scorerTarget } from './scorer-client';

export const MODELS_HELP = `Usage: tidemark models export ID --out FILE.tdm [--version N] [--url URL] [--token TOKEN]
       tidemark models import FILE.tdm --database DB --measurement M --field F
                              [--where KEY=VALUE]... [--group KEY=VALUE]... [--name NAME] [--url URL] [--token TOKEN]

Moves a trained model between a running scorer and a model file (the file tidemark train writes
and tidemark score --model reads).

  export   writes the scorer's model ID (its current version, or --version N) to --out
  import   stores the file in the scorer as the model of one series: the InfluxDB query's
           --database, --measurement, --field, its tag filters (--where host=a) and, for a query
           grouped by tags, the series' group-by values (--group host=a). Scoring that series
           then uses it. Needs the Editor role (TOKEN_ONLY_ROLE=Editor for a token alone).

Options:
${SCORER_OPTIONS_HELP}
  --retention-policy RP, --aggregation A   the rest of the query (import)
  --name NAME       display name in the scorer's listings (import; default the series' name)
  --quiet           nothing on standard error
  --help            this text

Prints the model's id on standard output. Exit codes: 0 done, 2 bad usage, 3 a bad model file
or the scorer refused (its answer is printed) or could not be reached, 1 anything else.`;

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...scorerFlags,
      out: { type: 'string' },
      version: { type: 'string' },
      database: { type: 'string' },
      measurement: { type: 'string' },
      field: { type: 'string' },
      'retention-policy': { type: 'string' },
      aggregation: { type: 'string' },
      where: { type: 'string', multiple: true },
      group: { type: 'string', multiple: true },
      name: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${MODELS_HELP}\n`);
    return ExitCode.Ok;
  }
  const [action, subject, ...extra] = positionals;
  if (action !== 'export' && action !== 'import')
    throw new UsageError(
      action ? `unknown models action "${action}": use export or import` : 'say export or import',
    );
  if (!subject)
    throw new UsageError(
      action === 'export' ? 'name the model: models export ID' : 'name the file: models import FILE.tdm',
    );
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const target = scorerTarget(values);
  if (typeof target === 'string') throw new UsageError(target);
  const say = values.quiet ? () => {} : (text: string) => process.stderr.write(`${text}\n`);

  if (action === 'export') {
    if (!recordIdSchema.safeParse(subject).success) throw new UsageError(`"${subject}" is not a model id`);
    if (!values.out) throw new UsageError('--out FILE.tdm is required (where to write the model)');
    if (values.version !== undefined && !/^[1-9]\d*$/.test(values.version))
      throw new UsageError(`--version must be a version number, got "${values.version}"`);
    const query = values.version === undefined ? '' : `?version=${values.version}`;
    const response = await callScorer(target, `/api/v1/models/${subject}/file${query}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const model = decodeModel(bytes); // the scorer's own format: anything else is a bug worth hearing of
    writeOut(values.out, bytes);
    say(
      `wrote ${values.out}: ${model.detector} model, ${model.trainedPoints} points, ${model.intervalMs / 1000} s steps`,
    );
    process.stdout.write(`${subject}\n`);
    return ExitCode.Ok;
  }

  const model = readModelFile(subject); // a corrupt, foreign or too new file stops here (exit 3)
  const body: ImportModelRequest = {
    query: {
      database: required(values.database, '--database'),
      measurement: required(values.measurement, '--measurement'),
      field: required(values.field, '--field'),
      ...(values['retention-policy'] ? { retentionPolicy: values['retention-policy'] } : {}),
      ...(values.aggregation ? { aggregation: values.aggregation as never } : {}),
      tags: (values.where ?? []).map((pair) => {
        const [key, value] = keyValue(pair, '--where');
        return { key, value };
      }),
      groupBy: (values.group ?? []).map((pair) => keyValue(pair, '--group')[0]),
    },
    tags: Object.fromEntries((values.group ?? []).map((pair) => keyValue(pair, '--group'))),
    ...(values.name ? { name: values.name } : {}),
    model: JSON.parse(readFileSync(subject, 'utf8')) as Record<string, unknown>,
  };
  const response = await callScorer(target, '/api/v1/models/file', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const summary = (await response.json()) as ModelSummary;
  say(`stored ${subject} (${model.detector}) as ${summary.id} version ${summary.version}: ${summary.series}`);
  process.stdout.write(`${summary.id}\n`);
  return ExitCode.Ok;
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required: import stores the model for one series of a query`);
  return value;
}

function keyValue(pair: string, flag: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new UsageError(`${flag} takes KEY=VALUE, got "${pair}"`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

function writeOut(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (error) {
    throw new InputFileError(`cannot write ${path}: ${(error as Error).message}`);
  }
}
