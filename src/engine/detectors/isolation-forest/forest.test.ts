import { seededRandom } from '../../random';
import { averagePathLength, IsolationForest } from './forest';

/** Rows of `dims` standard normal columns, row-major. */
function gaussianRows(rows: number, dims: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from(
    { length: rows * dims },
    () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  );
}

/** Byte-for-byte equality without jest walking every element. */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Deepest leaf of each tree, walking the flat arrays from the roots. */
function treeDepths(forest: IsolationForest): number[] {
  return Array.from(forest.roots, (root) => {
    let deepest = 0;
    const stack: [number, number][] = [[root, 0]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!;
      if (forest.feature[node]! < 0) deepest = Math.max(deepest, depth);
      else stack.push([forest.left[node]!, depth + 1], [forest.left[node]! + 1, depth + 1]);
    }
    return deepest;
  });
}

describe('averagePathLength', () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 1],
    [3, 2 * (Math.log(2) + 0.5772156649015329) - 4 / 3],
    [256, 10.2447709201199],
  ])('c(%i) = %f', (n, expected) => {
    expect(averagePathLength(n)).toBeCloseTo(expected, 10);
  });
});

describe('seededRandom', () => {
  it('repeats for a seed, differs across seeds, and stays in [0, 1)', () => {
    const a = Array.from({ length: 1000 }, seededRandom(42));
    expect(Array.from({ length: 1000 }, seededRandom(42))).toEqual(a);
    expect(Array.from({ length: 1000 }, seededRandom(43))).not.toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
    expect(a.reduce((s, x) => s + x, 0) / a.length).toBeCloseTo(0.5, 1);
  });
});

describe('IsolationForest shape', () => {
  it.each([
    { rows: 1000, dims: 5, trees: 100, sampleSize: 256, psi: 256 },
    { rows: 1000, dims: 1, trees: 10, sampleSize: 64, psi: 64 },
    { rows: 100, dims: 3, trees: 7, sampleSize: 256, psi: 100 },
    { rows: 2, dims: 2, trees: 3, sampleSize: 256, psi: 2 },
  ])('$rows×$dims, $trees trees, ψ $sampleSize', ({ rows, dims, trees, sampleSize, psi }) => {
    const data = gaussianRows(rows, dims, 1);
    const forest = IsolationForest.fit(data, dims, { trees, sampleSize, seed: 1 });
    expect(forest.trees).toBe(trees);
    expect(forest.sampleSize).toBe(psi);
    expect(forest.dims).toBe(dims);
    expect(forest.nodeCount).toBeLessThanOrEqual(trees * (2 * psi - 1));
    for (const depth of treeDepths(forest)) expect(depth).toBeLessThanOrEqual(Math.ceil(Math.log2(psi)));
    let leafRows = 0;
    forest.feature.forEach((column, n) => {
      if (column < 0) leafRows += forest.size[n]!;
    });
    expect(Math.max(...forest.feature)).toBeLessThan(dims);
    expect(leafRows).toBe(trees * psi);
    const scores = forest.scoreRows(data);
    expect(scores).toHaveLength(rows);
    expect(Math.min(...scores)).toBeGreaterThan(0);
    expect(Math.max(...scores)).toBeLessThan(1);
  });

  it.each([
    { why: 'one row', data: new Float64Array(3), dims: 3, trees: 10, sampleSize: 8 },
    { why: 'no columns', data: new Float64Array(10), dims: 0, trees: 10, sampleSize: 8 },
    { why: 'ragged data', data: new Float64Array(10), dims: 3, trees: 10, sampleSize: 8 },
    { why: 'no trees', data: new Float64Array(10), dims: 1, trees: 0, sampleSize: 8 },
    { why: 'ψ of 1', data: new Float64Array(10), dims: 1, trees: 10, sampleSize: 1 },
  ])('rejects $why', ({ data, dims, trees, sampleSize }) => {
    expect(() => IsolationForest.fit(data, dims, { trees, sampleSize, seed: 1 })).toThrow(RangeError);
  });
});

