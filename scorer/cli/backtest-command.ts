import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Backtest, BacktestRequest, ContinuousDetector } from '@tidemark/core';
import { RefusedError, UsageError } from './exit-codes';

export const BACKTEST_HELP = `Usage: tidemark backtest (--file BODY.json | --detector ID --from TIME --to TIME) [options]

Runs a backtest on a running scorer (POST /api/v1/backtests): a detector definition scored over a
past range as the continuous detector would have, writing nothing. Progress goes to standard
error, the result (JSON) to standard output. Ctrl-C cancels the backtest.

Options:
  --url URL          the scorer (default: $TIDEMARK_URL, else http://localhost:8080)
  --token TOKEN      one of its TIDEMARK_TOKENS (default: $TIDEMARK_TOKEN)
  --file FILE        the request body: { "definition": {...}, "range": { "from", "to" } }
  --detector ID      backtest this continuous detector's current definition instead
  --from, --to TIME  the range for --detector: epoch ms or ISO-8601
  --sensitivity S    with --detector: low, medium or high instead of its own
  --threshold N      with --detector: flag at this score (1-100) instead of its own
  --points           also answer every scored point
  --quiet            no progress on standard error
  --help             this text

Exit codes: 0 done, 2 bad usage, 3 the scorer refused the request, 1 the backtest failed or was cancelled.`;

const POLL_MS = 500;
const STATE_FIELDS = [
  'provisioned',
  'status',
  'scoredUntil',
  'lastRunAt',
  'lastError',
  'latePoints',
  'skipped',
];
const instant = (text: string) => (/^\d+$/.test(text) ? Number(text) : text);

export async function backtestCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      file: { type: 'string' },
      detector: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      sensitivity: { type: 'string' },
      threshold: { type: 'string' },
      points: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${BACKTEST_HELP}\n`);
    return 0;
  }
  const token = values.token ?? process.env.TIDEMARK_TOKEN;
  if (!token)
    throw new UsageError('--token (or TIDEMARK_TOKEN) is required: one of the scorer’s TIDEMARK_TOKENS');
  const api = scorerApi(
    (values.url ?? process.env.TIDEMARK_URL ?? 'http://localhost:8080').replace(/\/+$/, ''),
    token,
  );
  const progress = values.quiet ? () => {} : (text: string) => process.stderr.write(`${text}\n`);

  const body = values.file ? readBody(values.file) : await detectorBody(api, values);
  if (values.points) body.includePoints = true;
  const started = await api<Backtest>('POST', '/api/v1/backtests', body);
  progress(`backtest ${started.id}: started`);
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  try {
    let last = '';
    for (;;) {
      if (controller.signal.aborted) {
        await api('POST', `/api/v1/backtests/${started.id}/cancel`);
        progress(`backtest ${started.id}: cancelled`);
        return 1;
      }
      const backtest = await api<Backtest>('GET', `/api/v1/backtests/${started.id}`);
      const line = `backtest ${backtest.id}: ${Math.round(backtest.progress * 100)}% ${backtest.message}`;
      if (line !== last) progress(line);
      last = line;
      if (backtest.status === 'succeeded') {
        process.stdout.write(`${JSON.stringify(backtest.result, null, 2)}\n`);
        return 0;
      }
      if (backtest.status === 'failed' || backtest.status === 'cancelled') {
        process.stderr.write(`tidemark: backtest ${backtest.id} ${backtest.status}: ${backtest.message}\n`);
        return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    process.off('SIGINT', cancel);
  }
}

type Api = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

function scorerApi(url: string, token: string): Api {
  return async (method, path, body) => {
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new Error(`cannot reach the scorer at ${url}: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let detail = text.slice(0, 500);
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
      } catch {}
      throw new RefusedError(`${method} ${path}: ${response.status} ${detail}`);
    }
    return JSON.parse(text);
  };
}

function readBody(file: string): BacktestRequest {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BacktestRequest;
  } catch (error) {
    throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
  }
}

/** The detector's definition (its run state left out), with the parameters the flags override. */
async function detectorBody(
  api: Api,
  values: { detector?: string; from?: string; to?: string; sensitivity?: string; threshold?: string },
): Promise<BacktestRequest> {
  if (!values.detector) throw new UsageError('give --file BODY.json, or --detector ID with --from and --to');
  if (!values.from || !values.to)
    throw new UsageError('--detector needs --from and --to (epoch ms or ISO-8601)');
  const detector = await api<ContinuousDetector>(
    'GET',
    `/api/v1/detectors/${encodeURIComponent(values.detector)}`,
  );
  const definition = Object.fromEntries(
    Object.entries(detector).filter(([key]) => !STATE_FIELDS.includes(key)),
  ) as unknown as BacktestRequest['definition'];
  const params = { ...definition.detector?.params };
  if (values.sensitivity) {
    params.sensitivity = values.sensitivity as NonNullable<typeof params.sensitivity>;
    delete params.threshold;
  }
  if (values.threshold) params.threshold = Number(values.threshold);
  return {
    definition: { ...definition, detector: { id: definition.detector?.id ?? 'ensemble', params } },
    range: { from: instant(values.from), to: instant(values.to) },
  };
}
