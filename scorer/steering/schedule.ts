import type { MaintenanceSchedule, Weekday } from '@tidemark/core';
import { parseDuration, WEEKDAYS } from '@tidemark/core';
import { CronExpressionParser } from 'cron-parser';

/** [from, to) in epoch ms. */
export interface Period {
  from: number;
  to: number;
}

/** Occurrences one window may have in one look-up: `* * * * *` over a year is about 526,000. */
const MAX_OCCURRENCES = 600_000;

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const CRON_DAY: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** A weekly window as a cron expression and how long each opening lasts (past midnight when end ≤ start). */
function weeklyAsCron(schedule: Extract<MaintenanceSchedule, { type: 'weekly' }>) {
  const start = minutesOf(schedule.start);
  const length = (minutesOf(schedule.end) - start + 24 * 60) % (24 * 60) || 24 * 60;
  const days = [...new Set(schedule.days)].sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b));
  return {
    cron: `${start % 60} ${Math.floor(start / 60)} * * ${days.map((d) => CRON_DAY[d]).join(',')}`,
    durationMs: length * 60_000,
  };
}

function parseCron(cron: string, timezone: string, currentDate?: Date, endDate?: Date) {
  if (cron.trim().split(/\s+/).length !== 5)
    throw new ScheduleError(
      'schedule.cron',
      `"${cron}" is not a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 3 * * sun"`,
    );
  try {
    return CronExpressionParser.parse(cron, {
      tz: timezone,
      ...(currentDate ? { currentDate } : {}),
      ...(endDate ? { endDate } : {}),
    });
  } catch (error) {
    throw new ScheduleError(
      'schedule.cron',
      `"${cron}" is not a valid cron expression: ${(error as Error).message}`,
    );
  }
}

/** Throws a ScheduleError naming the field when the schedule cannot be expanded (a bad cron text). */
export function checkSchedule(schedule: MaintenanceSchedule): void {
  if (schedule.type === 'cron') parseCron(schedule.cron, schedule.timezone);
}

/** Merges overlapping or touching periods; sorted by start. */
export function mergePeriods(periods: readonly Period[]): Period[] {
  const sorted = [...periods].sort((a, b) => a.from - b.from);
  const merged: Period[] = [];
  for (const period of sorted) {
    const last = merged.at(-1);
    if (last && period.from <= last.to) last.to = Math.max(last.to, period.to);
    else merged.push({ ...period });
  }
  return merged;
}

/** Where the schedule is open within [from, to), clipped to it and merged. */
export function openPeriods(schedule: MaintenanceSchedule, from: number, to: number): Period[] {
  if (schedule.type === 'once') {
    const start = Math.max(from, schedule.from);
    const end = Math.min(to, schedule.to);
    return start < end ? [{ from: start, to: end }] : [];
  }
  const { cron, durationMs, timezone } =
    schedule.type === 'weekly'
      ? { ...weeklyAsCron(schedule), timezone: schedule.timezone }
      : { cron: schedule.cron, durationMs: parseDuration(schedule.duration), timezone: schedule.timezone };
  // An opening up to `durationMs` before `from` may still be open at `from`.
  const expression = parseCron(cron, timezone, new Date(from - durationMs - 1), new Date(to));
  const periods: Period[] = [];
  for (let n = 0; expression.hasNext(); n++) {
    if (n >= MAX_OCCURRENCES)
      throw new ScheduleError(
        'schedule.cron',
        `"${cron}" opens more than ${MAX_OCCURRENCES} times in the range`,
      );
    const start = expression.next().getTime();
    if (start >= to) break;
    const end = Math.min(to, start + durationMs);
    if (end > from) periods.push({ from: Math.max(from, start), to: end });
  }
  return mergePeriods(periods);
}

/** Whether `time` lies in one of the sorted, merged `periods` (binary search). */
export function inPeriods(periods: readonly Period[], time: number): boolean {
  let lo = 0;
  let hi = periods.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (periods[mid]!.to <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo < periods.length && periods[lo]!.from <= time;
}
