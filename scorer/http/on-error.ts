import type { ErrorHandler, NotFoundHandler } from 'hono';
import type { Logger } from '../log';
import { INTERNAL_PROBLEM, knownProblem, problemResponse } from './problem';

/**
 * `app.onError`: known errors (problems, InfluxDB errors, Hono's HTTP exceptions) become their
 * problem+json; anything else is logged with its stack and answered with a generic 500.
 */
export function onError(logger: Logger): ErrorHandler {
  return (error, c) => {
    const requestId = c.res.headers.get('x-request-id') ?? undefined;
    const problem = knownProblem(error);
    if (problem) {
      if (problem.status >= 500) logger.warn('request failed', { requestId, status: problem.status, error });
      return problemResponse(problem, c.req.path);
    }
    logger.error('unhandled error', { requestId, method: c.req.method, path: c.req.path, error });
    return problemResponse(INTERNAL_PROBLEM, c.req.path);
  };
}

export const notFound: NotFoundHandler = (c) =>
  problemResponse(
    {
      status: 404,
      slug: 'not-found',
      title: 'Not found',
      detail: `There is no ${c.req.method} ${c.req.path}. The API is described at /openapi.json.`,
    },
    c.req.path,
  );
