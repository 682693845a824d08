import { SortedWindow } from '../../sorted-window';

/**
 * The typical size of a series' non-zero steps |xᵢ − xᵢ₋₁|: the median of its last `memory`
 * non-zero steps among the last `horizon` points. It keeps the spread of a series that is almost
 * always exactly predicted (an error count resting at 0, a clean square wave) at the scale the
 * series moves by, where a spread from residuals that are nearly all 0 shrinks towards nothing
 * and makes every small burst look like a record.
 *
 * What it holds after point i depends only on points (i − horizon, i], so scoring a series in
 * pieces gives the same figures as scoring it whole.
 */
export class StepResolution {
  private readonly sizes: SortedWindow;
  /** The index of each remembered step, oldest first, in step with `sizes`' own order. */
  private readonly stepAt: Float64Array;
  private oldest = 0;
  private lastIndex = -1;
  private lastValue = Number.NaN;

  constructor(
    readonly memory: number,
    readonly horizon: number,
  ) {
    this.sizes = new SortedWindow(memory);
    this.stepAt = new Float64Array(memory);
  }

  /** A tracker that has seen what precedes `index` in `values` (as far back as it remembers). */
  static before(values: ArrayLike<number>, index: number, memory: number, horizon: number): StepResolution {
    const tracker = new StepResolution(memory, horizon);
    const earliest = Math.max(1, index - horizon);
    let start = index;
    let found = 0;
    for (let j = index - 1; j >= earliest && found < memory; j--) {
      const size = Math.abs(values[j]! - values[j - 1]!);
      if (size > 0) found++;
      start = j - 1;
    }
    for (let j = start; j < index; j++) tracker.observe(j, values[j]!);
    return tracker;
  }

  /** The median non-zero step remembered at `index` (0 when there is none). */
  scaleAt(index: number): number {
    this.forgetBefore(index - this.horizon);
    const size = this.sizes.length;
    if (size === 0) return 0;
    const mid = (size - 1) / 2;
    return (this.sizes.nth(Math.floor(mid)) + this.sizes.nth(Math.ceil(mid))) / 2;
  }

  /** Takes in point `index` (called in increasing index order). */
  observe(index: number, value: number): void {
    const follows = index === this.lastIndex + 1;
    const size = Math.abs(value - this.lastValue);
    this.lastIndex = index;
    this.lastValue = value;
    if (!follows || !(size > 0)) return;
    this.forgetBefore(index - this.horizon + 1);
    const count = this.sizes.length;
    // A full window evicts its oldest step as it takes the new one.
    if (count === this.memory) this.oldest = (this.oldest + 1) % this.memory;
    this.stepAt[(this.oldest + Math.min(count, this.memory - 1)) % this.memory] = index;
    this.sizes.push(size);
  }

  private forgetBefore(index: number): void {
    while (this.sizes.length > 0 && this.stepAt[this.oldest]! < index) {
      this.sizes.dropOldest();
      this.oldest = (this.oldest + 1) % this.memory;
    }
  }
}
