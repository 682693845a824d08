import { seededRandom } from '../../random';
import { FixedDepthWalk } from './fixed-depth-walk';
/**
 * Isolation forest (Liu, Ting & Zhou 2008) over a row-major Float64Array, with every tree of the
 * forest in one set of flat typed arrays. Node n is a leaf when `feature[n] < 0`; otherwise rows
 * with `x[feature[n]] < split[n]` go to `left[n]` and the others to `left[n] + 1` (children are
 * allocated as a pair, always after their parent, so the arrays also serialise compactly).
 */

export interface ForestOptions {
  /** Number of isolation trees. */
  trees: number;
  /** Rows subsampled without replacement for each tree (ψ); capped at the number of rows. */
  sampleSize: number;
  /** Seed of the only source of randomness, so the same data and seed give the same forest. */
  seed: number;
}

export const DEFAULT_FOREST_OPTIONS: Omit<ForestOptions, 'seed'> = { trees: 50, sampleSize: 256 };

const EULER_GAMMA = 0.5772156649015329;

/** c(n): the average path length of an unsuccessful binary-search-tree search among n points. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

const MAGIC = 0x46494d54; // "TMIF" little-endian
const FORMAT_VERSION = 1;
const HEADER_BYTES = 24;

export class IsolationForest {
  /** Path length credited at each node (depth + c(leaf size)); meaningful at leaves only. */
  private readonly leafPath: Float64Array;
  private readonly normaliser: number;
  private readonly walk: FixedDepthWalk;

  private constructor(
    /** Rows per tree actually used (ψ after capping at the training rows). */
    readonly sampleSize: number,
    /** Columns per row. */
    readonly dims: number,
    /** Root node of each tree. */
    readonly roots: Int32Array,
    /** Split column of each node, −1 for a leaf. */
    readonly feature: Int16Array,
    /** Split value of each inner node. */
    readonly split: Float64Array,
    /** First child of each inner node (the second is `left + 1`), −1 for a leaf. */
    readonly left: Int32Array,
    /** Training rows that reached each leaf, 0 for inner nodes. */
    readonly size: Int32Array,
  ) {
    const depth = nodeDepths(roots, feature, left);
    this.leafPath = leafPathLengths(feature, size, depth);
    this.normaliser = averagePathLength(sampleSize);
    this.walk = new FixedDepthWalk(roots, feature, split, left, depth);
  }

  get trees(): number {
    return this.roots.length;
  }

  get nodeCount(): number {
    return this.feature.length;
  }

  /** Grows a forest on `rows` rows of `dims` columns, stored row-major in `data` (all finite). */
  static fit(data: Float64Array, dims: number, options: ForestOptions): IsolationForest {
    if (!Number.isInteger(dims) || dims < 1 || dims > 0x7fff)
      throw new RangeError(`bad column count ${dims}`);
    const rows = Math.floor(data.length / dims);
    if (rows * dims !== data.length)
      throw new RangeError(`data length ${data.length} is not a multiple of ${dims}`);
    if (rows < 2) throw new RangeError(`an isolation forest needs at least 2 rows, got ${rows}`);
    if (!Number.isInteger(options.trees) || options.trees < 1)
      throw new RangeError(`bad tree count ${options.trees}`);
    if (!Number.isInteger(options.sampleSize) || options.sampleSize < 2) {
      throw new RangeError(`bad sample size ${options.sampleSize}`);
    }
    const builder = new TreeBuilder(data, rows, dims, Math.min(options.sampleSize, rows), options);
    return builder.build();
  }

  /** s(x) = 2^(−E[h(x)] / c(ψ)) for the row starting at `data[offset]`: ≈1 isolated, ≤0.5 ordinary. */
  scoreRow(data: Float64Array, offset = 0): number {
    let total = 0;
    for (let t = 0; t < this.roots.length; t++) total += this.pathLength(this.roots[t]!, data, offset);
    return this.scoreOf(total);
  }

  /**
   * Scores every row of a row-major matrix of finite values: the same numbers as `scoreRow` row by
   * row, several rows at a time through each tree (see fixed-depth-walk.ts).
   */
  scoreRows(data: Float64Array): Float64Array {
    const totals = this.walk.sumOverTrees(data, this.dims, this.leafPath);
    for (let r = 0; r < totals.length; r++) totals[r] = this.scoreOf(totals[r]!);
    return totals;
  }

  /** h(x) in one tree: the splits from `root` to x's leaf, plus c(size) for the leaf's unsplit rows. */
  private pathLength(root: number, data: Float64Array, offset: number): number {
    const { feature, split, left } = this;
    let node = root;
    let column = feature[node]!;
    while (column >= 0) {
      node = data[offset + column]! < split[node]! ? left[node]! : left[node]! + 1;
      column = feature[node]!;
    }
    return this.leafPath[node]!;
  }

  private scoreOf(totalPath: number): number {
    return 2 ** (-totalPath / this.roots.length / this.normaliser);
  }

  /** Little-endian bytes: a 24-byte header, then roots, feature, left, size and split arrays. */
  toBytes(): Uint8Array {
    const nodes = this.nodeCount;
    const bytes = new Uint8Array(HEADER_BYTES + 4 * this.trees + nodes * (2 + 4 + 4 + 8));
    const view = new DataView(bytes.buffer);
    const header = [MAGIC, FORMAT_VERSION, this.trees, this.sampleSize, this.dims, nodes];
    header.forEach((word, k) => {
      view.setUint32(4 * k, word, true);
    });
    let at = HEADER_BYTES;
    for (const root of this.roots) {
      view.setInt32(at, root, true);
      at += 4;
    }
    for (let k = 0; k < nodes; k++, at += 2) view.setInt16(at, this.feature[k]!, true);
    for (let k = 0; k < nodes; k++, at += 4) view.setInt32(at, this.left[k]!, true);
    for (let k = 0; k < nodes; k++, at += 4) view.setInt32(at, this.size[k]!, true);
    for (let k = 0; k < nodes; k++, at += 8) view.setFloat64(at, this.split[k]!, true);
    return bytes;
  }

  /** Reads `toBytes()` output, checking it describes well-formed trees (so scoring always ends). */
  static fromBytes(bytes: Uint8Array): IsolationForest {
    if (bytes.length < HEADER_BYTES) throw new Error('isolation forest bytes: truncated header');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const [magic, version, trees, sampleSize, dims, nodes] = [0, 1, 2, 3, 4, 5].map((k) =>
      view.getUint32(4 * k, true),
    ) as [number, number, number, number, number, number];
    if (magic !== MAGIC) throw new Error('isolation forest bytes: bad magic');
    if (version !== FORMAT_VERSION) throw new Error(`isolation forest bytes: unknown format v${version}`);
    if (bytes.length !== HEADER_BYTES + 4 * trees + nodes * 18) {
      throw new Error(
        `isolation forest bytes: expected ${HEADER_BYTES + 4 * trees + nodes * 18}, got ${bytes.length}`,
      );
    }
    const roots = new Int32Array(trees);
    const feature = new Int16Array(nodes);
    const left = new Int32Array(nodes);
    const size = new Int32Array(nodes);
    const split = new Float64Array(nodes);
    let at = HEADER_BYTES;
    for (let k = 0; k < trees; k++, at += 4) roots[k] = view.getInt32(at, true);
    for (let k = 0; k < nodes; k++, at += 2) feature[k] = view.getInt16(at, true);
    for (let k = 0; k < nodes; k++, at += 4) left[k] = view.getInt32(at, true);
    for (let k = 0; k < nodes; k++, at += 4) size[k] = view.getInt32(at, true);
    for (let k = 0; k < nodes; k++, at += 8) split[k] = view.getFloat64(at, true);
    checkStructure(trees, sampleSize, dims, roots, feature, left, size);
    return new IsolationForest(sampleSize, dims, roots, feature, split, left, size);
  }

  /** Assembles a forest from trimmed arrays (used by the builder). */
  static fromArrays(
    sampleSize: number,
    dims: number,
    arrays: {
      roots: Int32Array;
      feature: Int16Array;
      split: Float64Array;
      left: Int32Array;
      size: Int32Array;
    },
  ): IsolationForest {
    const { roots, feature, split, left, size } = arrays;
    checkStructure(roots.length, sampleSize, dims, roots, feature, left, size);
    return new IsolationForest(sampleSize, dims, roots, feature, split, left, size);
  }
}

