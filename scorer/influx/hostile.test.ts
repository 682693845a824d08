/**
 * Hostile names and values through the real influxd: every string is written (when line
 * protocol can carry it) and read back with built queries, which must select exactly the
 * intended series — never another one, never an error, never a second statement.
 */
import { escapeRegex } from '@tidemark/core';
import { useInfluxd } from '../test/influxd';
import { InfluxClient } from './client';
import { LineProtocolError } from './errors';
import { quoteIdentifier } from './escape';
import { formatLine } from './line-protocol';
import { listDatabases, listFieldKeys, listMeasurements, listTagKeys, listTagValues } from './schema';
import { readSeries } from './series-query';

const HOSTILE = [
  'plain',
  "it's",
  'say "hi"',
  'back\\slash',
  'double\\\\back',
  "escaped\\'apos",
  'semi;colon',
  'dash -- comment',
  '"; DROP DATABASE keep; --',
  "'; DROP DATABASE keep; --",
  "x' OR 'a'='a",
  'x" OR "a"="a',
  "') OR time > 0 --",
  'ünïcødé ✓ 日本語 🌊',
  'comma,equals=space here',
  'tab\there',
  '/regex.*/',
  ' leading space',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable left unexpanded, on purpose
  '$__interval ${var}',
  'a::tag',
  'SELECT * FROM x',
] as const;

/** Strings line protocol cannot carry: queries with them must still run, and match nothing. */
const UNWRITABLE = ['new\nline', 'trailing\\', 'escaped\\"quote', 'back\\,comma', 'back\\ space'] as const;

/** Strings InfluxQL cannot express: refused before anything is sent. */
const INEXPRESSIBLE = ['carriage\rreturn', 'nul\u0000char', 'lone \ud800 surrogate'] as const;

/** InfluxDB itself refuses database names with `/`, `\` or non-printable characters. */
const INVALID_DATABASE_NAME = /[/\\\p{Cc}]/u;

const T0 = 28_333_333 * 60_000; // on a minute boundary, so GROUP BY time(1m) keeps it
const RANGE = { from: T0 - 60_000, to: T0 + 60_000 };

const influxd = useInfluxd();
let client: InfluxClient;

beforeAll(async () => {
  client = new InfluxClient({ url: influxd.current.url });
  for (const db of ['keep', 'hostile']) await client.query(`CREATE DATABASE ${quoteIdentifier(db)}`);
  // Every hostile string as a tag value of one measurement, each with its own field value.
  await client.write(
    'hostile',
    HOSTILE.map((value, i) => ({ measurement: 'cpu', tags: { host: value }, fields: { v: i }, time: T0 })),
  );
});

describe.each(HOSTILE.map((value, index) => ({ value, index })))(
  'hostile string $value',
  ({ value, index }) => {
    it('as a tag value: round-trips and selects exactly its own series', async () => {
      const query = { database: 'hostile', measurement: 'cpu', field: 'v', tags: [{ key: 'host', value }] };
      const series = await readSeries(client, query, RANGE, 60_000);
      expect(series).toEqual([{ tags: {}, points: [[T0, index]] }]);

      const grouped = await readSeries(client, { ...query, groupBy: ['host'] }, RANGE, 60_000);
      expect(grouped).toEqual([{ tags: { host: value }, points: [[T0, index]] }]);
    });

    it('as `!=` tag value: excludes exactly its own series', async () => {
      const query = {
        database: 'hostile',
        measurement: 'cpu',
        field: 'v',
        tags: [{ key: 'host', operator: '!=' as const, value }],
        groupBy: ['host'],
      };
      const series = await readSeries(client, query, RANGE, 60_000);
      expect(series.map((s) => s.tags.host).sort()).toEqual(HOSTILE.filter((v) => v !== value).sort());
    });

    it('as an escaped, anchored `=~` regex: selects exactly its own series; `!~` excludes it', async () => {
      const pattern = `^${escapeRegex(value)}$`;
      const query = (operator: '=~' | '!~') => ({
        database: 'hostile',
        measurement: 'cpu',
        field: 'v',
        tags: [{ key: 'host', operator, value: pattern }],
        groupBy: ['host'],
      });
      expect(await readSeries(client, query('=~'), RANGE, 60_000)).toEqual([
        { tags: { host: value }, points: [[T0, index]] },
      ]);
      const others = await readSeries(client, query('!~'), RANGE, 60_000);
      expect(others.map((s) => s.tags.host).sort()).toEqual(HOSTILE.filter((v) => v !== value).sort());
    });

    it('as database, measurement, field and tag key: written, listed and read back', async () => {
      const [created] = await client.query(`CREATE DATABASE ${quoteIdentifier(value)}`);
      const database = INVALID_DATABASE_NAME.test(value) ? `names_${index}` : value;
      if (database !== value) {
        expect(created?.error).toBe('invalid name');
        await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
      }
      await client.write(database, [
        { measurement: value, tags: { [value]: value }, fields: { [value]: index }, time: T0 },
      ]);
      const target = { database };
      expect(await listDatabases(client)).toContain(database);
      expect(await listMeasurements(client, target)).toEqual([value]);
      expect(await listFieldKeys(client, target, value)).toEqual([{ name: value, type: 'float' }]);
      expect(await listTagKeys(client, target, value)).toEqual([value]);
      expect(await listTagValues(client, target, value, value)).toEqual([value]);
      const query = {
        database,
        measurement: value,
        field: value,
        tags: [{ key: value, value }],
        groupBy: [value],
      };
      expect(await readSeries(client, query, RANGE, 1_000)).toEqual([
        { tags: { [value]: value }, points: [[T0, index]] },
      ]);
    });
  },
);

