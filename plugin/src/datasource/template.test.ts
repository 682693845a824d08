// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana's ${var} syntax is what these tests feed in
/**
 * Grafana cannot run here: these tests follow Grafana's documented template-variable contract
 * (TemplateSrv.replace with a format function; "All" with and without a custom all value; the
 * `$__all` value; `${var:format}`), which `fakeTemplateSrv` keeps.
 */
import { fakeTemplateSrv } from '../test/fakes';
import { tidemarkQuery } from '../test/query';
import { interpolateQuery } from './template';
import type { TidemarkQuery } from './types';

let templateSrv = fakeTemplateSrv({});
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => templateSrv,
}));

const HOSTS = ['web-1', 'web.2', 'db/3'];
const withTags = (tags: TidemarkQuery['tags'], more: Partial<TidemarkQuery> = {}) =>
  interpolateQuery(tidemarkQuery({ tags, ...more }), {});

describe('tag filters with template variables', () => {
  it('keeps a single value as it is', () => {
    templateSrv = fakeTemplateSrv({ host: 'a' });
    const query = withTags([{ key: 'host', operator: '=', value: '$host' }]);
    expect(query.tags).toEqual([{ key: 'host', operator: '=', value: 'a' }]);
    expect(query.groupBy).toEqual([]);
  });

  it('several values in a `=` filter: one request, an anchored regex of the escaped values, grouped by the key', () => {
    templateSrv = fakeTemplateSrv({ host: HOSTS });
    const query = withTags([{ key: 'host', operator: '=', value: '$host' }]);
    expect(query.tags).toEqual([{ key: 'host', operator: '=~', value: '^(web-1|web\\.2|db/3)$' }]);
    expect(query.groupBy).toEqual(['host']);
  });

  it('several values in a `!=` filter: excluded together, not grouped', () => {
    templateSrv = fakeTemplateSrv({ host: ['a', 'b'] });
    const query = withTags([{ key: 'host', operator: '!=', value: '$host' }]);
    expect(query.tags).toEqual([{ key: 'host', operator: '!~', value: '^(a|b)$' }]);
    expect(query.groupBy).toEqual([]);
  });

  it.each([
    ['$host', 'web-1|web\\.2|db/3'],
    ['${host}', 'web-1|web\\.2|db/3'],
    ['[[host]]', 'web-1|web\\.2|db/3'],
    ['${host:glob}', 'web-1|web\\.2|db/3'],
    ['${host:regex}', 'web-1|web\\.2|db/3'],
    ['${host:pipe}', 'web-1|web\\.2|db/3'],
    ['${host:csv}', 'web-1|web\\.2|db/3'],
  ])("`=` with %s reads the values themselves, not Grafana's joined text", (value, alternatives) => {
    templateSrv = fakeTemplateSrv({ host: HOSTS });
    expect(withTags([{ key: 'host', operator: '=', value }]).tags).toEqual([
      { key: 'host', operator: '=~', value: `^(${alternatives})$` },
    ]);
  });

  it("a regex filter gets each value escaped, several as (a|b), as Grafana's InfluxDB data source does", () => {
    templateSrv = fakeTemplateSrv({ host: HOSTS, one: 'x.y' });
    const query = withTags([
      { key: 'host', operator: '=~', value: '/^$host$/' },
      { key: 'dc', operator: '!~', value: '^${one:regex}-' },
    ]);
    expect(query.tags).toEqual([
      { key: 'host', operator: '=~', value: '^(web-1|web\\.2|db/3)$' },
      { key: 'dc', operator: '!~', value: '^x\\.y-' },
    ]);
    expect(query.groupBy).toEqual([]);
  });

  it('"All" without a custom all value: every option, as for several values', () => {
    templateSrv = fakeTemplateSrv({ host: { options: HOSTS, current: ['$__all'] } });
    expect(withTags([{ key: 'host', operator: '=', value: '$host' }]).tags).toEqual([
      { key: 'host', operator: '=~', value: '^(web-1|web\\.2|db/3)$' },
    ]);
    expect(withTags([{ key: 'host', operator: '=~', value: '^$host$' }]).tags).toEqual([
      { key: 'host', operator: '=~', value: '^(web-1|web\\.2|db/3)$' },
    ]);
  });

  it('"All" with a custom all value (.*): the value used as a regex, in `=` and regex filters', () => {
    templateSrv = fakeTemplateSrv({ host: { options: HOSTS, current: '$__all', allValue: '.*' } });
    const query = withTags([{ key: 'host', operator: '=', value: '$host' }]);
    expect(query.tags).toEqual([{ key: 'host', operator: '=~', value: '^(?:.*)$' }]);
    expect(query.groupBy).toEqual(['host']);
    expect(withTags([{ key: 'host', operator: '!=', value: '${host}' }]).tags).toEqual([
      { key: 'host', operator: '!~', value: '^(?:.*)$' },
    ]);
    expect(withTags([{ key: 'host', operator: '=~', value: '/^$host$/' }]).tags).toEqual([
      { key: 'host', operator: '=~', value: '^.*$' },
    ]);
  });

  it('a custom all value is a regex only while "All" is selected', () => {
    templateSrv = fakeTemplateSrv({ host: { options: HOSTS, current: 'web.2', allValue: '.*' } });
    expect(withTags([{ key: 'host', operator: '=', value: '$host' }]).tags).toEqual([
      { key: 'host', operator: '=', value: 'web.2' },
    ]);
  });

  it('the `$__all` value itself: no filter for `=` (grouped by the key), every value for a regex', () => {
    templateSrv = fakeTemplateSrv({});
    const query = withTags([{ key: 'host', operator: '=', value: '$__all' }]);
    expect(query.tags).toEqual([]);
    expect(query.groupBy).toEqual(['host']);
    templateSrv = fakeTemplateSrv({ host: '$__all' });
    expect(withTags([{ key: 'host', operator: '=~', value: '^$host$' }]).tags).toEqual([
      { key: 'host', operator: '=~', value: '^.*$' },
    ]);
  });

  it('groups by a key once, whether asked for or added by a multi-value filter', () => {
    templateSrv = fakeTemplateSrv({ host: ['a', 'b'] });
    const query = withTags([{ key: 'host', operator: '=', value: '$host' }], { groupBy: ['host', 'dc'] });
    expect(query.groupBy).toEqual(['host', 'dc']);
  });
});

describe('other fields with template variables', () => {
  it('splits a multi-value variable in group-by into several tag keys', () => {
    templateSrv = fakeTemplateSrv({ by: ['host', 'dc'] });
    expect(interpolateQuery(tidemarkQuery({ groupBy: ['$by', 'rack'] }), {}).groupBy).toEqual([
      'host',
      'dc',
      'rack',
    ]);
  });

  it('a multi-value field variable asks for several fields', () => {
    templateSrv = fakeTemplateSrv({ f: ['usage_user', 'usage_system'] });
    const query = interpolateQuery(tidemarkQuery({ field: '$f' }), {});
    expect(query.fields).toEqual(['usage_user', 'usage_system']);
    expect(query.field).toBe('usage_user');
  });

  it('leaves a query without variables as it is', () => {
    templateSrv = fakeTemplateSrv({});
    const plain = tidemarkQuery({ tags: [{ key: 'host', operator: '=', value: 'a' }] });
    expect(interpolateQuery(plain, {})).toEqual({ ...plain, fields: [plain.field] });
  });
});
