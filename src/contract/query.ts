import { z } from 'zod';

/** An InfluxDB identifier as typed by a user; the scorer escapes it, so any text is safe. */
const identifier = z.string().min(1, 'must not be empty').max(256);

export const tagFilterSchema = z
  .object({
    key: identifier,
    operator: z.enum(['=', '!=']).default('='),
    value: z.string().max(1024),
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
    database: identifier,
    retentionPolicy: identifier.optional(),
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
