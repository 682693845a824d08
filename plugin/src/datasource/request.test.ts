import { tidemarkQuery } from '../test/query';
import { toScoreRequest } from './request';
import type { TidemarkQuery } from './types';

describe('toScoreRequest', () => {
  it.each<[string, Partial<TidemarkQuery>, RegExp]>([
    ['missing series parts', { database: '', field: '' }, /Choose a database, a field in the query editor/],
    ['unknown detector', { detector: 'prophet' }, /Unknown detector "prophet"/],
    ['bad training window', { trainingWindow: 'a week' }, /detector.params.trainingWindow/],
    ['threshold out of range', { threshold: 0 }, /detector.params.threshold/],
    ['unknown aggregation', { aggregation: 'p99' }, /query.aggregation/],
  ])('rejects %s before calling the scorer', (_name, overrides, message) => {
    expect(() => toScoreRequest(tidemarkQuery(overrides), 0, 1000, 60_000)).toThrow(message);
  });

  it('drops empty tag rows and optional parameters that are not set', () => {
    const request = toScoreRequest(
      tidemarkQuery({ tags: [{ key: '', operator: '=', value: '' }] }),
      0,
      1000,
      1500.4,
    );
    expect(request.query.tags).toEqual([]);
    expect(request.intervalMs).toBe(1500);
    expect(request.detector).toEqual({ id: 'ensemble', params: { sensitivity: 'medium' } });
  });

  it('rejects an empty time range', () => {
    expect(() => toScoreRequest(tidemarkQuery({}), 1000, 1000, 60_000)).toThrow(/range.from/);
  });
});
