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
