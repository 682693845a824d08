import { z } from 'zod';
import { detectorIdSchema } from './detectors';
import { epochMsSchema } from './time-bounds';

/** A notice shown to the user beside the result (Grafana renders them as frame notices). */
export const noticeSchema = z.object({
  severity: z.enum(['info', 'warning', 'error']),
  text: z.string(),
});
export type Notice = z.infer<typeof noticeSchema>;

/** A run of consecutive anomalous points. Times are epoch milliseconds, both ends inclusive. */
export const regionSchema = z.object({
  start: z.number(),
  end: z.number(),
  peakTime: z.number(),
  peakScore: z.number().min(0).max(100),
  detector: detectorIdSchema,
  /** One line, e.g. "value 93.1 above expected 41.0–55.3 (6.2σ), robust". */
  explanation: z.string(),
});
export type Region = z.infer<typeof regionSchema>;

const nullableNumbers = z.array(z.number().nullable());

/**
 * One scored series, column-oriented. All arrays have the same length; `null` marks a gap
 * (no data in that interval) or a point the detector could not score yet (warm-up).
 */
export const scoredSeriesSchema = z.object({
  name: z.string(),
  tags: z.record(z.string(), z.string()),
  detector: detectorIdSchema,
  threshold: z.number(),
  time: z.array(z.number()),
  value: nullableNumbers,
  expected: nullableNumbers,
  lower: nullableNumbers,
  upper: nullableNumbers,
  score: nullableNumbers,
  anomaly: z.array(z.boolean()),
  regions: z.array(regionSchema),
  notices: z.array(noticeSchema),
});
export type ScoredSeries = z.infer<typeof scoredSeriesSchema>;

/** Points sent inline, as `[epochMs, value]` pairs; `null` values are gaps. */
export const pointsSchema = z.array(z.tuple([epochMsSchema, z.number().nullable()]));
export type Points = z.infer<typeof pointsSchema>;
