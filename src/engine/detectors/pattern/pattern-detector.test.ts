import type { DetectorState, SeriesView } from '../../detector';
import { seededRandom } from '../../test-support';
import { ContextMemory } from './context-memory';
import { PatternDetector } from './pattern-detector';
import { fitQuantiser, OUTSIDE_LEVELS, symbolCount, symbolOf } from './quantiser';

function view(values: ArrayLike<number>): SeriesView {
  const v = Float64Array.from(values);
  return { values: v, times: Float64Array.from(v, (_, i) => i * 60_000), intervalMs: 60_000 };
}

/** A daily-like wave with a little noise: a pattern that repeats. */
function wave(length: number, seed = 3): number[] {
  const random = seededRandom(seed);
  return Array.from({ length }, (_, i) => 10 + 5 * Math.sin((2 * Math.PI * i) / 48) + 0.2 * (random() - 0.5));
}

async function fitted(values: ArrayLike<number>, end: number) {
  const detector = new PatternDetector();
  await detector.fit(view(values), end, { period: null, seed: 1 });
  return detector;
}

function throughStorage(state: DetectorState): DetectorState {
  const blobs = Object.fromEntries(
    Object.entries(state.blobs ?? {}).map(([k, v]) => [k, Uint8Array.from(v)]),
  );
  return { ...JSON.parse(JSON.stringify({ ...state, blobs: undefined })), blobs };
}

describe('quantiser', () => {
  it('splits the learned range into equal levels, gives outliers their own symbols and gaps 0', () => {
    const q = fitQuantiser(Float64Array.from([0, 10, Number.NaN, 5]), 4, 10);
    expect(q).toEqual({ low: 0, width: 1, levels: 10 });
    expect(symbolOf(q, 0.5)).toBe(OUTSIDE_LEVELS + 1);
    expect(symbolOf(q, 9.99)).toBe(OUTSIDE_LEVELS + 10);
    expect(symbolOf(q, 12.5)).toBe(OUTSIDE_LEVELS + 13);
    expect(symbolOf(q, -1e9)).toBe(1);
    expect(symbolOf(q, 1e9)).toBe(symbolCount(q) - 1);
    expect(symbolOf(q, Number.NaN)).toBe(0);
  });

  it('still has a positive width on a flat or empty prefix', () => {
    expect(fitQuantiser(Float64Array.from([3, 3, 3]), 3, 8).width).toBeGreaterThan(0);
    expect(fitQuantiser(Float64Array.from([Number.NaN]), 1, 8).width).toBeGreaterThan(0);
  });
});

describe('ContextMemory', () => {
  const symbols = Uint16Array.from([1, 2, 3, 1, 2, 3, 1, 2, 4]);

  it('is fully novel for an unseen context and less so each time it is seen again', () => {
    const memory = new ContextMemory(8, 3, 1_000);
    const first = memory.novelty(symbols, 3);
    memory.learn(symbols, 3);
    const second = memory.novelty(symbols, 3);
    memory.learn(symbols, 3);
    expect(first).toBe(1);
    expect(second).toBeCloseTo(0.5, 12);
    expect(memory.novelty(symbols, 3)).toBeCloseTo(1 / 3, 12);
  });

  it('tells a known level reached in a new way from a context seen before', () => {
    const memory = new ContextMemory(8, 3, 1_000);
    for (let end = 1; end <= 6; end++) memory.learn(symbols, end);
    expect(memory.novelty(symbols, 7)).toBeCloseTo((1 / 3 + 1 / 2 + 1 / 2) / 3, 12); // 1 after 3: seen once
    expect(memory.novelty(symbols, 9)).toBeCloseTo((1 + 1 + 1) / 3, 12); // level 4 never seen
  });

  it('learns on an overlay without changing the memory underneath', () => {
    const memory = new ContextMemory(8, 3, 1_000);
    memory.learn(symbols, 3);
    const overlay = memory.overlay();
    overlay.learn(symbols, 3);
    expect(overlay.novelty(symbols, 3)).toBeCloseTo(1 / 3, 12);
    expect(memory.novelty(symbols, 3)).toBeCloseTo(0.5, 12);
  });

  it('stops remembering new contexts at its capacity and keeps counting known ones', () => {
    const memory = new ContextMemory(8, 1, 2);
    for (let end = 1; end <= 3; end++) memory.learn(symbols, end);
    expect(memory.size).toBe(2);
    expect(memory.novelty(symbols, 3)).toBe(1);
    memory.learn(symbols, 1);
    expect(memory.novelty(symbols, 1)).toBeCloseTo(1 / 3, 12);
  });

  it('counts a context relearned on an overlay once against the capacity', () => {
    const memory = new ContextMemory(8, 1, 3);
    memory.learn(symbols, 1);
    memory.learn(symbols, 2);
    const overlay = memory.overlay();
    overlay.learn(symbols, 1);
    overlay.learn(symbols, 2);
    overlay.learn(symbols, 3);
    expect(overlay.size).toBe(3);
    expect(overlay.novelty(symbols, 3)).toBeCloseTo(0.5, 12);
  });

  it('refuses contexts too long for exact integer keys', () => {
    expect(() => new ContextMemory(1_000, 6, 10)).toThrow(/exact integer keys/);
  });
});