/** Grows the trees of one forest into preallocated arrays (at most 2ψ − 1 nodes per tree). */
class TreeBuilder {
  private readonly random: () => number;
  private readonly heightLimit: number;
  private readonly permutation: Int32Array;
  private readonly sample: Int32Array;
  private readonly columns: Int32Array;
  private readonly roots: Int32Array;
  private readonly feature: Int16Array;
  private readonly split: Float64Array;
  private readonly left: Int32Array;
  private readonly size: Int32Array;
  private nodes = 0;

  constructor(
    private readonly data: Float64Array,
    private readonly rows: number,
    private readonly dims: number,
    private readonly sampleSize: number,
    private readonly options: ForestOptions,
  ) {
    this.random = seededRandom(options.seed);
    this.heightLimit = Math.ceil(Math.log2(sampleSize));
    this.permutation = Int32Array.from({ length: rows }, (_, r) => r);
    this.sample = new Int32Array(sampleSize);
    this.columns = Int32Array.from({ length: dims }, (_, c) => c);
    const capacity = options.trees * (2 * sampleSize - 1);
    this.roots = new Int32Array(options.trees);
    this.feature = new Int16Array(capacity);
    this.split = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.size = new Int32Array(capacity);
  }

  build(): IsolationForest {
    for (let t = 0; t < this.options.trees; t++) {
      this.drawSample();
      const root = this.nodes++;
      this.roots[t] = root;
      this.grow(root, 0, this.sampleSize, 0);
    }
    const n = this.nodes;
    return IsolationForest.fromArrays(this.sampleSize, this.dims, {
      roots: this.roots,
      feature: this.feature.slice(0, n),
      split: this.split.slice(0, n),
      left: this.left.slice(0, n),
      size: this.size.slice(0, n),
    });
  }