describe.each(UNWRITABLE.map((value) => ({ value })))('unwritable string $value', ({ value }) => {
  it('is refused by the line-protocol writer instead of written as something else', () => {
    expect(() =>
      formatLine({ measurement: 'cpu', tags: { host: value }, fields: { v: 1 }, time: T0 }),
    ).toThrow(LineProtocolError);
    expect(() => formatLine({ measurement: value, fields: { v: 1 }, time: T0 })).toThrow(LineProtocolError);
  });

  it('still makes a valid query that matches nothing', async () => {
    const query = { database: 'hostile', measurement: 'cpu', field: 'v', tags: [{ key: 'host', value }] };
    expect(await readSeries(client, query, RANGE, 60_000)).toEqual([]);
    const asNames = { database: 'hostile', measurement: value, field: value, groupBy: [value] };
    expect(await readSeries(client, asNames, RANGE, 60_000)).toEqual([]);
    expect(await listTagValues(client, { database: 'hostile' }, 'cpu', value)).toEqual([]);
  });
});

describe.each(INEXPRESSIBLE.map((value) => ({ value })))('inexpressible string $value', ({ value }) => {
  it('is refused with a 400-class error naming the problem, as a value and as a name', async () => {
    const asValue = { database: 'hostile', measurement: 'cpu', field: 'v', tags: [{ key: 'host', value }] };
    await expect(readSeries(client, asValue, RANGE, 60_000)).rejects.toMatchObject({
      kind: 'bad-query',
      status: 400,
      message: expect.stringMatching(/InfluxQL cannot express/),
    });
    const asName = { database: 'hostile', measurement: value, field: 'v' };
    await expect(readSeries(client, asName, RANGE, 60_000)).rejects.toMatchObject({ status: 400 });
    expect(() =>
      formatLine({ measurement: 'cpu', tags: { host: value }, fields: { v: 1 }, time: T0 }),
    ).toThrow(LineProtocolError);
  });
});

/**
 * Regexes as users write them, each with what it must select. None may end the `/…/` literal
 * early: what follows in the query (another filter here) must still apply.
 */
const REGEXES: [pattern: string, hosts: string[]][] = [
  ['^/regex', ['/regex.*/']],
  ['^\\/regex\\.\\*\\/$', ['/regex.*/']],
  ['^back\\\\slash$', ['back\\slash']],
  ['^double\\\\\\\\', ['double\\\\back']],
  ['^\\Q/regex.*/\\E$', ['/regex.*/']],
  ['^\\Qback\\slash\\E$', ['back\\slash']],
  ['^it\'s|say "hi"', ["it's", 'say "hi"']],
  ['(?i)^PLAIN$', ['plain']],
  ['/ OR time > 0 OR host =~ /.*', []],
  ['x\\\\', []],
];

it.each(REGEXES)(
  'regex %j selects exactly %j, and the filters after it still apply',
  async (pattern, hosts) => {
    const query = {
      database: 'hostile',
      measurement: 'cpu',
      field: 'v',
      tags: [{ key: 'host', operator: '=~' as const, value: pattern }],
      groupBy: ['host'],
    };
    const series = await readSeries(client, query, RANGE, 60_000);
    expect(series.map((s) => s.tags.host).sort()).toEqual([...hosts].sort());
    const narrowed = {
      ...query,
      tags: [...query.tags, { key: 'host', operator: '!=' as const, value: hosts[0] ?? '' }],
    };
    const rest = await readSeries(client, narrowed, RANGE, 60_000);
    expect(rest.map((s) => s.tags.host).sort()).toEqual(hosts.slice(1).sort());
  },
);

it("passes InfluxDB's own regex error on as a bad query", async () => {
  const query = {
    database: 'hostile',
    measurement: 'cpu',
    field: 'v',
    tags: [{ key: 'host', operator: '=~' as const, value: '(?=look)ahead' }],
  };
  await expect(readSeries(client, query, RANGE, 60_000)).rejects.toMatchObject({
    kind: 'bad-query',
    status: 400,
  });
});

it('ORs `=` filters on one key and ANDs different keys', async () => {
  const query = {
    database: 'hostile',
    measurement: 'cpu',
    field: 'v',
    tags: [
      { key: 'host', value: 'plain' },
      { key: 'host', value: "it's" },
    ],
    groupBy: ['host'],
  };
  const series = await readSeries(client, query, RANGE, 60_000);
  expect(series.map((s) => s.tags.host).sort()).toEqual(["it's", 'plain']);
  const withOther = { ...query, tags: [...query.tags, { key: 'region', value: 'eu' }] };
  expect(await readSeries(client, withOther, RANGE, 60_000)).toEqual([]);
});

it('narrows tag values by other tag filters', async () => {
  await client.write('hostile', [
    { measurement: 'net', tags: { host: 'a', dc: "o'hare" }, fields: { v: 1 }, time: T0 },
    { measurement: 'net', tags: { host: 'b', dc: 'x" OR "1"="1' }, fields: { v: 1 }, time: T0 },
  ]);
  const target = { database: 'hostile' };
  expect(await listTagValues(client, target, 'net', 'host')).toEqual(['a', 'b']);
  expect(
    await listTagValues(client, target, 'net', 'host', { filters: [{ key: 'dc', value: "o'hare" }] }),
  ).toEqual(['a']);
});

it('dropped no database (runs last)', async () => {
  expect(await listDatabases(client)).toEqual(expect.arrayContaining(['keep', 'hostile']));
});
