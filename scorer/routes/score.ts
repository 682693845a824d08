import {
  type ParsedScoreRequest,
  requestsPerField,
  type ScoreResponse,
  scoreRequestSchema,
} from '@tidemark/core';
import { Hono } from 'hono';
import { type AuthEnv, requireRole } from '../auth/middleware';
import { outputDatabase } from '../continuous/output';
import { coveringDetector, overlayWritten, writtenNotice } from '../continuous/overlay';
import { readWritten, type WrittenSeries } from '../continuous/written';
import type { AppDeps } from '../deps';
import { jsonInParts } from '../http/json-in-parts';
import { ProblemError } from '../http/problem';
import { requireJsonContentType, validate } from '../http/validate';
import { InfluxError } from '../influx';
import { joinFieldResponses } from '../scoring/per-field';

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
export function scoreRoutes(
  deps: Pick<AppDeps, 'scoring' | 'enginePool' | 'config' | 'metrics' | 'detectors' | 'access'>,
) {
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
      const signal = c.req.raw.signal;
      const perField = requestsPerField(c.req.valid('json'));
      const responses: ScoreResponse[] = [];
      for (const request of perField) {
        const response = await scoring.score(orgId, request, { signal, onStage, capSeries: true });
        const writtenStarted = performance.now();
        await showWritten(deps, orgId, request, response, signal);
        onStage('written', performance.now() - writtenStarted);
        responses.push(response);
      }
      const response = joinFieldResponses(responses, config.limits.maxSeries);
      const points = response.series.reduce((sum, s) => sum + s.time.length, 0);
      metrics.pointsScored.inc({ source: 'influxdb' }, points);
      const encodeStarted = performance.now();
      // Bytes, not a string: a string body is re-scanned for lone surrogates on its way out.
      const body = await jsonInParts(response, 'series');
      onStage('encode', performance.now() - encodeStarted);
      return c.body(body, 200, {
        'content-type': 'application/json',
        'server-timing': serverTiming(stages),
      });
    })
    .post('/score/points', requireRole('Viewer'), async (c) => {
      // The body goes to an engine worker as bytes: parsing and checking 5 MB of points here
      // would hold every other request up (see scorePointsBody).
      requireJsonContentType(c);
      const body = new Uint8Array(await c.req.arrayBuffer());
      const outcome = await deps.enginePool.scorePointsBody(body, { maxPoints });
      if (!outcome.ok) throw new ProblemError(outcome.problem);
      metrics.pointsScored.inc({ source: 'body' }, outcome.points);
      return c.body(outcome.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/json' });
    });
}
