import type { MiddlewareHandler } from 'hono';
import type { Caller } from '../auth/roles';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';

/** One JSON log line and the HTTP metrics per request, with the request id and the caller. */
export function requestLog(logger: Logger, metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath || 'unmatched';
    const status = String(c.res.status);
    metrics.httpRequests.inc({ method: c.req.method, route, status });
    metrics.httpDuration.observe({ route }, seconds);
    const caller = c.get('caller') as Caller | undefined;
    logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(seconds * 1000),
      ...(caller ? { org: caller.orgId, user: caller.subject, role: caller.role } : {}),
    });
  };
}
