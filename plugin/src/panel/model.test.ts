import { createDataFrame, FieldType } from '@grafana/data';
import { framesFromResponse } from '../datasource/frames';
import { scoredSeries, scoreResponse } from '../test/scoreResponse';
import { alignColumn, anomalyFlags, flaggedNear, joinTimes, regionAt, seriesFromFrames } from './model';

describe('seriesFromFrames', () => {
  it('reads a banded series from a Tidemark frame', () => {
    const [series] = seriesFromFrames(framesFromResponse(scoreResponse(), 'A'));
    expect(series).toMatchObject({ title: 'cpu usage_idle {host=a}', detector: 'robust', threshold: 70 });
    expect(series!.upper).toHaveLength(120);
    expect(series!.regions).toHaveLength(1);
    expect(anomalyFlags(series!).filter(Boolean)).toHaveLength(1);
  });

  it('reads every numeric field of a foreign frame as a plain line', () => {
    const frame = createDataFrame({
      name: 'influx',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1, 2, 3] },
        { name: 'mean', type: FieldType.number, values: [1, null, 3] },
        { name: 'max', type: FieldType.number, values: [2, 4, 6] },
        { name: 'host', type: FieldType.string, values: ['a', 'a', 'a'] },
      ],
    });
    const series = seriesFromFrames([frame]);
    expect(series.map((s) => s.title)).toEqual(['mean', 'max']);
    expect(series[0]!.value).toEqual([1, null, 3]);
    expect(series[0]!.upper).toBeUndefined();
    expect(anomalyFlags(series[0]!)).toEqual([false, false, false]);
  });

  it('ignores frames without time or rows', () => {
    const noTime = createDataFrame({ fields: [{ name: 'v', type: FieldType.number, values: [1] }] });
    const empty = createDataFrame({ fields: [{ name: 't', type: FieldType.time, values: [] }] });
    expect(seriesFromFrames([noTime, empty])).toEqual([]);
  });

  it('flags by score against the threshold when a frame has no anomaly column', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1, 2] },
        { name: 'value', type: FieldType.number, values: [5, 9] },
        { name: 'score', type: FieldType.number, values: [10, 90] },
      ],
    });
    const [series] = seriesFromFrames([frame]);
    expect(anomalyFlags(series!)).toEqual([false, true]);
    expect(anomalyFlags(series!, 5)).toEqual([true, true]);
  });
});

describe('alignment', () => {
  it('joins different time grids and leaves missing points as gaps', () => {
    const [a, b] = seriesFromFrames(
      framesFromResponse(
        scoreResponse([
          scoredSeries({}, 3),
          scoredSeries({ tags: { host: 'b' }, time: [Date.UTC(2026, 0, 1) + 30_000] }, 1, -1),
        ]),
        'A',
      ),
    );
    const times = joinTimes([a!, b!]);
    expect(times).toHaveLength(4);
    expect(alignColumn(b!, b!.value, times).filter((v) => v !== null)).toHaveLength(1);
  });

  it('finds the region covering a time', () => {
    const [series] = seriesFromFrames(framesFromResponse(scoreResponse(), 'A'));
    const region = series!.regions[0]!;
    expect(regionAt(series!, region.start)).toBe(region);
    expect(regionAt(series!, region.start - 60_000)).toBeUndefined();
  });
});

describe('flaggedNear', () => {
  // Ten points a minute apart, the one at minute 6 flagged (a one-point anomaly).
  const time = Array.from({ length: 10 }, (_, i) => i * 60_000);
  const [series] = seriesFromFrames([
    createDataFrame({
      name: 'cpu',
      fields: [
        { name: 'time', type: FieldType.time, values: time },
        { name: 'value', type: FieldType.number, values: time.map((_, i) => (i === 6 ? 90 : 10)) },
        { name: 'anomaly', type: FieldType.boolean, values: time.map((_, i) => i === 6) },
      ],
    }),
  ]);

  it('moves the cursor onto a flagged point under it, where points are denser than pixels', () => {
    expect(flaggedNear([series!], time, 5, 4 * 60_000, 7 * 60_000)).toBe(6);
    expect(flaggedNear([series!], time, 8, 5 * 60_000, 9 * 60_000)).toBe(6);
  });

  it('keeps the cursor where it is when nothing flagged lies under it', () => {
    expect(flaggedNear([series!], time, 3, 2 * 60_000, 4 * 60_000)).toBe(3);
    expect(flaggedNear([series!], time, 9, 8 * 60_000, 20 * 60_000)).toBe(9);
  });
});
