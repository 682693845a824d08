/**
 * How often each recent context was seen: for every order k (1…maxOrder), the last k symbols
 * ending at a point. Keys are exact integers (`symbols < base`, `base^maxOrder · maxOrder` below
 * 2^53), so two contexts never share a count. Past `capacity` contexts, new ones are no longer
 * remembered (they stay novel); known ones keep counting.
 */
export class ContextMemory {
  private readonly powers: number[];
  /** Contexts this memory holds that the memory underneath does not. */
  private added: number;

  constructor(
    readonly base: number,
    readonly maxOrder: number,
    readonly capacity: number,
    private readonly counts: Map<number, number> = new Map(),
    /** Read-only counts learned before (a fitted model's), consulted under this memory's own. */
    private readonly under: ContextMemory | null = null,
  ) {
    this.powers = Array.from({ length: maxOrder + 1 }, (_, k) => base ** k);
    if (this.powers[maxOrder]! * (maxOrder + 1) > Number.MAX_SAFE_INTEGER) {
      throw new Error(`contexts of ${maxOrder} symbols out of ${base} do not fit exact integer keys`);
    }
    this.added = counts.size;
  }

  /** Distinct contexts known, counting one relearned on an overlay once. */
  get size(): number {
    return this.added + (this.under?.size ?? 0);
  }

  /** A memory that starts with this one's counts and learns on its own, leaving this one as is. */
  overlay(): ContextMemory {
    return new ContextMemory(this.base, this.maxOrder, this.capacity, new Map(), this);
  }

  /** Novelty of the context ending at `end` (exclusive) in `symbols`: mean over orders of 1/(1 + times seen). */
  novelty(symbols: Uint16Array, end: number): number {
    let sum = 0;
    let orders = 0;
    this.forEachKey(symbols, end, (key) => {
      sum += 1 / (1 + this.countOf(key));
      orders++;
    });
    return orders === 0 ? Number.NaN : sum / orders;
  }

  learn(symbols: Uint16Array, end: number): void {
    this.forEachKey(symbols, end, (key) => {
      const own = this.counts.get(key);
      if (own !== undefined) {
        this.counts.set(key, own + 1);
        return;
      }
      const below = this.under?.countOf(key) ?? 0;
      if (below > 0) this.counts.set(key, below + 1);
      else if (this.size < this.capacity) {
        this.counts.set(key, 1);
        this.added++;
      }
    });
  }

  private countOf(key: number): number {
    return this.counts.get(key) ?? this.under?.countOf(key) ?? 0;
  }

  private forEachKey(symbols: Uint16Array, end: number, visit: (key: number) => void): void {
    const orders = Math.min(this.maxOrder, end);
    let context = 0;
    for (let k = 1; k <= orders; k++) {
      context += symbols[end - k]! * this.powers[k - 1]!;
      visit(k * this.powers[this.maxOrder]! + context);
    }
  }

  /** Keys and counts as flat arrays (for saving); the memory underneath is not included. */
  toArrays(): { keys: Float64Array; counts: Float64Array } {
    const keys = new Float64Array(this.counts.size);
    const counts = new Float64Array(this.counts.size);
    let k = 0;
    for (const [key, count] of this.counts) {
      keys[k] = key;
      counts[k++] = count;
    }
    return { keys, counts };
  }

  static fromArrays(
    base: number,
    maxOrder: number,
    capacity: number,
    keys: Float64Array,
    counts: Float64Array,
  ): ContextMemory {
    const map = new Map<number, number>();
    for (let k = 0; k < keys.length; k++) map.set(keys[k]!, counts[k]!);
    return new ContextMemory(base, maxOrder, capacity, map);
  }
}