describe('PatternDetector', () => {
  it('scores a level never seen far above the repeating pattern, and the new level less each time', async () => {
    const values = wave(600);
    for (let i = 500; i < 600; i++) values[i] = values[i]! + 30;
    const detector = await fitted(values, 300);
    const { raw } = detector.score(view(values), 300, 600);
    const normal = Math.max(...raw.slice(100, 199));
    const typical = [...raw.slice(100, 199)].sort((a, b) => a - b)[50]!;
    expect(raw[200]).toBe(1);
    expect(normal).toBeLessThan(0.75);
    expect(typical).toBeLessThan(0.3);
    // A lasting shift is news once: a few cycles later the new level is no more novel than normal.
    expect(Math.max(...raw.slice(200 + 3 * 48, 300))).toBeLessThanOrEqual(normal + 1e-9);
  });

  it('gives a gap NaN and leaves expected and spread unknown', async () => {
    const values = wave(200);
    values[150] = Number.NaN;
    const out = (await fitted(values, 100)).score(view(values), 100, 200);
    expect(out.raw[50]).toBeNaN();
    expect(out.raw[51]).not.toBeNaN();
    expect(out.expected.every(Number.isNaN)).toBe(true);
    expect(out.spread.every(Number.isNaN)).toBe(true);
  });

  it('scores the same however the range is split, and scoring twice changes nothing', async () => {
    const values = wave(400);
    values[330] = 40;
    const detector = await fitted(values, 200);
    const whole = detector.score(view(values), 0, 400).raw;
    const again = detector.score(view(values), 0, 400).raw;
    const parts = [
      ...detector.score(view(values), 0, 250).raw,
      ...detector.score(view(values), 250, 400).raw,
    ];
    expect(Array.from(again)).toEqual(Array.from(whole));
    expect(parts).toEqual(Array.from(whole));
  });

  it('scores learned points as if learned one by one (no point sees its own context)', async () => {
    const values = wave(300);
    values[120] = 60;
    const detector = await fitted(values, 300);
    const { raw } = detector.score(view(values), 0, 300);
    expect(raw[120]).toBe(1);
  });

  it('save → load (through storage) gives identical scores', async () => {
    const values = wave(500);
    values[420] = -20;
    const detector = await fitted(values, 300);
    const loaded = new PatternDetector();
    loaded.load(throughStorage(detector.save()));
    expect(Array.from(loaded.score(view(values), 0, 500).raw)).toEqual(
      Array.from(detector.score(view(values), 0, 500).raw),
    );
  });

  it('refuses a state of another detector or version, or without its blobs', async () => {
    const state = (await fitted(wave(100), 100)).save();
    expect(() => new PatternDetector().load({ ...state, detector: 'robust' })).toThrow(/cannot load/);
    expect(() => new PatternDetector().load({ ...state, stateVersion: 99 })).toThrow(/cannot load/);
    expect(() => new PatternDetector().load({ ...state, blobs: {} })).toThrow(/blobs/);
    expect(() => new PatternDetector().load({ ...state, params: { levels: 'x' } })).toThrow(/pattern state/);
  });

  it('refuses to score or save before fit or load', () => {
    expect(() => new PatternDetector().score(view([1, 2]), 0, 2)).toThrow(/before fit/);
    expect(() => new PatternDetector().save()).toThrow(/before fit/);
  });
});
