import { seriesQuerySchema } from '@tidemark/core';
import { narrowed, partitionOf, partitionTag } from './partitions';

const query = (input: {
  tags?: Array<{ key: string; operator?: '=' | '!='; value: string }>;
  groupBy?: string[];
}) => seriesQuerySchema.parse({ database: 'db', measurement: 'cpu', field: 'usage', ...input });

describe('partitionTag', () => {
  it.each([
    ['no group-by: one partition', {}, null],
    ['the first group-by key', { groupBy: ['host', 'region'] }, 'host'],
    [
      'not a key the query filters with = (more = filters would widen it)',
      { groupBy: ['host', 'region'], tags: [{ key: 'host', value: 'a' }] },
      'region',
    ],
    [
      'a != filter narrows, so its key still splits',
      { groupBy: ['host'], tags: [{ key: 'host', operator: '!=' as const, value: 'a' }] },
      'host',
    ],
    ['every key filtered with =', { groupBy: ['host'], tags: [{ key: 'host', value: 'a' }] }, null],
  ])('%s', (_, input, expected) => {
    expect(partitionTag(query(input))).toBe(expected);
  });
});

describe('partitionOf', () => {
  it('is FNV-1a mod P, the same in every process and version (a change would move every series)', () => {
    // FNV-1a("a") = 0xe40c292c, the published test vector: 3826002220 mod 1000 = 220.
    expect(partitionOf('a', 1_000)).toBe(220);
    // Computed apart (Python) over the UTF-16 code units.
    expect(['h0', 'h1', 'web-01', 'ünïcode'].map((value) => partitionOf(value, 16))).toEqual([5, 2, 7, 5]);
  });

  it('spreads many values over every partition', () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8_000; i++) counts[partitionOf(`host-${i}`, 8)]++;
    for (const n of counts) expect(n).toBeGreaterThan(800);
  });
});

describe('narrowed', () => {
  it("adds the partition's = filters to the query's own, and leaves the query alone without them", () => {
    const base = query({ groupBy: ['host'], tags: [{ key: 'dc', value: 'x' }] });
    const filters = [{ key: 'host', operator: '=' as const, value: 'a' }];
    expect(narrowed(base, filters).tags).toEqual([...base.tags, ...filters]);
    expect(narrowed(base, null)).toBe(base);
  });
});
