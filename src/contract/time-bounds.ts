import { z } from 'zod';

const DAY_MS = 86_400_000;

/**
 * Times the scorer accepts, as epoch ms: InfluxDB stores int64 nanoseconds (1677-09-21 to
 * 2262-04-11), and a range plus its history must stay inside that.
 */
export const MIN_TIME_MS = Date.UTC(1900, 0, 1);
export const MAX_TIME_MS = Date.UTC(2262, 0, 1);

/** The longest duration anywhere (intervals, schedules, lags, windows): 365 days. */
export const MAX_DURATION_MS = 365 * DAY_MS;

/** An epoch-ms time InfluxDB can store. */
export const epochMsSchema = z
  .number()
  .finite()
  .min(MIN_TIME_MS, `must be epoch milliseconds from ${MIN_TIME_MS} (1900-01-01) on`)
  .max(MAX_TIME_MS, `must be epoch milliseconds up to ${MAX_TIME_MS} (2262-01-01)`);

/** A step or length in whole milliseconds: 1 ms to 365 days. */
export const durationMsSchema = z
  .number()
  .int()
  .positive()
  .max(MAX_DURATION_MS, `must be at most ${MAX_DURATION_MS} ms (365 days)`);
