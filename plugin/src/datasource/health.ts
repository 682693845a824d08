import type { TestDataSourceResponse } from '@grafana/data';
import type { ScorerClient } from './api';

const ok = (message: string): TestDataSourceResponse => ({ status: 'success', message });
const fail = (message: string): TestDataSourceResponse => ({ status: 'error', message });

/**
 * Three checks, each with its own message: the scorer answers at all, it accepts the token, and it
 * reaches InfluxDB. Grafana's proxy answers 502 when the scorer is unreachable and turns the scorer's
 * 401 into a 400, so both 400 and 401 read as a rejected token on an endpoint that takes no input.
 */
export async function checkHealth(client: ScorerClient): Promise<TestDataSourceResponse> {
  const health = await client.probe('/healthz');
  if (health.status !== 200) {
    return fail(
      health.status === 0 || health.status >= 500
        ? `Cannot reach the scorer (HTTP ${health.status || 'no answer'}). Check the scorer URL and that Grafana's server can reach it.`
        : `The scorer URL answers, but not like a Tidemark scorer (HTTP ${health.status} on /healthz). Check the URL.`,
    );
  }
  const auth = await client.probe('/api/v1/models');
  if (auth.status === 400 || auth.status === 401) {
    return fail(
      'The scorer rejected the token. Enter one of the scorer’s TIDEMARK_TOKENS, then Save & test again.',
    );
  }
  if (auth.status === 403) {
    return fail(`The token was accepted but this Grafana user may not read models: ${detailOf(auth.body)}`);
  }
  if (auth.status !== 200)
    return fail(
      `The scorer failed on an authenticated request (HTTP ${auth.status}): ${detailOf(auth.body)}`,
    );
  const ready = await client.probe('/readyz');
  if (ready.status !== 200) {
    return fail(`Scorer reachable and token accepted, but the scorer is not ready: ${detailOf(ready.body)}`);
  }
  return ok('Scorer reachable, token accepted, InfluxDB reachable.');
}

function detailOf(body: unknown): string {
  const problem = body as { title?: string; detail?: string } | undefined;
  return problem?.detail ?? problem?.title ?? 'no details';
}
