import { z } from 'zod';
import { DEFAULT_DETECTOR, detectorSpecSchema, durationSchema } from './detectors';
import { parseDuration } from './duration';
import { maintenancePeriodSchema } from './maintenance';
import { markSchema } from './marks';
import { recordIdSchema } from './models';
import { databaseNameSchema, influxNameSchema, seriesQuerySchema, tagFilterSchema } from './query';
import { regionSchema } from './series';

export const DEFAULT_OUTPUT_MEASUREMENT = 'tidemark_anomaly';
export const DEFAULT_LATE_WINDOW = '1h';

/** A schedule step: at least one second (a zero step would spin). */
const stepSchema = durationSchema.refine((text) => {
  try {
    return parseDuration(text) >= 1_000;
  } catch {
    return false; // parseDuration refuses zero
  }
}, 'must be at least 1s');

/**
 * A continuous detector (`/api/v1/detectors`, or the detectors YAML file): scores new points of a
 * query on a schedule and writes value, expected, lower, upper, score and anomaly to InfluxDB.
 */
export const continuousDetectorInputSchema = z
  .object({
    id: recordIdSchema,
    name: z.string().max(256).optional(),
    query: seriesQuerySchema,
    /** Aggregation step of the scored points, e.g. `1m`. */
    interval: stepSchema,
    /** How often to run; the interval when absent. */
    schedule: stepSchema.optional(),
    /** How long to wait for late data before scoring an interval. */
    lag: durationSchema.default('30s'),
    /** After downtime, catch up at most this far back (from the checkpoint). */
    maxBackfill: durationSchema.default('7d'),
    /**
     * How far before the checkpoint each run looks again, for late points and new series (at most
     * `maxBackfill`); DEFAULT_LATE_WINDOW when absent.
     */
    lateWindow: durationSchema.optional(),
    detector: detectorSpecSchema.default({ id: DEFAULT_DETECTOR, params: {} }),
    output: z
      .object({
        /** The query's database when absent. */
        database: databaseNameSchema.optional(),
        retentionPolicy: databaseNameSchema.optional(),
        measurement: influxNameSchema.default(DEFAULT_OUTPUT_MEASUREMENT),
      })
      .strict()
      .default({ measurement: DEFAULT_OUTPUT_MEASUREMENT }),
    enabled: z.boolean().default(true),
  })
  .strict();
export type ContinuousDetectorInput = z.input<typeof continuousDetectorInputSchema>;
export type ContinuousDetectorDefinition = z.output<typeof continuousDetectorInputSchema>;

export const continuousDetectorStatusSchema = z.enum(['idle', 'running', 'failing', 'disabled']);

/** Points a continuous detector did not score, and why. */
export const detectorSkipSchema = z.object({
  /** `downtime`: the scorer was down longer than `maxBackfill` (every series); `too-late`: a series' points were older than `maxBackfill` when they arrived. */
  reason: z.enum(['downtime', 'too-late']),
  /** The series (`too-late`), or null for every series (`downtime`). */
  series: z.string().nullable(),
  from: z.number(),
  to: z.number(),
  /** Raw points in [from, to) that were not scored. */
  points: z.number(),
});
export type DetectorSkip = z.infer<typeof detectorSkipSchema>;

export const detectorSkippedSchema = z.object({
  /** Raw points never scored, since the detector was created. */
  points: z.number(),
  /** Intervals of downtime longer than `maxBackfill`, never scored. */
  intervals: z.number(),
  last: detectorSkipSchema.nullable(),
});

/** A continuous detector as the API returns it: its definition plus its run state. */
export const continuousDetectorSchema = continuousDetectorInputSchema.extend({
  /** Loaded from the detectors file: read-only through the API. */
  provisioned: z.boolean(),
  status: continuousDetectorStatusSchema,
  /** Epoch ms up to which points have been scored and written (exclusive). */
  scoredUntil: z.number().nullable(),
  lastRunAt: z.number().nullable(),
  lastError: z.string().nullable(),
  /** Points scored after their series had moved on (late data, a new series' history). */
  latePoints: z.number().optional(),
  skipped: detectorSkippedSchema.optional(),
});
export type ContinuousDetector = z.infer<typeof continuousDetectorSchema>;

/**
 * `PATCH /api/v1/detectors/:id` (Editor): the fields to change (top level; a nested object such
 * as `query` or `detector` is replaced whole). The result must be a valid definition.
 */
export const continuousDetectorPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(continuousDetectorInputSchema.omit({ id: true }).shape).map(([key, field]) => [
        key,
        // No defaults: a field left out of a patch keeps its current value.
        (field instanceof z.ZodDefault ? field.unwrap() : field).optional(),
      ]),
    ),
  )
  .strict();
export type ContinuousDetectorPatch = Partial<Omit<ContinuousDetectorInput, 'id'>>;

export const detectorsResponseSchema = z.object({ detectors: z.array(continuousDetectorSchema) });

/** An anomaly region for Grafana annotations: a region plus the series and detector it belongs to. */
export const annotationRegionSchema = regionSchema.extend({
  series: z.string(),
  tags: z.record(z.string(), z.string()),
  /** Id of the continuous detector that found it. */
  detectorName: z.string(),
});
export type AnnotationRegion = z.infer<typeof annotationRegionSchema>;

/** A maintenance period on one detector's series: all of them, or those matching `series`' filters. */
export const annotationMaintenanceSchema = maintenancePeriodSchema.extend({
  detectorName: z.string(),
  series: z.array(tagFilterSchema),
});

export const annotationsResponseSchema = z.object({
  regions: z.array(annotationRegionSchema),
  /** The org's marks on the detectors' series in the range. */
  marks: z.array(markSchema),
  /** Where maintenance windows covering a detector were open in the range. */
  maintenance: z.array(annotationMaintenanceSchema),
});
export type AnnotationsResponse = z.infer<typeof annotationsResponseSchema>;

/** Schema look-ups for the query editor answer `{ values }`. */
export const schemaValuesResponseSchema = z.object({
  values: z.array(z.string()),
  /** Field types, for `fields` only. */
  types: z.record(z.string(), z.string()).optional(),
});
