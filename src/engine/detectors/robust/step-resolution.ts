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
  private readonly stepAt: Float64Array;
  private readonly stepSize: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private size = 0;
  private lastIndex = -1;
  private lastValue = Number.NaN;

  constructor(
    readonly memory: number,
    readonly horizon: number,
  ) {
    this.stepAt = new Float64Array(memory);
    this.stepSize = new Float64Array(memory);
    this.sorted = new Float64Array(memory);
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
    if (this.size === 0) return 0;
    const mid = (this.size - 1) / 2;
    return (this.sorted[Math.floor(mid)]! + this.sorted[Math.ceil(mid)]!) / 2;
  }

  /** Takes in point `index` (called in increasing index order). */
  observe(index: number, value: number): void {
    const follows = index === this.lastIndex + 1;
    const size = Math.abs(value - this.lastValue);
    this.lastIndex = index;
    this.lastValue = value;
    if (!follows || !(size > 0)) return;
    this.forgetBefore(index - this.horizon + 1);
    if (this.size === this.memory) this.dropOldest();
    const slot = (this.head + this.size) % this.memory;
    this.stepAt[slot] = index;
    this.stepSize[slot] = size;
    const at = this.lowerBound(size);
    this.sorted.copyWithin(at + 1, at, this.size);
    this.sorted[at] = size;
    this.size++;
  }

  private forgetBefore(index: number): void {
    while (this.size > 0 && this.stepAt[this.head]! < index) this.dropOldest();
  }

  private dropOldest(): void {
    const at = this.lowerBound(this.stepSize[this.head]!);
    this.sorted.copyWithin(at, at + 1, this.size);
    this.head = (this.head + 1) % this.memory;
    this.size--;
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
