import { type ContinuousDetector, continuousDetectorInputSchema } from '@tidemark/core';
import { definitionOf, draftOf, NEW_DRAFT } from './definition';

const stored: ContinuousDetector = {
  id: 'cpu-watch',
  name: 'CPU watch',
  query: {
    database: 'telegraf',
    measurement: 'cpu',
    field: 'usage_user',
    tags: [{ key: 'host', operator: '!=', value: 'web-9' }],
    groupBy: ['host'],
    aggregation: 'max',
  },
  interval: '1m',
  schedule: '15s',
  lag: '20s',
  maxBackfill: '1d',
  lateWindow: '2h',
  detector: { id: 'robust', params: { sensitivity: 'high', season: '1d', trainingWindow: '14d' } },
  output: { database: 'anomalies', measurement: 'cpu_anomaly' },
  enabled: true,
  provisioned: false,
  status: 'idle',
  scoredUntil: null,
  lastRunAt: null,
  lastError: null,
};

describe('detector drafts', () => {
  it('edit a stored detector without losing what the form does not show', () => {
    const { provisioned, status, scoredUntil, lastRunAt, lastError, ...definition } = stored;
    expect(definitionOf(draftOf(stored))).toEqual(definition);
  });

  it('refuse several fields in plain words: a detector scores one', () => {
    const draft = draftOf(stored);
    const query = { ...draft.query, fields: ['usage_user', 'usage_system'] };
    expect(() => definitionOf({ ...draft, query })).toThrow(/scores one field/);
  });

  it('pause by changing only `enabled`', () => {
    expect(definitionOf({ ...draftOf(stored), enabled: false })).toMatchObject({
      id: 'cpu-watch',
      enabled: false,
    });
  });

  it('build a definition the contract accepts from a filled-in new draft', () => {
    const draft = {
      ...NEW_DRAFT,
      id: ' mem ',
      query: { ...NEW_DRAFT.query, database: 'telegraf', measurement: 'mem', field: 'used' },
    };
    const definition = definitionOf(draft);
    expect(definition.id).toBe('mem');
    expect(definition).not.toHaveProperty('schedule');
    expect(continuousDetectorInputSchema.safeParse(definition).success).toBe(true);
  });

  it('say in plain words what the query lacks', () => {
    expect(() => definitionOf({ ...NEW_DRAFT, id: 'x' })).toThrow(
      'Choose a database, a measurement, a field in the query editor.',
    );
  });
});
