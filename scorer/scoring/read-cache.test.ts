/**
 * The read cache against a real InfluxDB: what it returns is what one full read of the range
 * returns, while it asks InfluxDB only for the intervals that may have changed.
 */
import type { TimeRange } from '@tidemark/core';
import { InfluxClient } from '../influx';
import { readSeries } from '../influx/series-query';
import { seasonalPoints } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';
import { ReadCache } from './read-cache';

const influxd = useInfluxd();
const MINUTE = 60_000;
const T = Date.UTC(2025, 0, 15);
const query = { database: 'cache', measurement: 'cpu', field: 'value', groupBy: ['host'], tags: [] };
let influx: InfluxClient;

beforeAll(async () => {
  influx = new InfluxClient({ url: influxd.current.url });
  await influx.query('CREATE DATABASE "cache"');
  for (const host of ['a', 'b']) await influx.write('cache', seasonalPoints('cpu', { host }, T, 600, MINUTE));
});

/** Reads through `cache`, recording the ranges asked of InfluxDB. */
function reader(cache: ReadCache) {
  const asked: TimeRange[] = [];
  const read = (range: TimeRange) => {
    asked.push(range);
    return readSeries(influx, query, range, MINUTE);
  };
  return {
    asked,
    read: (range: TimeRange, settledBefore: number) => cache.read('q', range, settledBefore, read),
  };
}

const full = (range: TimeRange) => readSeries(influx, query, range, MINUTE);
const byHost = (series: Awaited<ReturnType<typeof full>>) =>
  Object.fromEntries(series.map((s) => [s.tags.host, s.points]));

it('reads only from the settled time on, and returns what a full read returns', async () => {
  const { asked, read } = reader(new ReadCache(1_000_000));
  await read({ from: T, to: T + 300 * MINUTE }, T + 240 * MINUTE);
  // A point in the late window rewritten, and new ones: both are read.
  await influx.write('cache', [
    { measurement: 'cpu', tags: { host: 'a' }, time: T + 280 * MINUTE, fields: { value: -5 } },
  ]);
  const range = { from: T + 10 * MINUTE, to: T + 400 * MINUTE };
  const cached = await read(range, T + 250 * MINUTE);
  expect(asked.at(-1)).toEqual({ from: T + 250 * MINUTE, to: range.to });
  expect(byHost(cached)).toEqual(byHost(await full(range)));
  expect(byHost(cached).a).toContainEqual([T + 280 * MINUTE, -5]);
});

it('reads again from where the last read ended when that is before the settled time', async () => {
  const { asked, read } = reader(new ReadCache(1_000_000));
  await read({ from: T, to: T + 100 * MINUTE }, T);
  const range = { from: T, to: T + 500 * MINUTE };
  const cached = await read(range, T + 450 * MINUTE);
  expect(asked.at(-1)).toEqual({ from: T + 100 * MINUTE, to: range.to });
  expect(byHost(cached)).toEqual(byHost(await full(range)));
});

it('reads the whole range again when a series it did not keep turns up with history', async () => {
  const { asked, read } = reader(new ReadCache(1_000_000));
  const range = { from: T, to: T + 500 * MINUTE };
  await read(range, T + 440 * MINUTE);
  await influx.write('cache', seasonalPoints('cpu', { host: 'c' }, T, 500, MINUTE));
  const cached = await read(range, T + 440 * MINUTE);
  expect(asked.at(-1)).toEqual(range);
  expect(byHost(cached)).toEqual(byHost(await full(range)));
  expect(byHost(cached).c).toHaveLength(500);
});

it('reads in full once its points are older than maxAgeMs, and keeps none with room for none', async () => {
  let now = 0;
  const aged = reader(new ReadCache(1_000_000, 60_000, () => now));
  const range = { from: T, to: T + 300 * MINUTE };
  await aged.read(range, T + 200 * MINUTE);
  now = 59_999;
  await aged.read(range, T + 200 * MINUTE);
  expect(aged.asked.at(-1)).toEqual({ from: T + 200 * MINUTE, to: range.to });
  now = 60_000;
  await aged.read(range, T + 200 * MINUTE);
  expect(aged.asked.at(-1)).toEqual(range);

  const none = reader(new ReadCache(0));
  await none.read(range, T + 200 * MINUTE);
  await none.read(range, T + 200 * MINUTE);
  expect(none.asked).toEqual([range, range]);
});

it('answers an earlier range than it keeps with a plain read and keeps what it had', async () => {
  const { asked, read } = reader(new ReadCache(1_000_000));
  await read({ from: T, to: T + 300 * MINUTE }, T + 240 * MINUTE);
  const earlier = { from: T, to: T + 100 * MINUTE };
  expect(byHost(await read(earlier, T))).toEqual(byHost(await full(earlier)));
  await read({ from: T, to: T + 301 * MINUTE }, T + 241 * MINUTE);
  expect(asked.at(-1)).toEqual({ from: T + 241 * MINUTE, to: T + 301 * MINUTE });
});