describe('IsolationForest scores', () => {
  it('isolates a far point first and keeps ordinary points near or below 0.5', () => {
    const data = gaussianRows(2000, 2, 3);
    data.set([6, -6], 0);
    const scores = IsolationForest.fit(data, 2, { trees: 100, sampleSize: 256, seed: 9 }).scoreRows(data);
    const rest = Array.from(scores.subarray(1)).sort((a, b) => a - b);
    expect(scores[0]).toBeGreaterThan(rest[rest.length - 1]!);
    expect(scores[0]).toBeGreaterThan(0.7);
    expect(rest[rest.length >> 1]).toBeLessThan(0.5);
  });

  it('scores a matrix tree by tree exactly as row by row', () => {
    const data = gaussianRows(300, 4, 8);
    const forest = IsolationForest.fit(data, 4, { trees: 40, sampleSize: 64, seed: 3 });
    const byRow = Float64Array.from({ length: 300 }, (_, r) => forest.scoreRow(data, r * 4));
    expect(forest.scoreRows(data)).toEqual(byRow);
  });

  it('gives every row 0.5 when all rows are identical (trees are single leaves)', () => {
    const data = new Float64Array(300).fill(4);
    const forest = IsolationForest.fit(data, 3, { trees: 5, sampleSize: 64, seed: 1 });
    expect(forest.nodeCount).toBe(5);
    expect(forest.scoreRow(Float64Array.of(4, 4, 4))).toBeCloseTo(0.5, 12);
    expect(forest.scoreRow(Float64Array.of(100, -3, 4))).toBeCloseTo(0.5, 12);
  });

  it('splits on a column only when it varies', () => {
    const data = gaussianRows(500, 3, 5);
    for (let r = 0; r < 500; r++) data[r * 3 + 1] = 7;
    const forest = IsolationForest.fit(data, 3, { trees: 20, sampleSize: 128, seed: 2 });
    expect(Array.from(forest.feature)).not.toContain(1);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const data = gaussianRows(1000, 4, 11);
    const fit = (seed: number) => IsolationForest.fit(data, 4, { trees: 50, sampleSize: 128, seed });
    expect(sameBytes(fit(5).toBytes(), fit(5).toBytes())).toBe(true);
    expect(fit(5).scoreRows(data)).toEqual(fit(5).scoreRows(data));
    expect(sameBytes(fit(6).toBytes(), fit(5).toBytes())).toBe(false);
    expect(fit(6).scoreRows(data)).not.toEqual(fit(5).scoreRows(data));
  });
});

describe('IsolationForest bytes', () => {
  const data = gaussianRows(800, 3, 21);
  const forest = IsolationForest.fit(data, 3, { trees: 30, sampleSize: 200, seed: 4 });

  it('round-trips to the same trees and identical scores', () => {
    const bytes = forest.toBytes();
    expect(bytes.length).toBe(24 + 4 * 30 + 18 * forest.nodeCount);
    // A copy at a non-zero offset of a larger buffer, as a decoder may hand it over.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const loaded = IsolationForest.fromBytes(shifted.subarray(3));
    expect(sameBytes(loaded.toBytes(), bytes)).toBe(true);
    expect(loaded.sampleSize).toBe(200);
    expect(loaded.scoreRows(data)).toEqual(forest.scoreRows(data));
  });

  const patched = (patch: (view: DataView) => void) => () => {
    const bytes = forest.toBytes();
    patch(new DataView(bytes.buffer));
    return bytes;
  };
  const leftAt = 24 + 4 * 30 + 2 * forest.nodeCount;
  it.each([
    { why: 'truncated', bytes: () => forest.toBytes().subarray(0, -1), message: /expected/ },
    { why: 'bad magic', bytes: patched((v) => v.setUint32(0, 1, true)), message: /magic/ },
    { why: 'unknown version', bytes: patched((v) => v.setUint32(4, 2, true)), message: /format v2/ },
    {
      why: 'a child before its parent',
      bytes: patched((v) => v.setInt32(leftAt, 0, true)),
      message: /children/,
    },
    {
      why: 'a split column out of range',
      bytes: patched((v) => v.setInt16(24 + 120, 3, true)),
      message: /column/,
    },
  ])('rejects $why', ({ bytes, message }) => {
    expect(() => IsolationForest.fromBytes(bytes())).toThrow(message);
  });
});
