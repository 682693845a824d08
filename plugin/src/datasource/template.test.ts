import { fakeTemplateSrv } from '../test/fakes';
import { tidemarkQuery } from '../test/query';
import { expandMultiValues, interpolateQuery, MAX_EXPANSION } from './template';

let templateSrv = fakeTemplateSrv({});
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => templateSrv,
}));

describe('template variables', () => {
  it('expands the cross product of multi-value tag variables', () => {
    templateSrv = fakeTemplateSrv({ host: ['a', 'b'], dc: ['x', 'y', 'z'] });
    const interpolated = interpolateQuery(
      tidemarkQuery({
        tags: [
          { key: 'host', operator: '=', value: '$host' },
          { key: 'dc', operator: '!=', value: '$dc' },
        ],
      }),
      {},
    );
    const expanded = expandMultiValues(interpolated);
    expect(expanded).toHaveLength(6);
    expect(expanded[5]!.tags).toEqual([
      { key: 'host', operator: '=', value: 'b' },
      { key: 'dc', operator: '!=', value: 'z' },
    ]);
  });

  it('splits a multi-value variable in group-by into several tag keys', () => {
    templateSrv = fakeTemplateSrv({ by: ['host', 'dc'] });
    expect(interpolateQuery(tidemarkQuery({ groupBy: ['$by', 'rack'] }), {}).groupBy).toEqual([
      'host',
      'dc',
      'rack',
    ]);
  });

  it('refuses to fan out beyond the limit, with advice', () => {
    templateSrv = fakeTemplateSrv({ host: Array.from({ length: MAX_EXPANSION + 1 }, (_, i) => `h${i}`) });
    const interpolated = interpolateQuery(
      tidemarkQuery({ tags: [{ key: 'host', operator: '=', value: '$host' }] }),
      {},
    );
    expect(() => expandMultiValues(interpolated)).toThrow(/group by the tag instead/);
  });

  it('leaves a query without variables as one query', () => {
    templateSrv = fakeTemplateSrv({});
    const plain = tidemarkQuery({ tags: [{ key: 'host', operator: '=', value: 'a' }] });
    expect(expandMultiValues(interpolateQuery(plain, {}))).toEqual([plain]);
  });
});
