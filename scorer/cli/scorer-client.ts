import { problemSchema } from '@tidemark/core';
import { RefusedError } from './exit-codes';

export interface ScorerTarget {
  url: string;
  token: string;
}

export const SCORER_OPTIONS_HELP = `  --url URL         the scorer (default: $TIDEMARK_URL, else http://localhost:8080)
  --token TOKEN     one of its TIDEMARK_TOKENS (default: $TIDEMARK_TOKEN; prefer the variable: flags show in ps)`;

export const scorerFlags = { url: { type: 'string' }, token: { type: 'string' } } as const;

export function scorerTarget(
  values: { url?: string; token?: string },
  env = process.env,
): ScorerTarget | string {
  const url = (values.url ?? env.TIDEMARK_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
  const token = values.token ?? env.TIDEMARK_TOKEN;
  if (!token)
    return "a token is needed: set TIDEMARK_TOKEN (or --token) to one of the scorer's TIDEMARK_TOKENS";
  return { url, token };
}

/** Calls the scorer's API; a RefusedError naming the problem for any answer but 2xx. */
export async function callScorer(
  target: ScorerTarget,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${target.token}`, ...init.headers },
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new RefusedError(`cannot reach the scorer at ${target.url}: ${cause}`);
  }
  if (response.ok) return response;
  const text = await response.text();
  const problem = problemSchema.safeParse(safeJson(text));
  const what = problem.success ? `${problem.data.title}: ${problem.data.detail}` : text.slice(0, 200);
  throw new RefusedError(
    `the scorer answered ${response.status} to ${init.method ?? 'GET'} ${path}: ${what}`,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
