/**
 * Walks many rows through a forest at once, for `IsolationForest.scoreRows`. Each leaf becomes a
 * node that leads to itself (`next = self`, split NaN: `x >= NaN` is false for every x), so every
 * row can take exactly the tree's height in steps without asking whether it has reached a leaf.
 * Four rows go down each tree side by side: their loads do not depend on each other, so the CPU
 * overlaps them, which a one-row-at-a-time walk (a chain of dependent loads) cannot. Gives the
 * leaves the plain walk gives for finite rows (the only rows scored; see `completeRows`).
 */
export class FixedDepthWalk {
  private readonly column: Int16Array;
  private readonly split: Float64Array;
  private readonly next: Int32Array;
  /** Steps from each tree's root to its deepest leaf. */
  private readonly height: Int32Array;

  constructor(
    private readonly roots: Int32Array,
    feature: Int16Array,
    split: Float64Array,
    left: Int32Array,
    /** Splits from its tree's root to each node. */
    depth: Int32Array,
  ) {
    const nodes = feature.length;
    this.column = new Int16Array(nodes);
    this.split = new Float64Array(nodes);
    this.next = new Int32Array(nodes);
    const tree = new Int32Array(nodes);
    this.height = new Int32Array(roots.length);
    roots.forEach((root, t) => {
      tree[root] = t;
    });
    // Children always come after their parent, so one forward pass sees every parent first.
    for (let n = 0; n < nodes; n++) {
      const t = tree[n]!;
      if (feature[n]! >= 0) {
        this.column[n] = feature[n]!;
        this.split[n] = split[n]!;
        this.next[n] = left[n]!;
        tree[left[n]!] = t;
        tree[left[n]! + 1] = t;
      } else {
        this.split[n] = Number.NaN;
        this.next[n] = n;
        this.height[t] = Math.max(this.height[t]!, depth[n]!);
      }
    }
  }

  /** Σ over trees of `leafValue[leaf]` for each row of `data` (row-major, `dims` columns). */
  sumOverTrees(data: Float64Array, dims: number, leafValue: Float64Array): Float64Array {
    const { column, split, next, roots, height } = this;
    const rows = Math.floor(data.length / dims);
    const totals = new Float64Array(rows);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t]!;
      const steps = height[t]!;
      let r = 0;
      for (; r + 4 <= rows; r += 4) {
        const o0 = r * dims;
        const o1 = o0 + dims;
        const o2 = o1 + dims;
        const o3 = o2 + dims;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        for (let s = 0; s < steps; s++) {
          n0 = next[n0]! + Number(data[o0 + column[n0]!]! >= split[n0]!);
          n1 = next[n1]! + Number(data[o1 + column[n1]!]! >= split[n1]!);
          n2 = next[n2]! + Number(data[o2 + column[n2]!]! >= split[n2]!);
          n3 = next[n3]! + Number(data[o3 + column[n3]!]! >= split[n3]!);
        }
        totals[r] = totals[r]! + leafValue[n0]!;
        totals[r + 1] = totals[r + 1]! + leafValue[n1]!;
        totals[r + 2] = totals[r + 2]! + leafValue[n2]!;
        totals[r + 3] = totals[r + 3]! + leafValue[n3]!;
      }
      for (; r < rows; r++) {
        const offset = r * dims;
        let node = root;
        for (let s = 0; s < steps; s++)
          node = next[node]! + Number(data[offset + column[node]!]! >= split[node]!);
        totals[r] = totals[r]! + leafValue[node]!;
      }
    }
    return totals;
  }
}
