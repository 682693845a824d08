import { z } from 'zod';
import { inexpressibleIn, invalidInDatabaseName } from './influx-text';

const sayable =
  (check: (text: string) => string | null, what: string) => (text: string, ctx: z.RefinementCtx) => {
    const problem = check(text);
    if (problem) ctx.addIssue({ code: 'custom', message: `contains ${problem}, which ${what}` });
  };

/** A measurement, field or tag key as typed by a user; the scorer escapes it, so other text is safe. */
export const influxNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(256)
  .superRefine(sayable(inexpressibleIn, 'InfluxQL cannot express'));

/** A database or retention policy name. */
export const databaseNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(256)
  .superRefine(
    sayable(invalidInDatabaseName, 'InfluxDB does not allow in database and retention policy names'),
  );

const identifier = influxNameSchema;

export const tagFilterSchema = z
  .object({
    key: identifier,
    operator: z.enum(['=', '!=']).default('='),
    value: z.string().max(1024).superRefine(sayable(inexpressibleIn, 'InfluxQL cannot express')),
  })
  .strict();
export type TagFilter = z.infer<typeof tagFilterSchema>;

export const AGGREGATIONS = ['mean', 'median', 'min', 'max', 'sum', 'count', 'last', 'first'] as const;
export const aggregationSchema = z.enum(AGGREGATIONS);
export type Aggregation = z.infer<typeof aggregationSchema>;

/** Which series to read from InfluxDB (through its v1 `/query` API). */
export const seriesQuerySchema = z
  .object({
    /** Database (1.x) or the bucket's DBRP-mapped database (2.x/3.x). */
    database: databaseNameSchema,
    retentionPolicy: databaseNameSchema.optional(),
    measurement: identifier,
    field: identifier,
    tags: z.array(tagFilterSchema).max(32).default([]),
    /** Tag keys to split by: one scored series per tag-value combination. */
    groupBy: z.array(identifier).max(8).default([]),
    /** How points are combined into each interval; `mean` unless set. */
    aggregation: aggregationSchema.default('mean'),
  })
  .strict();
export type SeriesQuery = z.infer<typeof seriesQuerySchema>;
