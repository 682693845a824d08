/**
 * A running sum of doubles kept exactly, as Shewchuk's non-overlapping partials (the idea behind
 * Python's `math.fsum`). Adding and subtracting values in any order leaves the same exact sum, and
 * `total()` rounds it correctly, so a windowed mean no longer depends on the order values arrived
 * in, at O(1) per update instead of summing the window afresh.
 *
 * Values must be finite with |x| ≤ EXACT_SUM_LIMIT, so no partial can overflow for any number of
 * values a window holds; callers keep larger values out and handle them themselves.
 */
export class ExactSum {
  /** Non-overlapping, increasing in magnitude; their exact sum is the total. */
  private readonly partials: number[] = [];

  add(value: number): void {
    if (!(Math.abs(value) <= EXACT_SUM_LIMIT)) {
      throw new RangeError(
        `ExactSum takes finite values up to ${EXACT_SUM_LIMIT} in magnitude, got ${value}`,
      );
    }
    const partials = this.partials;
    let x = value;
    let kept = 0;
    for (let k = 0; k < partials.length; k++) {
      let y = partials[k]!;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const high = x + y;
      const low = y - (high - x);
      if (low !== 0) partials[kept++] = low;
      x = high;
    }
    partials.length = kept;
    partials.push(x);
  }

  subtract(value: number): void {
    this.add(-value);
  }

  /** The exact sum rounded to the nearest double (ties to even). */
  total(): number {
    const partials = this.partials;
    let n = partials.length;
    if (n === 0) return 0;
    let high = partials[--n]!;
    let low = 0;
    while (n > 0) {
      const x = high;
      const y = partials[--n]!;
      high = x + y;
      low = y - (high - x);
      if (low !== 0) break;
    }
    // `high + low` was rounded half-even; when the partials below push `low` further the same
    // way, the exact sum is past the halfway point and rounds the other way.
    if (n > 0 && ((low < 0 && partials[n - 1]! < 0) || (low > 0 && partials[n - 1]! > 0))) {
      const doubled = low * 2;
      const x = high + doubled;
      if (doubled === x - high) high = x;
    }
    return high;
  }
}

/** 2^990: a billion such values still sum below the largest double (2^1024). */
export const EXACT_SUM_LIMIT = 2 ** 990;
