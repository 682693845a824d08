import { LineProtocolError } from './errors';
import { epochMsLiteral, qualifiedMeasurement, quoteIdentifier, quoteString, regexLiteral } from './escape';
import { escapeKey, escapeMeasurement, formatLine, quoteStringField } from './line-protocol';

describe('regex literals', () => {
  it.each([
    ['^web-\\d+$', '/^web-\\d+$/'],
    ['a/b', '/a\\x2Fb/'],
    ['a\\/b', '/a\\x2Fb/'],
    ['a\\\\/b', '/a\\\\\\x2Fb/'],
    ['ends\\\\', '/ends\\\\(?:)/'],
    ['line\nbreak', '/line\\nbreak/'],
    ['\\Qa/b\\c\\E', '/\\Qa\\E\\x2F\\Qb\\E\\\\\\Qc\\E/'],
    ['it\'s "q"', '/it\'s "q"/'],
  ])('%j → %s: no backslash before a slash, no slash but the delimiters', (pattern, literal) => {
    expect(regexLiteral(pattern)).toBe(literal);
    expect(literal.slice(1, -1)).not.toMatch(/\/|\\$|\n/);
  });

  it('refuses a lone trailing backslash and what InfluxQL cannot express', () => {
    expect(() => regexLiteral('a\\')).toThrow(/lone backslash/);
    expect(() => regexLiteral('a\rb')).toThrow(/carriage return/);
  });
});

describe('InfluxQL quoting', () => {
  it.each([
    ['cpu', '"cpu"', "'cpu'"],
    ['say "hi"', '"say \\"hi\\""', '\'say "hi"\''],
    ["it's", '"it\'s"', "'it\\'s'"],
    ['a\\b', '"a\\\\b"', "'a\\\\b'"],
    ['\\"', '"\\\\\\""', "'\\\\\"'"],
    ['line\nbreak', '"line\\nbreak"', "'line\\nbreak'"],
    ['"; DROP DATABASE x', '"\\"; DROP DATABASE x"', "'\"; DROP DATABASE x'"],
    ['', '""', "''"],
    ['日本 🌊', '"日本 🌊"', "'日本 🌊'"],
  ])('%j → identifier %s, string %s', (input, identifier, literal) => {
    expect(quoteIdentifier(input)).toBe(identifier);
    expect(quoteString(input)).toBe(literal);
  });

  it('qualifies measurements with and without a retention policy', () => {
    expect(qualifiedMeasurement('db', 'rp', 'm')).toBe('"db"."rp"."m"');
    expect(qualifiedMeasurement('d"b', undefined, 'm')).toBe('"d\\"b".."m"');
  });

  it('writes integer epoch-ms literals only', () => {
    expect(epochMsLiteral(1_700_000_000_000)).toBe('1700000000000ms');
    expect(() => epochMsLiteral(1.5)).toThrow(RangeError);
    expect(() => epochMsLiteral(Number.NaN)).toThrow(RangeError);
  });
});

describe('line protocol', () => {
  it.each([
    ['cpu load', 'cpu\\ load', 'cpu\\ load'],
    ['a,b=c', 'a\\,b=c', 'a\\,b\\=c'],
    ['quote"s\'', 'quote"s\'', 'quote"s\''],
    ['mid\\dle', 'mid\\dle', 'mid\\dle'],
  ])('%j → measurement %s, key %s', (input, measurement, key) => {
    expect(escapeMeasurement(input)).toBe(measurement);
    expect(escapeKey(input)).toBe(key);
  });

  it.each(['line\nbreak', 'carriage\rreturn', 'trailing\\', ''])(
    'refuses %j as a name or tag value',
    (input) => {
      expect(() => escapeKey(input)).toThrow(LineProtocolError);
      expect(() => escapeMeasurement(input)).toThrow(LineProtocolError);
    },
  );

  it('quotes string fields, keeping newlines', () => {
    expect(quoteStringField('a"b\\c\nd')).toBe('"a\\"b\\\\c\nd"');
  });

  it('formats a point with sorted tags, float fields and ms time; drops unwritable fields', () => {
    const line = formatLine({
      measurement: 'tidemark_anomaly',
      tags: { series: 'cpu host=a', detector: 'robust', empty: '' },
      fields: { value: 1, expected: Number.NaN, lower: null, anomaly: true, note: 'x' },
      time: 1_000,
    });
    expect(line).toBe(
      'tidemark_anomaly,detector=robust,series=cpu\\ host\\=a value=1,anomaly=true,note="x" 1000',
    );
  });

  it('returns null for a point without writable fields, and refuses fractional times', () => {
    expect(formatLine({ measurement: 'm', fields: { v: Number.NaN }, time: 1 })).toBeNull();
    expect(() => formatLine({ measurement: 'm', fields: { v: 1 }, time: 1.5 })).toThrow(LineProtocolError);
  });
});
