import { toScoreRequest } from './request';
import { DEFAULT_QUERY, type TidemarkQuery } from './types';

const query = (overrides: Partial<TidemarkQuery>): TidemarkQuery => ({
  ...DEFAULT_QUERY,
  refId: 'A',
  database: 'db',
  measurement: 'm',
  field: 'f',
  ...overrides,
});

describe('toScoreRequest', () => {
  it.each<[string, Partial<TidemarkQuery>, RegExp]>([
    ['missing series parts', { database: '', field: '' }, /Choose a database, a field in the query editor/],
    ['unknown detector', { detector: 'prophet' }, /Unknown detector "prophet"/],
    ['bad training window', { trainingWindow: 'a week' }, /detector.params.trainingWindow/],
    ['threshold out of range', { threshold: 0 }, /detector.params.threshold/],
    ['unknown aggregation', { aggregation: 'p99' }, /query.aggregation/],
  ])('rejects %s before calling the scorer', (_name, overrides, message) => {
    expect(() => toScoreRequest(query(overrides), 0, 1000, 60_000)).toThrow(message);
  });

  it('drops empty tag rows and optional parameters that are not set', () => {
    const request = toScoreRequest(query({ tags: [{ key: '', operator: '=', value: '' }] }), 0, 1000, 1500.4);
    expect(request.query.tags).toEqual([]);
    expect(request.intervalMs).toBe(1500);
    expect(request.detector).toEqual({ id: 'ensemble', params: { sensitivity: 'medium' } });
  });

  it('rejects an empty time range', () => {
    expect(() => toScoreRequest(query({}), 1000, 1000, 60_000)).toThrow(/range.from/);
  });
});
