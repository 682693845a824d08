import { z } from 'zod';
import { DEFAULT_DETECTOR, detectorIdSchema, detectorSpecSchema } from './detectors';
import { seriesQuerySchema } from './query';
import { timeRangeSchema } from './requests';
import { durationMsSchema } from './time-bounds';

/** Ids of stored things (models, jobs, continuous detectors): safe as file names and in URLs. */
export const recordIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/,
    'use 1–128 letters, digits, "_" or "-", starting with a letter or digit',
  );

/** `POST /api/v1/models`: train one model per series the query returns, on the given range. */
export const trainRequestSchema = z
  .object({
    query: seriesQuerySchema,
    /** The training data: the model learns what is normal from this range. */
    range: timeRangeSchema,
    intervalMs: durationMsSchema,
    detector: detectorSpecSchema.default({ id: DEFAULT_DETECTOR, params: {} }),
  })
  .strict();
export type TrainRequest = z.input<typeof trainRequestSchema>;
export type ParsedTrainRequest = z.output<typeof trainRequestSchema>;

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** What every job (training, backtest) says of its state and who started it when. Times are epoch ms. */
export const jobStateShape = {
  status: jobStatusSchema,
  /** 0–1. */
  progress: z.number().min(0).max(1),
  /** What the job is doing now, or why it failed. */
  message: z.string(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  /** Grafana identity (`user:1`) of whoever started it, when known. */
  createdBy: z.string().nullable(),
};

/** A training job (`GET /api/v1/jobs/:id`). */
export const jobSchema = z.object({
  id: z.string(),
  kind: z.literal('train'),
  ...jobStateShape,
  /** Ids of the models it stored. */
  models: z.array(z.string()),
  request: trainRequestSchema,
  /** The fit in progress (epoch-based detectors such as the LSTM), for a progress bar with ETA. */
  fit: z
    .object({ epoch: z.number(), epochs: z.number(), loss: z.number(), etaMs: z.number() })
    .nullable()
    .optional(),
  /** Set by `POST /api/v1/jobs/:id/cancel`; the job stops and ends `cancelled`. */
  cancelRequested: z.boolean().optional(),
});
export type Job = z.infer<typeof jobSchema>;
/** A job's last reported epoch (`Job['fit']` when there is one). */
export type JobFit = NonNullable<Job['fit']>;

export const modelVersionSummarySchema = z.object({
  version: z.number().int().positive(),
  createdAt: z.number(),
  createdBy: z.string().nullable(),
  sizeBytes: z.number().int(),
  trainedFrom: z.number().nullable(),
  trainedTo: z.number().nullable(),
  trainedPoints: z.number().int().nullable(),
});
export type ModelVersionSummary = z.infer<typeof modelVersionSummarySchema>;

/** A stored model (`GET /api/v1/models[/:id]`): one series, one detector, kept versions. */
export const modelSummarySchema = z.object({
  id: z.string(),
  detector: detectorIdSchema,
  /** Display name of the series, e.g. `cpu usage_idle {host=a}`. */
  series: z.string(),
  tags: z.record(z.string(), z.string()),
  query: seriesQuerySchema,
  intervalMs: z.number().int().positive(),
  status: z.literal('ready'),
  /** The current version (what scoring uses). */
  version: z.number().int().positive(),
  trainedAt: z.number(),
  createdAt: z.number(),
  versions: z.array(modelVersionSummarySchema),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

export const modelsResponseSchema = z.object({ models: z.array(modelSummarySchema) });

/**
 * `POST /api/v1/models/file`: store a model file (`tidemark train`'s, or another scorer's export)
 * as the model of one series, so scoring that series uses it.
 */
export const importModelRequestSchema = z
  .object({
    /** The query whose series the model scores, and that series' group-by tag values. */
    query: seriesQuerySchema,
    tags: z.record(z.string(), z.string()).default({}),
    /** Display name in listings; default the series' name (`cpu value {host=a}`). */
    name: z.string().min(1).max(256).optional(),
    /** The model file's content (the file is JSON). */
    model: z.record(z.string(), z.unknown()),
  })
  .strict();
export type ImportModelRequest = z.input<typeof importModelRequestSchema>;

/** The media type of a model file (`GET /api/v1/models/:id/file`). */
export const MODEL_FILE_MEDIA_TYPE = 'application/vnd.tidemark.model+json';

/** `POST /api/v1/models/:id/rollback`: make a kept version current again. */
export const rollbackRequestSchema = z.object({ version: z.number().int().positive() }).strict();
