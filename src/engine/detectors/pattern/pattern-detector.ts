import { z } from 'zod';
import type { Detector, DetectorState, FitContext, RawScores, SeriesView } from '../../detector';
import { emptyRawScores } from '../../detector';
import { ContextMemory } from './context-memory';
import { fitQuantiser, type Quantiser, symbolCount, symbolOf } from './quantiser';

const STATE_VERSION = 1;

export interface PatternOptions {
  /** Equal bins over the learned range: coarse, so noise stays inside a level. */
  levels: number;
  /** Longest context, in points: the last 1…maxOrder levels ending at a point. */
  maxOrder: number;
  /** Distinct contexts remembered per detector (memory bound for long-lived models). */
  capacity: number;
}

export const DEFAULT_PATTERN_OPTIONS: PatternOptions = {
  levels: 8,
  maxOrder: 3,
  capacity: 200_000,
};

const paramsSchema = z.object({
  levels: z.number().int().min(2).max(64),
  maxOrder: z.number().int().min(1).max(6),
  capacity: z.number().int().min(1),
  quantiser: z.object({ low: z.number(), width: z.number().positive(), levels: z.number().int() }),
  /** Time of the last point the memory learned; later points are learned as they are scored. */
  learnedThrough: z.number(),
});
type PatternParams = z.infer<typeof paramsSchema>;

interface PatternState {
  params: PatternParams;
  memory: ContextMemory;
}

/**
 * Novelty of recent value contexts (the idea of NAB's contextOSE, built here from scratch): each
 * value becomes one of a few coarse levels, and a point is as anomalous as the sequences of levels
 * ending at it are new — a level never seen, or a known level reached in an unseen way. Every
 * scored point is learned right after it is scored, so a lasting change is news once, then the
 * new normal. No forecast: `expected` and `spread` stay NaN (another member gives the band).
 */
export class PatternDetector implements Detector {
  readonly id = 'pattern' as const;
  readonly needsTraining = false;
  private state: PatternState | null = null;
  private readonly options: PatternOptions;

  constructor(options: Partial<PatternOptions> = {}) {
    this.options = { ...DEFAULT_PATTERN_OPTIONS, ...options };
  }

  get fitted(): boolean {
    return this.state !== null;
  }

  async fit(series: SeriesView, end: number, _context: FitContext): Promise<void> {
    const { levels, maxOrder, capacity } = this.options;
    const quantiser = fitQuantiser(series.values, end, levels);
    const memory = new ContextMemory(symbolCount(quantiser), maxOrder, capacity);
    const symbols = symbolsOf(series, quantiser, 0, end);
    for (let i = 1; i <= end; i++) memory.learn(symbols, i);
    const learnedThrough = end > 0 ? series.times[end - 1]! : Number.NEGATIVE_INFINITY;
    this.state = { params: { levels, maxOrder, capacity, quantiser, learnedThrough }, memory };
  }

  /**
   * Points up to `learnedThrough` are scored as if learned one by one from the start of the
   * series (their own contexts are in the memory already); later points against the memory plus
   * every later point before them.
   */
  score(series: SeriesView, from: number, to: number): RawScores {
    if (this.state === null) throw new Error('pattern: score called before fit or load');
    const { params, memory } = this.state;
    const out = emptyRawScores(to - from);
    const firstNew = firstAfter(series.times, params.learnedThrough, to);
    // A replay reads from the series' start; the live part only the contexts ending at its points.
    const start = from < firstNew ? 0 : Math.max(0, firstNew - params.maxOrder + 1);
    const symbols = symbolsOf(series, params.quantiser, start, to);
    if (from < firstNew) {
      const replay = new ContextMemory(memory.base, params.maxOrder, params.capacity);
      for (let i = 0; i < Math.min(to, firstNew); i++) {
        if (i >= from && !Number.isNaN(series.values[i]!)) out.raw[i - from] = replay.novelty(symbols, i + 1);
        replay.learn(symbols, i + 1);
      }
    }
    const live = memory.overlay();
    for (let i = firstNew; i < to; i++) {
      const end = i + 1 - start;
      if (i >= from && !Number.isNaN(series.values[i]!)) out.raw[i - from] = live.novelty(symbols, end);
      live.learn(symbols, end);
    }
    return out;
  }

  save(): DetectorState {
    if (this.state === null) throw new Error('pattern: nothing to save before fit');
    const { keys, counts } = this.state.memory.toArrays();
    return {
      detector: this.id,
      stateVersion: STATE_VERSION,
      params: structuredClone(this.state.params),
      blobs: { keys: bytesOf(keys), counts: bytesOf(counts) },
    };
  }

  load(state: DetectorState): void {
    if (state.detector !== this.id || state.stateVersion !== STATE_VERSION) {
      throw new Error(
        `cannot load ${state.detector} state v${state.stateVersion} into pattern v${STATE_VERSION}`,
      );
    }
    const parsed = paramsSchema.safeParse(state.params);
    if (!parsed.success) throw new Error(`pattern state: ${z.prettifyError(parsed.error)}`);
    const params = parsed.data;
    const keys = state.blobs?.['keys'];
    const counts = state.blobs?.['counts'];
    if (!keys || !counts || keys.byteLength !== counts.byteLength || keys.byteLength % 8 !== 0) {
      throw new Error('pattern state: the keys and counts blobs are missing or of different sizes');
    }
    const memory = ContextMemory.fromArrays(
      symbolCount(params.quantiser),
      params.maxOrder,
      params.capacity,
      float64Of(keys),
      float64Of(counts),
    );
    this.state = { params, memory };
  }

  dispose(): void {}
}

function symbolsOf(series: SeriesView, quantiser: Quantiser, from: number, to: number): Uint16Array {
  const symbols = new Uint16Array(to - from);
  for (let i = from; i < to; i++) symbols[i - from] = symbolOf(quantiser, series.values[i]!);
  return symbols;
}

/** First index below `limit` whose time is after `time` (times increase), else `limit`. */
function firstAfter(times: Float64Array, time: number, limit: number): number {
  let lo = 0;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! > time) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function bytesOf(array: Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function float64Of(bytes: Uint8Array): Float64Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}
