import { z } from 'zod';
import { detectorSpecSchema } from './detectors';
import { type SeriesQuery, scoreQuerySchema, seriesQuerySchema } from './query';
import { noticeSchema, pointsSchema, scoredSeriesSchema } from './series';
import { durationMsSchema, epochMsSchema, MAX_TIME_MS, MIN_TIME_MS } from './time-bounds';

/** Epoch milliseconds, or an ISO-8601 date-time string; from 1900 to 2262 (see time-bounds.ts). */
export const instantSchema = z.union([
  epochMsSchema,
  z.iso
    .datetime({ offset: true })
    .transform((text) => Date.parse(text))
    .refine((ms) => ms >= MIN_TIME_MS && ms <= MAX_TIME_MS, 'must be a date from 1900-01-01 to 2262-01-01'),
]);

export const timeRangeSchema = z
  .object({ from: instantSchema, to: instantSchema })
  .strict()
  .refine((range) => range.from < range.to, { message: '`from` must be before `to`', path: ['from'] });
export type TimeRange = z.infer<typeof timeRangeSchema>;

const scoreRequestShape = {
  range: timeRangeSchema,
  /** Grafana's `$__interval` in milliseconds: points are aggregated to this step. */
  intervalMs: durationMsSchema,
  detector: detectorSpecSchema.default({ id: 'ensemble', params: {} }),
};

/** `POST /api/v1/score`: score a series read from InfluxDB (one or several fields). */
export const scoreRequestSchema = z.object({ query: scoreQuerySchema, ...scoreRequestShape }).strict();
export type ScoreRequest = z.input<typeof scoreRequestSchema>;

/** A score request for one field: what the scoring service works on (see `requestsPerField`). */
export const singleFieldScoreRequestSchema = z
  .object({ query: seriesQuerySchema, ...scoreRequestShape })
  .strict();
export type ParsedScoreRequest = z.output<typeof singleFieldScoreRequestSchema>;

/** One single-field request per field asked for, in the order asked. */
export function requestsPerField(request: z.output<typeof scoreRequestSchema>): ParsedScoreRequest[] {
  const { fields, field, ...query } = request.query;
  const names = fields ?? [field as string];
  return [...new Set(names)].map((name) => ({ ...request, query: { ...query, field: name } as SeriesQuery }));
}

/** `POST /api/v1/score/points`: score points sent in the body (no InfluxDB). */
export const scorePointsRequestSchema = z
  .object({
    series: z
      .array(
        z
          .object({
            name: z.string().max(256).default('series'),
            tags: z.record(z.string(), z.string()).default({}),
            points: pointsSchema,
            /** Optional history before `points` to learn from. */
            training: pointsSchema.optional(),
          })
          .strict(),
      )
      .min(1),
    intervalMs: durationMsSchema.optional(),
    detector: detectorSpecSchema.default({ id: 'ensemble', params: {} }),
  })
  .strict();
export type ScorePointsRequest = z.input<typeof scorePointsRequestSchema>;

export const scoreResponseSchema = z.object({
  contractVersion: z.number().int(),
  series: z.array(scoredSeriesSchema),
  notices: z.array(noticeSchema),
});
export type ScoreResponse = z.infer<typeof scoreResponseSchema>;

/** RFC 9457 problem details, as every error response of the scorer. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  /** Field-level problems for validation errors. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;
