import { migrateQuery } from './migrate';
import { DEFAULT_QUERY, QUERY_VERSION, type TidemarkQuery } from './types';

describe('migrateQuery', () => {
  it('returns a current query unchanged (same object, so editors do not loop)', () => {
    const current: TidemarkQuery = {
      ...DEFAULT_QUERY,
      refId: 'A',
      database: 'db',
      measurement: 'm',
      field: 'f',
    };
    expect(migrateQuery(current)).toBe(current);
  });

  it.each([
    ['a new panel’s bare query', { refId: 'A' }, { ...DEFAULT_QUERY, refId: 'A' }],
    [
      'the pre-release shape (tag map, comma group-by, detector object)',
      {
        refId: 'B',
        database: 'telegraf',
        measurement: 'cpu',
        field: 'usage_idle',
        tags: { host: 'a', dc: 'x' },
        groupBy: 'rack, ,zone',
        detector: { id: 'lstm', params: { sensitivity: 'high', threshold: 60, trainingWindow: '14d' } },
      },
      {
        ...DEFAULT_QUERY,
        refId: 'B',
        database: 'telegraf',
        measurement: 'cpu',
        field: 'usage_idle',
        tags: [
          { key: 'host', operator: '=', value: 'a' },
          { key: 'dc', operator: '=', value: 'x' },
        ],
        groupBy: ['rack', 'zone'],
        detector: 'lstm',
        sensitivity: 'high',
        threshold: 60,
        trainingWindow: '14d',
      },
    ],
    [
      'hand-written provisioning JSON without operators or version',
      {
        refId: 'C',
        database: 'db',
        measurement: 'm',
        field: 'f',
        tags: [{ key: 'host', value: '$host' }],
        sensitivity: 'low',
      },
      {
        ...DEFAULT_QUERY,
        refId: 'C',
        database: 'db',
        measurement: 'm',
        field: 'f',
        tags: [{ key: 'host', operator: '=', value: '$host' }],
        sensitivity: 'low',
      },
    ],
    [
      'an unknown sensitivity falls back to the default',
      { refId: 'D', sensitivity: 'extreme' },
      { ...DEFAULT_QUERY, refId: 'D' },
    ],
  ])('migrates %s', (_name, saved, expected) => {
    expect(migrateQuery(saved as never)).toEqual(expected);
  });

  it('keeps Grafana’s own query keys (datasource, hide) and annotation settings', () => {
    const saved = {
      refId: 'A',
      hide: true,
      datasource: { uid: 'tm' },
      annotationSource: 'detectors' as const,
    };
    expect(migrateQuery(saved as never)).toMatchObject(saved);
  });

  it('is idempotent', () => {
    const once = migrateQuery({ refId: 'A', tags: { host: 'a' } } as never);
    expect(migrateQuery(once)).toBe(once);
    expect(once.queryVersion).toBe(QUERY_VERSION);
  });
});
