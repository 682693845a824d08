import {
  CONTRACT_VERSION,
  type Notice,
  type ScoredSeries,
  type ScoreResponse,
  scorePointsRequestSchema,
} from '@tidemark/core';
import { scoreSeries } from '@tidemark/core/engine';
import { HTTPException } from 'hono/http-exception';
import { knownProblem, limitProblem, type ProblemInit, validationProblem } from '../http/problem';
import { noProtoKeys } from '../http/validate';

export interface PointsBodyLimits {
  maxPoints: number;
}

/** The JSON answer (bytes) and how many points it scored, or the problem with the body. */
export type PointsBodyOutcome =
  | { ok: true; body: Uint8Array; points: number }
  | { ok: false; problem: ProblemInit };

const bodySchema = noProtoKeys(scorePointsRequestSchema);

/**
 * `POST /score/points` from the body's bytes to the answer's: parsing, validation, scoring and
 * encoding all grow with the points, so an engine worker does all of it (see `EnginePool`).
 */
export async function scorePointsBody(
  bytes: Uint8Array,
  limits: PointsBodyLimits,
): Promise<PointsBodyOutcome> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    const malformed = new HTTPException(400, { message: 'Malformed JSON in request body' });
    return { ok: false, problem: knownProblem(malformed)! };
  }
  const parsed = bodySchema.safeParse(value);
  if (!parsed.success) return { ok: false, problem: validationProblem(parsed.error, 'The request body') };
  const request = parsed.data;
  const total = request.series.reduce((sum, s) => sum + s.points.length + (s.training?.length ?? 0), 0);
  if (total > limits.maxPoints) {
    const detail = `The body holds ${total} points, more than MAX_POINTS (${limits.maxPoints}). Send fewer points per request.`;
    return { ok: false, problem: limitProblem(detail).problem };
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
    // Not Math.min(...points): spreading some 100k arguments overflows the stack.
    const scoreFrom = one.training?.length
      ? one.points.reduce((min, [t]) => Math.min(min, t), Number.POSITIVE_INFINITY)
      : undefined;
    const result = await scoreSeries(points, {
      detector,
      name: one.name,
      tags: one.tags,
      ...(request.intervalMs ? { intervalMs: request.intervalMs } : {}),
      ...(scoreFrom !== undefined ? { scoreFrom } : {}),
    });
    series.push(result.series);
  }
  const response: ScoreResponse = { contractVersion: CONTRACT_VERSION, series, notices };
  // Its own buffer (a small Buffer shares Node's pool), so it can be handed to another thread.
  return { ok: true, body: new TextEncoder().encode(JSON.stringify(response)), points: total };
}
