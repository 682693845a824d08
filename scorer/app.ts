import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { authenticate } from './auth/middleware';
import type { AppDeps } from './deps';
import { bodyLimit } from './http/body-limit';
import { notFound, onError } from './http/on-error';
import { requestLog } from './http/request-log';
import { openApiDocument } from './openapi';
import { annotationRoutes } from './routes/annotations';
import { backtestRoutes } from './routes/backtests';
import { detectorRoutes } from './routes/detectors';
import { healthRoutes } from './routes/health';
import { maintenanceRoutes } from './routes/maintenance';
import { markRoutes } from './routes/marks';
import { modelRoutes } from './routes/models';
import { schemaRoutes } from './routes/schema';
import { scoreRoutes } from './routes/score';
import { UI_DIST, uiRoutes } from './routes/ui';

/** Composes the scorer's HTTP API; every route lives in `routes/`, by feature. */
export function createApp(deps: AppDeps) {
  const { config, logger, metrics } = deps;
  const api = new Hono()
    .use(bodyLimit(config.limits.maxBodyBytes))
    .use(authenticate(deps.auth))
    .route('/', scoreRoutes(deps))
    .route('/', schemaRoutes(deps))
    .route('/', modelRoutes(deps))
    .route('/', detectorRoutes(deps))
    .route('/', annotationRoutes(deps))
    .route('/', markRoutes(deps))
    .route('/', maintenanceRoutes(deps))
    .route('/', backtestRoutes(deps));

  const app = new Hono()
    .use(requestId())
    .use(requestLog(logger, metrics))
    .route('/', healthRoutes(deps))
    .get('/metrics', async (c) => {
      await metrics.collect();
      return c.text(metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4' });
    })
    .get('/openapi.json', (c) => c.json(openApiDocument()))
    .route('/api/v1', api);
  if (config.ui.enabled) app.route('/', uiRoutes(config.ui.dir ?? UI_DIST));
  app.onError(onError(logger));
  app.notFound(notFound);
  return app;
}
