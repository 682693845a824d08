import { twoSidedZ } from '../../normal';

/**
 * Stuck values: how improbable the current run of identical values is for this series, as the
 * |z| of a normal deviation equally improbable, so it shares the residuals' raw-score scale.
 * With p₁ the share of the recent occurrences *of this value* that repeated their predecessor
 * (smoothed towards the series' overall repeat share), a run of r identical values has probability about p₁^(r−1). A value the
 * series rests at (0 for an idle counter) repeats often and is never "stuck"; a sensor frozen at
 * a reading it never held before is. Runs count at most `window` points, all inside the window,
 * so a point's figure depends only on the `window` points before it.
 */
const PRIOR_WEIGHT = 2;
const MIN_STUCK_Z = 3;

export class RepeatTracker {
  private readonly values: Float64Array;
  private readonly repeated: Uint8Array;
  private readonly byValue = new Map<number, { seen: number; repeats: number }>();
  private filled = 0;
  private repeatCount = 0;
  private head = 0;
  private last = Number.NaN;
  private run = 0;

  constructor(
    private readonly window: number,
    private readonly minRun: number,
  ) {
    this.values = new Float64Array(window);
    this.repeated = new Uint8Array(window);
  }

  /** The z-equivalent of `value` extending the current run (0 when it does not repeat enough). */
  zFor(value: number): number {
    if (value !== this.last) return 0;
    const run = Math.min(this.run + 1, this.window);
    // Judged only with half a window before the run: a run filling most of it leaves too little.
    if (run < this.minRun || this.filled - (run - 1) < this.window / 2) return 0;
    const counts = this.byValue.get(value) ?? { seen: 0, repeats: 0 };
    // The run so far is in the counts too: judge it by how this value behaved before the run.
    const before = { seen: counts.seen - (run - 1), repeats: counts.repeats - (run - 2) };
    // Smoothed towards the whole window's repeat share, so a value with little history of its own
    // is judged by how often this series repeats at all.
    const overall = (this.repeatCount - (run - 2) + 1) / (this.filled - (run - 1) + 2);
    const repeatShare =
      (Math.max(0, before.repeats) + PRIOR_WEIGHT * overall) / (Math.max(0, before.seen) + PRIOR_WEIGHT);
    // Floored so the z stays finite (about 37σ) however long the run.
    const z = twoSidedZ(Math.max(repeatShare ** (run - 1), 1e-300));
    // Below MIN_STUCK_Z a run is ordinary: the long rests of an idle counter would otherwise fill the
    // calibration's tail with small z's and make every burst between them look like a record.
    return z < MIN_STUCK_Z ? 0 : z;
  }

  observe(value: number): void {
    const repeated = !Number.isNaN(value) && value === this.last ? 1 : 0;
    this.run = repeated ? this.run + 1 : Number.isNaN(value) ? 0 : 1;
    this.last = value;
    if (this.filled === this.window) this.forget(this.values[this.head]!, this.repeated[this.head]!);
    else this.filled++;
    this.values[this.head] = value;
    this.repeated[this.head] = repeated;
    if (!Number.isNaN(value)) {
      const counts = this.byValue.get(value) ?? { seen: 0, repeats: 0 };
      counts.seen++;
      counts.repeats += repeated;
      this.byValue.set(value, counts);
    }
    this.repeatCount += repeated;
    this.head = (this.head + 1) % this.window;
  }

  private forget(value: number, repeated: number): void {
    this.repeatCount -= repeated;
    const counts = this.byValue.get(value);
    if (!counts) return;
    counts.seen--;
    counts.repeats -= repeated;
    if (counts.seen === 0) this.byValue.delete(value);
  }
}
