import { mergeCheckpoints, partitionCheckpointId } from './partition-checkpoints';
import { type Checkpoint, emptyCheckpoint } from './runner';

const part = (patch: Partial<Checkpoint>): Checkpoint => ({ ...emptyCheckpoint(), ...patch });

describe('mergeCheckpoints', () => {
  it('is scored up to the partition furthest behind, with the latest run and summed counts', () => {
    const merged = mergeCheckpoints([
      part({
        scoredUntil: 300,
        lastRunAt: 10,
        latePoints: 2,
        skipped: { points: 1, intervals: 4, last: null },
      }),
      part({ scoredUntil: 200, lastRunAt: 30, latePoints: 3, lastError: 'influx down' }),
    ]);
    expect(merged).toMatchObject({
      scoredUntil: 200,
      lastRunAt: 30,
      lastError: 'influx down',
      latePoints: 5,
      skipped: { points: 1, intervals: 4, last: null },
    });
  });

  it.each([
    ['a partition that never ran', [part({ scoredUntil: 300 }), null]],
    ['a partition that has not scored yet', [part({ scoredUntil: 300 }), part({ scoredUntil: null })]],
  ])('has scored nothing for every series with %s', (_, parts) => {
    expect(mergeCheckpoints(parts)?.scoredUntil).toBeNull();
  });

  it('is null before any partition ran', () => {
    expect(mergeCheckpoints([null, null])).toBeNull();
  });
});

describe('partitionCheckpointId', () => {
  it('is a valid record id for the longest detector id, and differs by partition and count', () => {
    const id = 'x'.repeat(128);
    const ids = [
      partitionCheckpointId(id, 0, 16),
      partitionCheckpointId(id, 1, 16),
      partitionCheckpointId(id, 0, 1),
    ];
    expect(new Set(ids).size).toBe(3);
    for (const one of ids) expect(one).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);
  });
});
