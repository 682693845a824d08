import { maintenanceScheduleSchema } from '@tidemark/core';
import { inPeriods, mergePeriods, openPeriods, ScheduleError } from './schedule';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const periods = (schedule: unknown, from: string, to: string) =>
  openPeriods(maintenanceScheduleSchema.parse(schedule), at(from), at(to)).map((p) => [
    new Date(p.from).toISOString(),
    new Date(p.to).toISOString(),
  ]);

describe('maintenance schedules', () => {
  test.each([
    [
      'once, clipped to the range',
      { type: 'once', from: '2025-01-01T23:00:00Z', to: '2025-01-02T02:00:00Z' },
      [['2025-01-02T00:00:00.000Z', '2025-01-02T02:00:00.000Z']],
    ],
    [
      'weekly on Sunday 02:00–04:00 Berlin (UTC+1 in January)',
      { type: 'weekly', days: ['sun'], start: '02:00', end: '04:00', timezone: 'Europe/Berlin' },
      [
        ['2025-01-05T01:00:00.000Z', '2025-01-05T03:00:00.000Z'],
        ['2025-01-12T01:00:00.000Z', '2025-01-12T03:00:00.000Z'],
      ],
    ],
    [
      'weekly past midnight: Saturday 23:00 to Sunday 01:00',
      { type: 'weekly', days: ['sat'], start: '23:00', end: '01:00' },
      [
        ['2025-01-04T23:00:00.000Z', '2025-01-05T01:00:00.000Z'],
        ['2025-01-11T23:00:00.000Z', '2025-01-12T01:00:00.000Z'],
      ],
    ],
    [
      'cron on the 2nd of the month at 03:00 for 2h',
      { type: 'cron', cron: '0 3 2 * *', duration: '2h' },
      [['2025-01-02T03:00:00.000Z', '2025-01-02T05:00:00.000Z']],
    ],
  ])('%s', (_name, schedule, expected) => {
    expect(periods(schedule, '2025-01-02T00:00:00Z', '2025-01-13T00:00:00Z')).toEqual(expected);
  });

  test('an opening that started before the range is clipped to it', () => {
    expect(
      periods(
        { type: 'weekly', days: ['sun'], start: '22:00', end: '06:00' },
        '2025-01-06T01:00:00Z',
        '2025-01-06T12:00:00Z',
      ),
    ).toEqual([['2025-01-06T01:00:00.000Z', '2025-01-06T06:00:00.000Z']]);
  });

  test('overlapping openings merge (every 30 minutes for an hour is one period)', () => {
    const merged = periods(
      { type: 'cron', cron: '*/30 * * * *', duration: '1h' },
      '2025-01-01T00:00:00Z',
      '2025-01-01T03:00:00Z',
    );
    expect(merged).toEqual([['2025-01-01T00:00:00.000Z', '2025-01-01T03:00:00.000Z']]);
  });

  test.each(['0 3 * *', '0 0 3 * * *', 'sixty * * * *', '61 * * * *'])(
    'cron %j is refused, naming the field',
    (cron) => {
      expect(() =>
        periods({ type: 'cron', cron, duration: '1h' }, '2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z'),
      ).toThrow(ScheduleError);
    },
  );

  test('inPeriods: [from, to) of merged periods', () => {
    const merged = mergePeriods([
      { from: 10 * H, to: 12 * H },
      { from: 0, to: H },
      { from: 11 * H, to: 13 * H },
    ]);
    expect(merged).toEqual([
      { from: 0, to: H },
      { from: 10 * H, to: 13 * H },
    ]);
    expect([0, H - 1, H, 10 * H, 13 * H - 1, 13 * H].map((t) => inPeriods(merged, t))).toEqual([
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
  });
});
