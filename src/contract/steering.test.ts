import {
  backtestRequestSchema,
  continuousDetectorPatchSchema,
  maintenanceWindowInputSchema,
  markInputSchema,
} from '.';

const definition = {
  id: 'cpu',
  query: { database: 'db', measurement: 'cpu', field: 'usage' },
  interval: '1m',
};

describe('steering contract', () => {
  test('a detector patch sets only the fields it names (no defaults fill the rest)', () => {
    expect(continuousDetectorPatchSchema.parse({ enabled: false })).toEqual({ enabled: false });
    expect(continuousDetectorPatchSchema.safeParse({ id: 'other' }).success).toBe(false);
    expect(continuousDetectorPatchSchema.safeParse({ interval: 'soon' }).success).toBe(false);
  });

  test.each([
    [{ type: 'once', from: 2, to: 1 }, 'schedule.from'],
    [{ type: 'weekly', days: ['sun'], start: '25:00', end: '04:00' }, 'schedule.start'],
    [{ type: 'weekly', days: [], start: '02:00', end: '04:00' }, 'schedule.days'],
    [
      { type: 'weekly', days: ['sun'], start: '02:00', end: '04:00', timezone: 'Mars/Base' },
      'schedule.timezone',
    ],
    [{ type: 'cron', cron: '0 3 * * *', duration: '0s' }, 'schedule.duration'],
  ])('maintenance schedule %j is refused at %s', (schedule, path) => {
    const parsed = maintenanceWindowInputSchema.safeParse({ id: 'w', schedule });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  test('a weekly window defaults to UTC and a global scope', () => {
    const window = maintenanceWindowInputSchema.parse({
      id: 'w',
      schedule: { type: 'weekly', days: ['sun'], start: '02:00', end: '04:00' },
    });
    expect(window.scope).toEqual({ series: [] });
    expect(window.schedule).toMatchObject({ timezone: 'UTC' });
    expect(window.enabled).toBe(true);
  });

  test('a mark needs from <= to and a known kind', () => {
    const mark = { detector: 'cpu', series: 'cpu usage', kind: 'missed', from: 5, to: 5 };
    expect(markInputSchema.safeParse(mark).success).toBe(true);
    expect(markInputSchema.safeParse({ ...mark, from: 6 }).success).toBe(false);
    expect(markInputSchema.safeParse({ ...mark, kind: 'fine' }).success).toBe(false);
  });

  test('a backtest takes a continuous detector definition and a range', () => {
    const parsed = backtestRequestSchema.parse({ definition, range: { from: 0, to: 60_000 } });
    expect(parsed.definition.detector.id).toBe('ensemble');
    expect(backtestRequestSchema.safeParse({ definition, range: { from: 1, to: 1 } }).success).toBe(false);
  });
});
