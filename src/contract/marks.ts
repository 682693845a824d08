import { z } from 'zod';
import { recordIdSchema } from './models';
import { instantSchema } from './requests';

/**
 * What a user says about a stretch of one series of one continuous detector:
 * `not-anomaly` on a flagged region (a false positive: learned as normal), `missed` on an
 * unflagged one (an anomaly the detector did not flag: kept out of training, a labelled event
 * for backtests). See docs/scoring.md, "Marks and maintenance windows".
 */
export const MARK_KINDS = ['not-anomaly', 'missed'] as const;
export const markKindSchema = z.enum(MARK_KINDS);
export type MarkKind = z.infer<typeof markKindSchema>;

/** `POST /api/v1/marks` (Editor). Times are epoch ms or ISO-8601; `from` ≤ `to`, both inclusive. */
export const markInputSchema = z
  .object({
    /** The continuous detector the mark is for (its id). */
    detector: recordIdSchema,
    /** The series' display name as the detector writes it, e.g. `cpu usage_percent {host=a}`. */
    series: z.string().min(1).max(1024),
    kind: markKindSchema,
    from: instantSchema,
    to: instantSchema,
    /** Free text shown in the annotation. */
    note: z.string().max(1024).optional(),
  })
  .strict()
  .refine((mark) => mark.from <= mark.to, { message: '`from` must not be after `to`', path: ['from'] });
export type MarkInput = z.input<typeof markInputSchema>;

/** A stored mark (`GET /api/v1/marks`). */
export const markSchema = z.object({
  id: z.string(),
  detector: z.string(),
  series: z.string(),
  kind: markKindSchema,
  from: z.number(),
  to: z.number(),
  note: z.string().optional(),
  createdAt: z.number(),
  /** Grafana identity (`user:1`) of whoever made it, when known. */
  createdBy: z.string().nullable(),
});
export type Mark = z.infer<typeof markSchema>;

export const marksResponseSchema = z.object({ marks: z.array(markSchema) });
