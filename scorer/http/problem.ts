import type { Problem } from '@tidemark/core';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { OrgAccessError } from '../access/org-access';
import { RedisUnavailableError } from '../cluster/errors';
import { InfluxError } from '../influx/errors';
import { StorageFullError } from '../store/files';

/** RFC 9457 problem details: every error the scorer answers with. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types, documented in docs/api.md under the same names. */
export type ProblemSlug =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'limit-exceeded'
  | 'too-many-trainings'
  | 'unscorable'
  | 'bad-model'
  | 'read-only'
  | 'insufficient-storage'
  | 'org-access'
  | 'influxdb-bad-query'
  | 'influxdb-not-found'
  | 'influxdb-forbidden'
  | 'influxdb-unavailable'
  | 'influxdb-credentials'
  | 'grafana-unavailable'
  | 'redis-unavailable'
  | 'ui-not-built'
  | 'internal';

export interface ProblemInit {
  status: ContentfulStatusCode;
  slug: ProblemSlug;
  title: string;
  /** What was wrong and how to fix it, in a sentence or two. */
  detail: string;
  errors?: Array<{ path: string; message: string }>;
  headers?: Record<string, string>;
}

export function problemType(slug: ProblemSlug): string {
  return `urn:tidemark:problem:${slug}`;
}

export function problemBody(init: ProblemInit, instance?: string): Problem {
  return {
    type: problemType(init.slug),
    title: init.title,
    status: init.status,
    detail: init.detail,
    ...(instance ? { instance } : {}),
    ...(init.errors ? { errors: init.errors } : {}),
  };
}

export function problemResponse(init: ProblemInit, instance?: string): Response {
  return new Response(JSON.stringify(problemBody(init, instance)), {
    status: init.status,
    headers: { ...init.headers, 'content-type': PROBLEM_CONTENT_TYPE },
  });
}

/** Thrown anywhere in a request; Hono (and our `onError`) answer with its problem+json response. */
export class ProblemError extends HTTPException {
  constructor(readonly problem: ProblemInit) {
    super(problem.status, { message: problem.detail });
  }

  override getResponse(): Response {
    return problemResponse(this.problem);
  }
}

/** `a.b[0].c` from a zod issue path. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** A 400 listing every zod issue; `where` says what was validated, e.g. "the request body". */
export function validationProblem(error: z.ZodError, where: string): ProblemInit {
  const errors = error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message }));
  const first = errors[0];
  const summary = first ? `${first.path}: ${first.message}` : 'invalid';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more, listed in \`errors\`)` : '';
  return {
    status: 400,
    slug: 'validation',
    title: 'Invalid request',
    detail: `${where} is not valid: ${summary}${more}. Fix the listed fields and send it again.`,
    errors,
  };
}

const INFLUX_PROBLEMS: Record<InfluxError['kind'], Pick<ProblemInit, 'slug' | 'title'> & { fix: string }> = {
  'bad-query': {
    slug: 'influxdb-bad-query',
    title: 'InfluxDB rejected the query',
    fix: 'Check the names and types in the query.',
  },
  'bad-write': {
    slug: 'influxdb-bad-query',
    title: 'InfluxDB rejected the write',
    fix: 'Check the points written.',
  },
  'not-found': {
    slug: 'influxdb-not-found',
    title: 'Not found in InfluxDB',
    fix: 'Check the database (or DBRP-mapped bucket) and retention policy names.',
  },
  forbidden: {
    slug: 'influxdb-forbidden',
    title: 'InfluxDB refused access',
    fix: "Grant the scorer's InfluxDB user read access to that database, or pick another.",
  },
  auth: {
    slug: 'influxdb-credentials',
    title: "InfluxDB rejected the scorer's credentials",
    fix: 'An administrator must fix the scorer configuration.',
  },
  unavailable: { slug: 'influxdb-unavailable', title: 'InfluxDB unavailable', fix: 'Try again shortly.' },
  timeout: {
    slug: 'influxdb-unavailable',
    title: 'InfluxDB timed out',
    fix: 'Try a shorter time range or a larger interval, or try again shortly.',
  },
};

export function influxProblem(error: InfluxError): ProblemInit {
  const { slug, title, fix } = INFLUX_PROBLEMS[error.kind];
  return {
    status: error.status as ContentfulStatusCode,
    slug,
    title,
    detail: `${error.message}. ${fix}`,
    ...(error.retryable ? { headers: { 'retry-after': '5' } } : {}),
  };
}

/** The problem for a known error, or null for anything unexpected (answered as a generic 500). */
export function knownProblem(error: unknown): ProblemInit | null {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof InfluxError) return influxProblem(error);
  if (error instanceof StorageFullError) return INSUFFICIENT_STORAGE_PROBLEM;
  if (error instanceof RedisUnavailableError) return redisUnavailableProblem(error);
  if (error instanceof OrgAccessError) {
    return { status: 403, slug: 'org-access', title: 'Not allowed for this org', detail: error.message };
  }
  // The engine's input errors say what was wrong with the data (matched by name: importing the
  // engine here would load TensorFlow.js for every error path).
  if (error instanceof Error && error.name === 'EngineInputError') {
    return { status: 422, slug: 'unscorable', title: 'Cannot score this data', detail: error.message };
  }
  if (error instanceof HTTPException) {
    // Hono's own: malformed JSON or form bodies from its validator, mostly.
    const malformed = /malformed/i.test(error.message);
    return {
      status: error.status,
      slug: error.status === 413 ? 'payload-too-large' : error.status < 500 ? 'validation' : 'internal',
      title: malformed ? 'Malformed request body' : 'Request failed',
      detail: malformed
        ? `${error.message}. Send a JSON body with \`Content-Type: application/json\`.`
        : error.message || 'The request failed.',
    };
  }
  return null;
}

/** A configured limit was hit: `detail` names it, its value, and what to change. */
export function limitProblem(detail: string): ProblemError {
  return new ProblemError({ status: 400, slug: 'limit-exceeded', title: 'Limit exceeded', detail });
}

/** The state store's disk is full: nothing of the request was saved. */
export const INSUFFICIENT_STORAGE_PROBLEM: ProblemInit = {
  status: 507,
  slug: 'insufficient-storage',
  title: 'Insufficient storage',
  detail:
    "The scorer's state store (DATA_DIR) has no space left, so nothing was saved. An administrator must free space on its volume; then send the request again.",
};

/** The shared store (scale-out) did not answer: nothing of the request was done. */
export function redisUnavailableProblem(error: RedisUnavailableError): ProblemInit {
  return {
    status: 503,
    slug: 'redis-unavailable',
    title: 'Shared store unavailable',
    detail: `${error.message}, so the request was not carried out. Try again shortly; if it persists, an administrator must check that Redis is running and REDIS_URL points at it.`,
    headers: { 'retry-after': '5' },
  };
}

export const INTERNAL_PROBLEM: ProblemInit = {
  status: 500,
  slug: 'internal',
  title: 'Internal error',
  detail:
    'The scorer failed unexpectedly; the error is logged with this request id. Try again, and report it if it persists.',
};
