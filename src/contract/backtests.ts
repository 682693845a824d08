import { z } from 'zod';
import { continuousDetectorInputSchema } from './detectors-api';
import { maintenancePeriodSchema } from './maintenance';
import { jobStateShape } from './models';
import { timeRangeSchema } from './requests';
import { regionSchema, scoredSeriesSchema } from './series';

/**
 * `POST /api/v1/backtests` (Editor): score `definition` over a past `range` exactly as a
 * continuous detector with that definition would have (same scoring path, same spans, with the
 * org's maintenance windows and the marks of detector `definition.id`), writing nothing.
 */
export const backtestRequestSchema = z
  .object({
    /** A continuous detector's definition (its `id` picks the marks and windows that apply). */
    definition: continuousDetectorInputSchema,
    /** The past range to score; aligned down to the definition's interval. */
    range: timeRangeSchema,
    /** Also answer every scored point (`result.series[].points`), e.g. to draw the series. */
    includePoints: z.boolean().default(false),
  })
  .strict();
export type BacktestRequest = z.input<typeof backtestRequestSchema>;
export type ParsedBacktestRequest = z.output<typeof backtestRequestSchema>;

/** Bucket counts of the scores: `counts[k]` scores in [10k, 10k+10), the last bucket [90, 100]. */
export const scoreHistogramSchema = z.object({
  binWidth: z.literal(10),
  counts: z.array(z.number().int().nonnegative()).length(10),
  /** Points with a score (warm-up points have none). */
  scored: z.number().int().nonnegative(),
});
export type ScoreHistogram = z.infer<typeof scoreHistogramSchema>;

/** Alerts (flagged regions, counted where they start) per UTC day or week (weeks start on Monday). */
export const alertCountSchema = z.object({ start: z.number(), alerts: z.number().int().nonnegative() });

/**
 * Against the user's marks in the range: precision = flagged regions not overlapping a
 * `not-anomaly` mark / flagged regions; recall = `missed` marks overlapped by a flagged region /
 * `missed` marks. Null when the denominator is zero. Unmarked flagged regions count as true alerts.
 */
export const backtestAccuracySchema = z.object({
  flaggedRegions: z.number().int(),
  falsePositives: z.number().int(),
  labelledEvents: z.number().int(),
  detectedEvents: z.number().int(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
});

export const backtestSeriesSchema = z.object({
  name: z.string(),
  tags: z.record(z.string(), z.string()),
  /** Points with a value in the range, and how many were flagged. */
  points: z.number().int(),
  flaggedPoints: z.number().int(),
  regions: z.array(regionSchema),
  /** Where maintenance windows were open (never flagged, never learned from). */
  maintenance: z.array(maintenancePeriodSchema),
  /** Every scored point, column-oriented as in score responses; only with `includePoints`. */
  columns: scoredSeriesSchema
    .pick({ time: true, value: true, expected: true, lower: true, upper: true, score: true, anomaly: true })
    .optional(),
});

export const backtestResultSchema = z.object({
  range: z.object({ from: z.number(), to: z.number() }),
  intervalMs: z.number().int().positive(),
  threshold: z.number(),
  series: z.array(backtestSeriesSchema),
  alertsPerDay: z.array(alertCountSchema),
  alertsPerWeek: z.array(alertCountSchema),
  scoreHistogram: scoreHistogramSchema,
  accuracy: backtestAccuracySchema,
});
export type BacktestResult = z.infer<typeof backtestResultSchema>;

/** A backtest job (`GET /api/v1/backtests/:id`); `result` once it succeeded. Times are epoch ms. */
export const backtestSchema = z.object({
  id: z.string(),
  kind: z.literal('backtest'),
  ...jobStateShape,
  /** Set by `POST /api/v1/backtests/:id/cancel`; the run stops before its next chunk. */
  cancelRequested: z.boolean(),
  request: backtestRequestSchema,
  result: backtestResultSchema.nullable(),
});
export type Backtest = z.infer<typeof backtestSchema>;

export const backtestsResponseSchema = z.object({
  backtests: z.array(backtestSchema.omit({ result: true })),
});
