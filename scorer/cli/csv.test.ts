import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CsvError, parseSeriesCsv, parseTimestamp } from './csv';

const csv = (...lines: string[]) => lines.join('\n');

describe('parseTimestamp', () => {
  it.each<[string, number]>([
    ['2014-04-01 00:00:00', Date.UTC(2014, 3, 1)],
    ['2014-04-01 13:45:10', Date.UTC(2014, 3, 1, 13, 45, 10)],
    ['2014-04-01 13:45', Date.UTC(2014, 3, 1, 13, 45)],
    ['2014-04-01 13:45:10.5', Date.UTC(2014, 3, 1, 13, 45, 10, 500)],
    ['2014-04-01 13:45:10.123456', Date.UTC(2014, 3, 1, 13, 45, 10, 123)],
    ['2014-04-01T13:45:10', Date.UTC(2014, 3, 1, 13, 45, 10)],
    ['2016-02-29 00:00:00', Date.UTC(2016, 1, 29)],
    ['2014-03-09 02:30:00', Date.UTC(2014, 2, 9, 2, 30)], // does not exist in New York (DST gap)
    ['2014-04-01T13:45:10Z', Date.UTC(2014, 3, 1, 13, 45, 10)],
    ['2014-04-01T15:45:10+02:00', Date.UTC(2014, 3, 1, 13, 45, 10)],
    ['2014-04-01T08:45:10-0500', Date.UTC(2014, 3, 1, 13, 45, 10)],
    ['1396310400', Date.UTC(2014, 3, 1)],
    ['1396310400.5', Date.UTC(2014, 3, 1) + 500],
    ['1396310400000', Date.UTC(2014, 3, 1)],
  ])('%j → %p (UTC unless a zone is given)', (text, ms) => {
    expect(parseTimestamp(text)).toBe(ms);
  });

  it('reads zone-less timestamps as UTC on a machine whose zone is not UTC', () => {
    // Jest cannot change the zone of its own process, so ask a child running in New York.
    const texts = ['2014-04-01 00:00:00', '2014-07-01 12:30', '2014-03-09 02:30:00', '2014-04-01T13:45:10'];
    const script = `const { parseTimestamp } = require(${JSON.stringify(join(__dirname, 'csv.ts'))});
      process.stdout.write(JSON.stringify({ offset: new Date(2014, 3, 1).getTimezoneOffset(),
        times: ${JSON.stringify(texts)}.map(parseTimestamp) }));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
      env: { ...process.env, TZ: 'America/New_York' },
      encoding: 'utf8',
    });
    const { offset, times } = JSON.parse(output);
    expect(offset).not.toBe(0);
    expect(times).toEqual(texts.map((text) => parseTimestamp(text)));
    expect(times[0]).toBe(Date.UTC(2014, 3, 1));
  });

  it.each([
    ['a day that does not exist', '2014-02-30 00:00:00'],
    ['29 February of a common year', '2015-02-29 00:00:00'],
    ['month 13', '2014-13-01 00:00:00'],
    ['hour 24', '2014-02-01 24:00:00'],
    ['hour 25', '2014-02-01 25:00:00'],
    ['slashes', '2014/02/01 00:00:00'],
    ['a date without a time', '2014-02-01'],
    ['words', 'yesterday'],
    ['an empty cell', ''],
    ['too few digits for epoch time', '12345'],
    ['a negative number', '-1396310400'],
  ])('rejects %s (%j)', (_name, text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  // Out-of-range fields are refused, never rolled over into a later time.
  it.each([
    ['minute 75', '2014-02-01 10:75:00'],
    ['second 99', '2014-02-01 10:00:99'],
  ])('rejects %s (%j)', (_name, text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it('rejects an ISO timestamp on a day that does not exist', () => {
    expect(parseTimestamp('2014-02-30T00:00:00Z')).toBeNull();
  });
});

describe('parseSeriesCsv', () => {
  it('reads a NAB file: timestamps kept as written, values as numbers, in file order', () => {
    const parsed = parseSeriesCsv(
      csv(
        'timestamp,value',
        '2014-04-01 00:05:00,2.5',
        '2014-04-01 00:00:00,20',
        '2014-04-01 00:10:00,-1e3',
        '',
      ),
    );
    expect(parsed.timestamps).toEqual(['2014-04-01 00:05:00', '2014-04-01 00:00:00', '2014-04-01 00:10:00']);
    expect(parsed.points).toEqual([
      [Date.UTC(2014, 3, 1, 0, 5), 2.5],
      [Date.UTC(2014, 3, 1, 0, 0), 20],
      [Date.UTC(2014, 3, 1, 0, 10), -1000],
    ]);
  });

  it.each<[string, string, Array<number | null>]>([
    [
      'an empty value is a gap',
      csv('timestamp,value', '1396310400,1', '1396310460,', '1396310520,3'),
      [1, null, 3],
    ],
    ['a blank value is a gap', csv('timestamp,value', '1396310400,  ', '1396310460,2'), [null, 2]],
    ['quoted cells', csv('"timestamp","value"', '"1396310400","1.5"', '"1396310460",""'), [1.5, null]],
    [
      'a quoted comma in another column',
      csv('timestamp,label,value', '1396310400,"a, b",7', '1396310460,"say ""hi""",8'),
      [7, 8],
    ],
    [
      'columns in another order, header in any case',
      csv('Value,TimeStamp', '4,1396310400', '5,1396310460'),
      [4, 5],
    ],
    ['extra columns are ignored', csv('timestamp,value,label', '1396310400,1,x', '1396310460,2,y'), [1, 2]],
    ['CRLF line endings', 'timestamp,value\r\n1396310400,1\r\n1396310460,2\r\n', [1, 2]],
    ['blank lines are skipped', csv('timestamp,value', '', '1396310400,1', '   ', '1396310460,2'), [1, 2]],
    ['spaces around cells', csv(' timestamp , value ', ' 1396310400 , 1 '), [1]],
  ])('%s', (_name, text, values) => {
    expect(parseSeriesCsv(text).points.map(([, v]) => v)).toEqual(values);
  });

  it.each<[string, string, number, RegExp]>([
    ['a header without a value column', csv('timestamp,count', '1396310400,1'), 1, /"value"/],
    ['a header without a timestamp column', csv('time,value', '1396310400,1'), 1, /"timestamp"/],
    ['an empty file', '', 1, /timestamp/],
    ['a header and no rows', csv('timestamp,value', ''), 2, /no rows/],
    ['a short row', csv('timestamp,value', '1396310400,1', '1396310460'), 3, /columns/],
    [
      'a non-numeric value',
      csv('timestamp,value', '1396310400,1', '1396310460,2', '1396310520,abc'),
      4,
      /"abc"/,
    ],
    ['NaN as a value', csv('timestamp,value', '1396310400,NaN'), 2, /"NaN"/],
    ['Infinity as a value', csv('timestamp,value', '1396310400,Infinity'), 2, /"Infinity"/],
    [
      'a day that does not exist',
      csv('timestamp,value', '2014-02-28 00:00:00,1', '2014-02-30 00:00:00,2'),
      3,
      /2014-02-30/,
    ],
    ['a bad timestamp after blank lines', csv('timestamp,value', '', '', 'noon,1'), 4, /"noon"/],
  ])('rejects %s, naming line %p', (_name, text, line, message) => {
    let error: unknown;
    try {
      parseSeriesCsv(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).line).toBe(line);
    expect((error as CsvError).message).toMatch(new RegExp(`^line ${line}: `));
    expect((error as CsvError).message).toMatch(message);
  });

  it('reads a file that starts with a byte-order mark (Excel\'s "CSV UTF-8")', () => {
    expect(parseSeriesCsv('\uFEFFtimestamp,value\n1396310400,1\n').points).toEqual([
      [Date.UTC(2014, 3, 1), 1],
    ]);
  });
});
