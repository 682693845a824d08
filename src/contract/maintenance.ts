import { z } from 'zod';
import { durationSchema } from './detectors';
import { recordIdSchema } from './models';
import { tagFilterSchema } from './query';
import { instantSchema } from './requests';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const weekdaySchema = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof weekdaySchema>;

const clockSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day such as 02:00 or 23:30');

/** An IANA time zone (`Europe/Berlin`, `UTC`). */
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'expected an IANA time zone such as UTC or Europe/Berlin');

/** When a maintenance window is open. */
export const maintenanceScheduleSchema = z.discriminatedUnion('type', [
  /** Once: [from, to). */
  z
    .object({ type: z.literal('once'), from: instantSchema, to: instantSchema })
    .strict()
    .refine((s) => s.from < s.to, { message: '`from` must be before `to`', path: ['from'] }),
  /** Every week on `days`, from `start` to `end` local time (an `end` at or before `start` runs past midnight). */
  z
    .object({
      type: z.literal('weekly'),
      days: z.array(weekdaySchema).min(1).max(7),
      start: clockSchema,
      end: clockSchema,
      timezone: timeZoneSchema.default('UTC'),
    })
    .strict(),
  /** Opens at each time the 5-field cron expression (minute hour day-of-month month day-of-week) matches, for `duration`. */
  z
    .object({
      type: z.literal('cron'),
      cron: z.string().min(1).max(128),
      duration: durationSchema,
      timezone: timeZoneSchema.default('UTC'),
    })
    .strict(),
]);
export type MaintenanceSchedule = z.output<typeof maintenanceScheduleSchema>;

/**
 * Which series a window covers: every series of every detector of the org (`{}`), one
 * detector's, and/or the series whose tags match every filter (`=`/`!=` on the series' group-by tags).
 */
export const maintenanceScopeSchema = z
  .object({
    detector: recordIdSchema.optional(),
    series: z.array(tagFilterSchema).max(32).default([]),
  })
  .strict();
export type MaintenanceScope = z.output<typeof maintenanceScopeSchema>;

/**
 * A maintenance window (`/api/v1/maintenance-windows`, or the maintenance YAML file): points
 * inside are never learned from and never flagged or alerted.
 */
export const maintenanceWindowInputSchema = z
  .object({
    id: recordIdSchema,
    name: z.string().max(256).optional(),
    scope: maintenanceScopeSchema.default({ series: [] }),
    schedule: maintenanceScheduleSchema,
    enabled: z.boolean().default(true),
  })
  .strict();
export type MaintenanceWindowInput = z.input<typeof maintenanceWindowInputSchema>;
export type MaintenanceWindowDefinition = z.output<typeof maintenanceWindowInputSchema>;

export const maintenanceWindowSchema = maintenanceWindowInputSchema.extend({
  /** Loaded from MAINTENANCE_FILE: read-only through the API. */
  provisioned: z.boolean(),
});
export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;

export const maintenanceWindowsResponseSchema = z.object({ windows: z.array(maintenanceWindowSchema) });

/** One stretch a window is open, [from, to) in epoch ms. */
export const maintenancePeriodSchema = z.object({
  window: z.string(),
  name: z.string().optional(),
  from: z.number(),
  to: z.number(),
});
export type MaintenancePeriod = z.infer<typeof maintenancePeriodSchema>;

/** `GET /api/v1/maintenance-windows/:id/occurrences?from&to`. */
export const maintenanceOccurrencesResponseSchema = z.object({ periods: z.array(maintenancePeriodSchema) });
