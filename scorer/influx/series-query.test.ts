import { AGGREGATIONS } from '@tidemark/core';
import { useInfluxd } from '../test/influxd';
import { InfluxClient } from './client';
import { MIN_INTERVALS_PER_PART, readSeries, splitRange } from './series-query';

describe('splitRange', () => {
  const step = 60_000;

  it('keeps a small range whole', () => {
    const range = { from: 0, to: (2 * MIN_INTERVALS_PER_PART - 1) * step };
    expect(splitRange(range, step, 2)).toEqual([range]);
    expect(splitRange({ from: 0, to: 10 * MIN_INTERVALS_PER_PART * step }, step, 1)).toHaveLength(1);
  });

  it.each([2, 3, 4])(
    'cuts a large range into %i pieces that tile it, every inner cut on a bucket start',
    (parts) => {
      const range = { from: 12_345, to: 12_345 + 10_000 * step + 777 };
      const pieces = splitRange(range, step, parts);
      expect(pieces).toHaveLength(parts);
      expect(pieces[0]!.from).toBe(range.from);
      expect(pieces.at(-1)!.to).toBe(range.to);
      pieces.slice(1).forEach((piece, k) => {
        expect(piece.from).toBe(pieces[k]!.to);
        expect(piece.from % step).toBe(0);
        expect(piece.from).toBeGreaterThan(pieces[k]!.from);
      });
    },
  );
});

describe('readSeries in parts, against a real InfluxDB', () => {
  const influxd = useInfluxd();
  const step = 1_000;
  const count = 3 * MIN_INTERVALS_PER_PART;

  beforeAll(async () => {
    const client = new InfluxClient({ url: influxd.current.url });
    await client.query('CREATE DATABASE "parts"');
    const points = [];
    for (let i = 0; i < count; i++) {
      // Two raw points per bucket, so a bucket cut in two would show up as a different mean.
      points.push({ measurement: 'm', tags: { host: 'a' }, fields: { v: i }, time: i * step + 100 });
      points.push({ measurement: 'm', tags: { host: 'a' }, fields: { v: i + 0.5 }, time: i * step + 900 });
      // Host b only appears in the last third: a series that only a later part sees.
      if (i >= 2 * MIN_INTERVALS_PER_PART) {
        points.push({ measurement: 'm', tags: { host: 'b' }, fields: { v: -i }, time: i * step });
      }
    }
    await client.write('parts', points);
  }, 60_000);

  it.each([2, 3])('gives exactly what one query gives (%i parts)', async (parts) => {
    const client = new InfluxClient({ url: influxd.current.url });
    const query = { database: 'parts', measurement: 'm', field: 'v', groupBy: ['host'] };
    // A start inside a bucket: the first bucket is partial in both reads.
    const range = { from: 500, to: count * step };
    const whole = await readSeries(client, query, range, step);
    const split = await readSeries(client, query, range, step, { parts });
    expect(whole.map((s) => s.tags)).toEqual([{ host: 'a' }, { host: 'b' }]);
    expect(whole[0]!.points).toHaveLength(count);
    expect(whole[0]!.points[0]).toEqual([0, 0.5]);
    expect(split).toEqual(whole);
  });
});

describe('aggregations, against a real InfluxDB', () => {
  const influxd = useInfluxd();
  const step = 60_000;
  const T0 = 28_000_000 * step;
  const range = { from: T0 + 10 * step, to: T0 + 50 * step };
  let client: InfluxClient;
  const lastValues: number[] = [];

  beforeAll(async () => {
    client = new InfluxClient({ url: influxd.current.url });
    await client.query('CREATE DATABASE "agg"');
    const points = [];
    let counter = 0;
    for (let i = 0; i < 60; i++) {
      // Three raw points per interval; a counter that resets once (at 30) for the derivatives.
      for (const offset of [5_000, 20_000, 45_000]) {
        counter = i === 30 && offset === 5_000 ? 0 : counter + ((i * 7 + offset / 5_000) % 11);
        points.push({
          measurement: 'm',
          tags: { host: 'a' },
          fields: { v: counter },
          time: T0 + i * step + offset,
        });
      }
      lastValues.push(counter);
    }
    await client.write('agg', points);
  }, 60_000);

  /** What influxd itself answers for the InfluxQL a user would write for this aggregation. */
  async function influxdAnswer(selection: string, from: number) {
    const [result] = await client.query(
      `SELECT ${selection} FROM "agg".."m" WHERE time >= ${from}ms AND time < ${range.to}ms GROUP BY time(1m) fill(none)`,
    );
    return (result?.series?.[0]?.values ?? []).map(([time, value]) => [time, value]);
  }

  it.each(AGGREGATIONS.filter((a) => !a.includes('derivative')))(
    '%s gives what influxd gives for the same InfluxQL',
    async (aggregation) => {
      const query = { database: 'agg', measurement: 'm', field: 'v', aggregation };
      const [read] = await readSeries(client, query, range, step);
      expect(read!.points).toHaveLength(40);
      expect(read!.points).toEqual(await influxdAnswer(`${aggregation}("v")`, range.from));
    },
  );

  it.each(['derivative', 'non_negative_derivative'] as const)(
    "%s is the per-second rate of each interval's last value, from the range's first interval on",
    async (aggregation) => {
      const query = { database: 'agg', measurement: 'm', field: 'v', aggregation };
      const [read] = await readSeries(client, query, range, step);
      // influxd reads the interval before the range itself, so the first interval has a rate too.
      const expected = await influxdAnswer(`${aggregation}(last("v"), 1s)`, range.from);
      expect(expected[0]![0]).toBe(range.from);
      expect(read!.points).toEqual(expected);
      const reset = read!.points.find(([time]) => time === T0 + 30 * step);
      if (aggregation === 'derivative') expect(reset![1]).toBeLessThan(0);
      else expect(reset).toBeUndefined();
      const at = (i: number) => read!.points.find(([time]) => time === T0 + i * step)![1];
      expect(at(20)).toBeCloseTo((lastValues[20]! - lastValues[19]!) / 60, 9);
    },
  );
});
