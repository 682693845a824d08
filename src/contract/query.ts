import { z } from 'zod';
import { inexpressibleIn, invalidInDatabaseName } from './influx-text';
import { regexProblem } from './regex';

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

export const TAG_OPERATORS = ['=', '!=', '=~', '!~'] as const;
export type TagOperator = (typeof TAG_OPERATORS)[number];
/** `=~` and `!~` match the value as a regular expression (RE2, as InfluxDB reads it). */
export const isRegexOperator = (operator: TagOperator | undefined) => operator === '=~' || operator === '!~';

export const tagFilterSchema = z
  .object({
    key: identifier,
    operator: z.enum(TAG_OPERATORS).default('='),
    /** A tag value, or for `=~`/`!~` a regex without the surrounding slashes, e.g. `^(web|db)-\d+$`. */
    value: z.string().max(65_536).superRefine(sayable(inexpressibleIn, 'InfluxQL cannot express')),
  })
  .strict()
  .superRefine((filter, ctx) => {
    if (!isRegexOperator(filter.operator)) return;
    const problem = regexProblem(filter.value);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `is not a valid regular expression (${problem}); write it in RE2 syntax without the surrounding slashes, e.g. ^(web|db)-\\d+$`,
      });
    }
  });
export type TagFilter = z.infer<typeof tagFilterSchema>;

/** What one interval's points become; the derivatives are per second, of each interval's last value. */
export const AGGREGATIONS = [
  'mean',
  'median',
  'min',
  'max',
  'sum',
  'count',
  'last',
  'first',
  'derivative',
  'non_negative_derivative',
] as const;
export const aggregationSchema = z.enum(AGGREGATIONS);
export type Aggregation = z.infer<typeof aggregationSchema>;
/** Aggregations that compare an interval with the one before (counters: rate per second). */
export const isDerivative = (aggregation: Aggregation | undefined) =>
  aggregation === 'derivative' || aggregation === 'non_negative_derivative';

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

/** Most fields one score request may ask for. */
export const MAX_FIELDS = 16;

/**
 * A score request's query: one `field`, or several `fields` of the measurement scored alike (one
 * series per field and tag set). The scorer scores each field as its own single-field query.
 */
export const scoreQuerySchema = seriesQuerySchema
  .extend({
    field: identifier.optional(),
    fields: z.array(identifier).min(1).max(MAX_FIELDS).optional(),
  })
  .strict()
  .superRefine((query, ctx) => {
    if ((query.field === undefined) === (query.fields === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['field'],
        message: 'give either `field` (one field) or `fields` (a list of fields), not both or neither',
      });
    }
  });
export type ScoreQuery = z.infer<typeof scoreQuerySchema>;
