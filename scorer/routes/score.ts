import {
  CONTRACT_VERSION,
  type Notice,
  type ScoredSeries,
  type ScoreResponse,
  scorePointsRequestSchema,
  scoreRequestSchema,
} from '@tidemark/core';
import { scoreSeries } from '@tidemark/core/engine';
import { Hono } from 'hono';
import { type AuthEnv, requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { limitProblem } from '../http/problem';
import { validate } from '../http/validate';

/** A `Server-Timing` header value (W3C Server Timing): `influx;dur=41.2, engine;dur=38.0, …`. */
function serverTiming(stages: [string, number][]): string {
  return stages.map(([stage, ms]) => `${stage};dur=${ms.toFixed(1)}`).join(', ');
}

/** `POST /score` (a query read from InfluxDB) and `POST /score/points` (points in the body). */
export function scoreRoutes({ scoring, config, metrics }: Pick<AppDeps, 'scoring' | 'config' | 'metrics'>) {
  const { maxPoints } = config.limits;
  return new Hono<AuthEnv>()
    .post('/score', requireRole('Viewer'), validate('json', scoreRequestSchema), async (c) => {
      const stages: [string, number][] = [];
      const onStage = (stage: string, ms: number) => {
        stages.push([stage, ms]);
        metrics.scoreStageDuration.observe({ stage }, ms / 1000);
      };
      const response = await scoring.score(c.get('caller').orgId, c.req.valid('json'), {
        signal: c.req.raw.signal,
        onStage,
      });
      const points = response.series.reduce((sum, s) => sum + s.time.length, 0);
      metrics.pointsScored.inc({ source: 'influxdb' }, points);
      const encodeStarted = performance.now();
      // Bytes, not a string: a string body is re-scanned for lone surrogates on its way out.
      const body = Buffer.from(JSON.stringify(response));
      onStage('encode', performance.now() - encodeStarted);
      return c.body(body, 200, {
        'content-type': 'application/json',
        'server-timing': serverTiming(stages),
      });
    })
    .post('/score/points', requireRole('Viewer'), validate('json', scorePointsRequestSchema), async (c) => {
      const request = c.req.valid('json');
      const total = request.series.reduce((sum, s) => sum + s.points.length + (s.training?.length ?? 0), 0);
      if (total > maxPoints) {
        throw limitProblem(
          `The body holds ${total} points, more than MAX_POINTS (${maxPoints}). Send fewer points per request.`,
        );
      }
      const notices: Notice[] = [];
      let detector = request.detector;
      if (detector.id === 'lstm') {
        // Training an LSTM takes tens of seconds: too long for a request that stores nothing.
        detector = { id: 'robust', params: detector.params };
        notices.push({
          severity: 'info',
          text: 'The LSTM needs a trained model, which inline points cannot have; scored with the robust baseline. Train on InfluxDB data with POST /api/v1/models.',
        });
      }
      const series: ScoredSeries[] = [];
      for (const one of request.series) {
        if (one.points.length === 0) continue;
        const points = [...(one.training ?? []), ...one.points];
        const scoreFrom = one.training?.length ? Math.min(...one.points.map(([t]) => t)) : undefined;
        const result = await scoreSeries(points, {
          detector,
          name: one.name,
          tags: one.tags,
          ...(request.intervalMs ? { intervalMs: request.intervalMs } : {}),
          ...(scoreFrom !== undefined ? { scoreFrom } : {}),
        });
        series.push(result.series);
      }
      metrics.pointsScored.inc({ source: 'body' }, total);
      const response: ScoreResponse = { contractVersion: CONTRACT_VERSION, series, notices };
      return c.json(response);
    });
}
