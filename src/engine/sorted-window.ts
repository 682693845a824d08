/**
 * The last `capacity` numbers pushed, kept sorted for O(log n) rank queries and O(n) updates
 * (a typed-array memmove, fast at the sizes used here: hundreds to a few thousand values).
 */
export class SortedWindow {
  private readonly sorted: Float64Array;
  private readonly ring: Float64Array;
  private size = 0;
  private head = 0;
  private total = 0;

  constructor(readonly capacity: number) {
    this.sorted = new Float64Array(capacity);
    this.ring = new Float64Array(capacity);
  }

  /** A window holding the last `capacity` of `values` (oldest first), built in O(n log n). */
  static of(capacity: number, values: ArrayLike<number>): SortedWindow {
    const window = new SortedWindow(capacity);
    const start = Math.max(0, values.length - capacity);
    const count = values.length - start;
    for (let k = 0; k < count; k++) {
      const v = values[start + k]!;
      window.ring[k] = v;
      window.sorted[k] = v;
      window.total += v;
    }
    window.sorted.subarray(0, count).sort();
    window.size = count;
    window.head = count % capacity;
    return window;
  }

  /** Another window holding the same values in the same order (only the slots in use are copied). */
  copy(): SortedWindow {
    const window = new SortedWindow(this.capacity);
    window.sorted.set(this.sorted.subarray(0, this.size));
    const start = this.oldestSlot;
    const end = start + this.size;
    window.ring.set(this.ring.subarray(start, Math.min(end, this.capacity)), start);
    if (end > this.capacity) window.ring.set(this.ring.subarray(0, end - this.capacity));
    window.size = this.size;
    window.head = this.head;
    window.total = this.total;
    return window;
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    this.total += value;
    if (this.size < this.capacity) {
      this.ring[this.head] = value;
      this.head = (this.head + 1) % this.capacity;
      const at = this.lowerBound(value);
      this.sorted.copyWithin(at + 1, at, this.size);
      this.sorted[at] = value;
      this.size++;
      return;
    }
    // Full: the evicted value's slot and the new value's slot are joined by one shift of the
    // values between them, not a shift to the end and back (about a third of the moves).
    const evicted = this.ring[this.head]!;
    this.total -= evicted;
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    const from = this.lowerBound(evicted);
    const to = this.lowerBound(value);
    if (to > from) {
      this.sorted.copyWithin(from, from + 1, to);
      this.sorted[to - 1] = value;
    } else {
      this.sorted.copyWithin(to + 1, to, from);
      this.sorted[to] = value;
    }
  }

  /** Removes the oldest value (nothing when empty). */
  dropOldest(): void {
    if (this.size === 0) return;
    const evicted = this.ring[this.oldestSlot]!;
    this.total -= evicted;
    const at = this.lowerBound(evicted);
    this.sorted.copyWithin(at, at + 1, this.size);
    this.size--;
  }

  /** The q-quantile (0 ≤ q ≤ 1) by linear interpolation; NaN when empty. */
  quantile(q: number): number {
    if (this.size === 0) return Number.NaN;
    const pos = q * (this.size - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, this.size - 1);
    return this.sorted[lo]! + (this.sorted[hi]! - this.sorted[lo]!) * (pos - lo);
  }

  /** Mean of the values in the window (NaN when empty). */
  mean(): number {
    return this.size === 0 ? Number.NaN : this.total / this.size;
  }

  median(): number {
    return this.quantile(0.5);
  }

  /** How many values are ≥ `value`. */
  countAtLeast(value: number): number {
    return this.size - this.lowerBound(value);
  }

  /** How many values are > `value`. */
  countAbove(value: number): number {
    return this.size - this.upperBound(value);
  }

  /** The k-th smallest value (0-based); NaN outside the window. */
  nth(k: number): number {
    return k >= 0 && k < this.size ? this.sorted[k]! : Number.NaN;
  }

  /** Values in insertion order, oldest first (for saving). */
  toArray(): number[] {
    const out: number[] = [];
    const start = this.oldestSlot;
    for (let k = 0; k < this.size; k++) out.push(this.ring[(start + k) % this.capacity]!);
    return out;
  }

  /** The ring slot of the oldest value. */
  private get oldestSlot(): number {
    return (this.head - this.size + this.capacity) % this.capacity;
  }

  private upperBound(value: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
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
