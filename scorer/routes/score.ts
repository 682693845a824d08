import {
  CONTRACT_VERSION,
  type Notice,
  type ParsedScoreRequest,
  type ScoredSeries,
  type ScoreResponse,
  scorePointsRequestSchema,
  scoreRequestSchema,
} from '@tidemark/core';
import { scoreSeries } from '@tidemark/core/engine';
import { Hono } from 'hono';
import { type AuthEnv, requireRole } from '../auth/middleware';
import { outputDatabase } from '../continuous/output';
import { coveringDetector, overlayWritten, writtenNotice } from '../continuous/overlay';
import { readWritten, type WrittenSeries } from '../continuous/written';
import type { AppDeps } from '../deps';
import { limitProblem } from '../http/problem';
import { validate } from '../http/validate';
import { InfluxError } from '../influx';

/** A `Server-Timing` header value (W3C Server Timing): `influx;dur=41.2, engine;dur=38.0, …`. */
function serverTiming(stages: [string, number][]): string {
  return stages.map(([stage, ms]) => `${stage};dur=${ms.toFixed(1)}`).join(', ');
}

/**
 * Where one of the org's continuous detectors covers the request's series, what it wrote back
 * replaces what was scored now, so the panel shows the scores its annotations and alerts use.
 */
async function showWritten(
  { detectors, access, config }: Pick<AppDeps, 'detectors' | 'access' | 'config'>,
  orgId: number,
  request: ParsedScoreRequest,
  response: ScoreResponse,
  signal: AbortSignal,
): Promise<void> {
  const definition = coveringDetector(await detectors.definitionsOf(orgId), request);
  if (!definition || response.series.length === 0) return;
  const database = outputDatabase(definition, config.influx.database);
  const influx = access.client(orgId, database);
  const owner = { orgId, legacyOrgId: config.auth.defaultOrgId };
  let written: WrittenSeries[];
  try {
    written = await readWritten(influx, owner, definition, database, request.range, signal);
  } catch (error) {
    // Nothing written yet (no database or measurement): the scores computed now stand.
    if (error instanceof InfluxError && error.kind === 'not-found') return;
    throw error;
  }
  const byName = new Map(written.map((one) => [one.tags.series, one.rows]));
  for (const series of response.series) {
    const until = overlayWritten(series, byName.get(series.name) ?? []);
    if (until !== null) series.notices.push(writtenNotice(definition, until));
  }
}

/** `POST /score` (a query read from InfluxDB) and `POST /score/points` (points in the body). */
export function scoreRoutes(deps: Pick<AppDeps, 'scoring' | 'config' | 'metrics' | 'detectors' | 'access'>) {
  const { scoring, config, metrics } = deps;
  const { maxPoints } = config.limits;
  return new Hono<AuthEnv>()
    .post('/score', requireRole('Viewer'), validate('json', scoreRequestSchema), async (c) => {
      const stages: [string, number][] = [];
      const onStage = (stage: string, ms: number) => {
        stages.push([stage, ms]);
        metrics.scoreStageDuration.observe({ stage }, ms / 1000);
      };
      const { orgId } = c.get('caller');
      const request = c.req.valid('json');
      const response = await scoring.score(orgId, request, { signal: c.req.raw.signal, onStage });
      const writtenStarted = performance.now();
      await showWritten(deps, orgId, request, response, c.req.raw.signal);
      onStage('written', performance.now() - writtenStarted);
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
