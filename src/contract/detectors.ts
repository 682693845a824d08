import { z } from 'zod';
import { parseDuration } from './duration';

/** Every detector the engine knows, by id. `ensemble` is the default. */
export const DETECTOR_IDS = ['ensemble', 'robust', 'isolation-forest', 'pattern', 'lstm'] as const;
export const detectorIdSchema = z.enum(DETECTOR_IDS);
export type DetectorId = z.infer<typeof detectorIdSchema>;
export const DEFAULT_DETECTOR: DetectorId = 'ensemble';

/**
 * Sensitivity presets map to the score threshold at or above which a point is flagged.
 * See docs/scoring.md for the meaning of the 0–100 score.
 */
export const SENSITIVITY_THRESHOLDS = { low: 85, medium: 70, high: 55 } as const;
export const sensitivitySchema = z.enum(['low', 'medium', 'high']);
export type Sensitivity = z.infer<typeof sensitivitySchema>;
export const DEFAULT_SENSITIVITY: Sensitivity = 'medium';

const durationIssue = (text: string) => {
  try {
    parseDuration(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

/** A duration such as `30m`, `6h`, `7d`, `2w`: longer than zero, at most 365 days. */
export const durationSchema = z
  .string()
  .regex(/^\d+(ms|s|m|h|d|w)$/, 'expected a duration such as 90s, 30m, 6h, 7d or 2w')
  .superRefine((text, ctx) => {
    const issue = durationIssue(text);
    if (issue) ctx.addIssue({ code: 'custom', message: issue });
  });

export const detectorParamsSchema = z
  .object({
    /** Preset for the flagging threshold; ignored when `threshold` is set. */
    sensitivity: sensitivitySchema.optional(),
    /** Score (0–100) at or above which a point is flagged anomalous. */
    threshold: z.number().min(1).max(100).optional(),
    /** How much history before the range to learn from, e.g. `7d`. */
    trainingWindow: durationSchema.optional(),
    /** Season length override, e.g. `1d`; detected automatically when absent. */
    season: durationSchema.optional(),
  })
  .strict();
export type DetectorParams = z.infer<typeof detectorParamsSchema>;

export const detectorSpecSchema = z
  .object({
    id: detectorIdSchema.default(DEFAULT_DETECTOR),
    params: detectorParamsSchema.default({}),
  })
  .strict();
export type DetectorSpec = z.infer<typeof detectorSpecSchema>;

/** The threshold a spec flags at: explicit threshold, else the sensitivity preset. */
export function thresholdOf(params: DetectorParams): number {
  return params.threshold ?? SENSITIVITY_THRESHOLDS[params.sensitivity ?? DEFAULT_SENSITIVITY];
}