  /** Partial Fisher–Yates: the first ψ entries of the permutation become a uniform random subset. */
  private drawSample(): void {
    const { permutation, sample, rows } = this;
    for (let k = 0; k < this.sampleSize; k++) {
      const j = k + Math.floor(this.random() * (rows - k));
      const chosen = permutation[j]!;
      permutation[j] = permutation[k]!;
      permutation[k] = chosen;
      sample[k] = chosen;
    }
  }

  /** Splits sample[lo, hi) at `node` (depth `depth`) until rows are isolated or the height limit. */
  private grow(node: number, lo: number, hi: number, depth: number): void {
    const cut = depth < this.heightLimit && hi - lo > 1 ? this.chooseCut(lo, hi) : null;
    if (cut === null) {
      this.feature[node] = -1;
      this.left[node] = -1;
      this.size[node] = hi - lo;
      return;
    }
    const mid = this.partition(lo, hi, cut.column, cut.value);
    const child = this.nodes;
    this.nodes += 2;
    this.feature[node] = cut.column;
    this.split[node] = cut.value;
    this.left[node] = child;
    this.grow(child, lo, mid, depth + 1);
    this.grow(child + 1, mid, hi, depth + 1);
  }

  /** A uniformly random column that is not constant on the rows, and a uniform split within its range. */
  private chooseCut(lo: number, hi: number): { column: number; value: number } | null {
    const { data, dims, sample, columns } = this;
    for (let tried = 0; tried < dims; tried++) {
      const pick = tried + Math.floor(this.random() * (dims - tried));
      const column = columns[pick]!;
      columns[pick] = columns[tried]!;
      columns[tried] = column;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = lo; k < hi; k++) {
        const x = data[sample[k]! * dims + column]!;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      if (max > min) {
        const value = min + this.random() * (max - min);
        // Both sides must be non-empty: x < value holds for min, x ≥ value for max.
        return { column, value: value > min ? value : max };
      }
    }
    return null;
  }

  /** Moves rows with x[column] < value to the front of sample[lo, hi); returns the boundary. */
  private partition(lo: number, hi: number, column: number, value: number): number {
    const { data, dims, sample } = this;
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      if (data[sample[i]! * dims + column]! < value) i++;
      else {
        const row = sample[i]!;
        sample[i] = sample[j]!;
        sample[j] = row;
        j--;
      }
    }
    return i;
  }
}

/** Splits from its tree's root to each node. */
function nodeDepths(roots: Int32Array, feature: Int16Array, left: Int32Array): Int32Array {
  const depth = new Int32Array(feature.length);
  for (const root of roots) depth[root] = 0;
  // Children always come after their parent, so one forward pass sees every parent first.
  for (let n = 0; n < feature.length; n++) {
    if (feature[n]! >= 0) {
      depth[left[n]!] = depth[n]! + 1;
      depth[left[n]! + 1] = depth[n]! + 1;
    }
  }
  return depth;
}

/** Path length at each leaf: its depth plus c(size) for the rows the height limit left unsplit. */
function leafPathLengths(feature: Int16Array, size: Int32Array, depth: Int32Array): Float64Array {
  const path = new Float64Array(feature.length);
  for (let n = 0; n < feature.length; n++) {
    if (feature[n]! < 0) path[n] = depth[n]! + averagePathLength(size[n]!);
  }
  return path;
}

function checkStructure(
  trees: number,
  sampleSize: number,
  dims: number,
  roots: Int32Array,
  feature: Int16Array,
  left: Int32Array,
  size: Int32Array,
): void {
  const nodes = feature.length;
  const fail = (why: string) => {
    throw new Error(`isolation forest: malformed trees (${why})`);
  };
  if (trees < 1 || sampleSize < 2 || dims < 1)
    fail(`trees ${trees}, sample size ${sampleSize}, dims ${dims}`);
  for (const root of roots) if (root < 0 || root >= nodes) fail(`root ${root} out of range`);
  for (let n = 0; n < nodes; n++) {
    const column = feature[n]!;
    if (column >= dims) fail(`node ${n} splits on column ${column} of ${dims}`);
    if (column >= 0 && (left[n]! <= n || left[n]! + 1 >= nodes)) fail(`node ${n} has children ${left[n]}`);
    if (column < 0 && size[n]! < 0) fail(`leaf ${n} has size ${size[n]}`);
  }
}
