import { createDataFrame, FieldType } from '@grafana/data';
import { seriesFromFrames } from '../../model';
import { markAt } from './markTarget';

const time = [0, 60_000, 120_000, 180_000];
const [series] = seriesFromFrames([
  createDataFrame({
    name: 'cpu usage_user {host=web-1}',
    fields: [
      { name: 'time', type: FieldType.time, values: time },
      { name: 'value', type: FieldType.number, values: [1, 9, 9, null] },
      { name: 'score', type: FieldType.number, values: [10, 90, 80, null] },
      { name: 'anomaly', type: FieldType.boolean, values: [false, true, true, false] },
    ],
    meta: {
      custom: {
        tidemark: {
          detector: 'robust',
          threshold: 70,
          regions: [
            {
              start: 60_000,
              end: 120_000,
              peakTime: 60_000,
              peakScore: 90,
              detector: 'robust',
              explanation: '',
            },
          ],
        },
      },
    },
  }),
]);

describe('markAt', () => {
  it('marks a flagged point’s whole region not an anomaly', () => {
    expect(markAt(series!, 120_000, undefined, 'cpu-watch')).toEqual({
      detector: 'cpu-watch',
      series: 'cpu usage_user {host=web-1}',
      kind: 'not-anomaly',
      from: 60_000,
      to: 120_000,
    });
  });

  it('marks an unflagged point’s interval missed, up to the next point', () => {
    expect(markAt(series!, 0, undefined, 'cpu-watch')).toMatchObject({ kind: 'missed', from: 0, to: 59_999 });
  });

  it('marks the finer region a coarser drawn step holds (a backtest drawn at a longer step)', () => {
    const [coarse] = seriesFromFrames([
      createDataFrame({
        name: 'cpu usage_user {host=web-1}',
        fields: [
          { name: 'time', type: FieldType.time, values: [0, 120_000, 240_000] },
          { name: 'value', type: FieldType.number, values: [1, 9, 1] },
          { name: 'anomaly', type: FieldType.boolean, values: [false, true, false] },
        ],
        meta: {
          custom: {
            tidemark: {
              threshold: 70,
              regions: [
                {
                  start: 180_000,
                  end: 180_000,
                  peakTime: 180_000,
                  peakScore: 90,
                  detector: 'robust',
                  explanation: '',
                },
              ],
            },
          },
        },
      }),
    ]);
    expect(markAt(coarse!, 120_000, undefined, 'cpu-watch')).toMatchObject({
      kind: 'not-anomaly',
      from: 180_000,
      to: 180_000,
    });
  });

  it('offers nothing where there is no value', () => {
    expect(markAt(series!, 180_000, undefined, 'cpu-watch')).toBeNull();
  });
});
