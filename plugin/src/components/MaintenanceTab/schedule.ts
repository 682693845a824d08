import type { MaintenanceWindow, MaintenanceWindowInput, TagFilter, Weekday } from '@tidemark/core';

/** A maintenance window as the form edits it. */
export interface WindowDraft {
  id: string;
  name: string;
  /** '' for every detector of the org. */
  detector: string;
  /** `host=db-1, dc!=eu` */
  series: string;
  type: 'once' | 'weekly' | 'cron';
  /** `datetime-local` values, in the browser's time zone. */
  from: string;
  to: string;
  days: Weekday[];
  start: string;
  end: string;
  cron: string;
  duration: string;
  timezone: string;
  enabled: boolean;
}

export const NEW_WINDOW: WindowDraft = {
  id: '',
  name: '',
  detector: '',
  series: '',
  type: 'weekly',
  from: '',
  to: '',
  days: ['sun'],
  start: '02:00',
  end: '04:00',
  cron: '0 3 1 * *',
  duration: '2h',
  timezone: 'UTC',
  enabled: true,
};

/** `host=db-1, dc!=eu` as tag filters; throws on a part that is neither `key=value` nor `key!=value`. */
export function parseSeriesFilters(text: string): TagFilter[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^([^=!\s]+)\s*(!=|=)\s*(.+)$/.exec(part);
      if (!match)
        throw new Error(`Series filter "${part}": write key=value or key!=value, separated by commas.`);
      return { key: match[1]!, operator: match[2] as '=' | '!=', value: match[3]!.trim() };
    });
}

export function windowOf(draft: WindowDraft): MaintenanceWindowInput {
  const schedule = (): MaintenanceWindowInput['schedule'] => {
    if (draft.type === 'once') {
      const from = Date.parse(draft.from);
      const to = Date.parse(draft.to);
      if (Number.isNaN(from) || Number.isNaN(to)) throw new Error('Choose when the window opens and closes.');
      return { type: 'once', from, to };
    }
    if (draft.type === 'weekly') {
      return {
        type: 'weekly',
        days: draft.days,
        start: draft.start,
        end: draft.end,
        timezone: draft.timezone,
      };
    }
    return {
      type: 'cron',
      cron: draft.cron.trim(),
      duration: draft.duration.trim(),
      timezone: draft.timezone,
    };
  };
  return {
    id: draft.id.trim(),
    ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
    scope: {
      ...(draft.detector ? { detector: draft.detector } : {}),
      series: parseSeriesFilters(draft.series),
    },
    schedule: schedule(),
    enabled: draft.enabled,
  };
}

/** What a window covers and when, in one line. */
export function describeWindow(window: MaintenanceWindow): { scope: string; when: string } {
  const filters = window.scope.series.map((f) => `${f.key}${f.operator}${f.value}`).join(', ');
  const scope = [window.scope.detector ? `detector ${window.scope.detector}` : 'every detector', filters]
    .filter(Boolean)
    .join(', series ');
  const { schedule } = window;
  const when =
    schedule.type === 'once'
      ? `${new Date(schedule.from).toLocaleString()} – ${new Date(schedule.to).toLocaleString()}`
      : schedule.type === 'weekly'
        ? `every ${schedule.days.join(', ')} ${schedule.start}–${schedule.end} ${schedule.timezone}`
        : `cron "${schedule.cron}" for ${schedule.duration} (${schedule.timezone})`;
  return { scope, when };
}
