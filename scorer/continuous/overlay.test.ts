import { continuousDetectorInputSchema, singleFieldScoreRequestSchema } from '@tidemark/core';
import { coveringDetector } from './overlay';

const query = { database: 'metrics', measurement: 'cpu', field: 'value', groupBy: ['host'] };
const definition = continuousDetectorInputSchema.parse({
  id: 'cpu',
  name: 'CPU',
  query,
  interval: '1m',
  detector: { id: 'robust', params: { trainingWindow: '1d', sensitivity: 'high' } },
});
const request = (change: Record<string, unknown> = {}) =>
  singleFieldScoreRequestSchema.parse({
    query,
    range: { from: 0, to: 3_600_000 },
    intervalMs: 60_000,
    detector: { id: 'robust', params: { sensitivity: 'high', trainingWindow: '1d' } },
    ...change,
  });

describe('coveringDetector', () => {
  it('finds the detector of the same query, detector, parameters (any order) and interval', () => {
    expect(coveringDetector([definition], request())?.id).toBe('cpu');
  });

  it.each([
    ['another interval', { intervalMs: 30_000 }],
    [
      'another detector',
      { detector: { id: 'ensemble', params: { sensitivity: 'high', trainingWindow: '1d' } } },
    ],
    [
      'other parameters',
      { detector: { id: 'robust', params: { sensitivity: 'low', trainingWindow: '1d' } } },
    ],
    ['another group-by', { query: { ...query, groupBy: [] } }],
    ['another filter', { query: { ...query, tags: [{ key: 'host', value: 'a' }] } }],
  ])('finds none for %s', (_case, change) => {
    expect(coveringDetector([definition], request(change))).toBeUndefined();
  });
});
