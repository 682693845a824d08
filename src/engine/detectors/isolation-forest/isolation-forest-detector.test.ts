import type { DetectorState, RawScores, SeriesView } from '../../detector';
import { FEATURE_COUNT } from './features';
import { IsolationForestDetector, type IsolationForestOptions } from './isolation-forest-detector';
import { rocAuc } from './rank-metrics';
import { type AnomalyKind, labelledSeries } from './synthetic';

function view(values: Float64Array): SeriesView {
  return { values, times: Float64Array.from(values, (_, i) => i * 60_000), intervalMs: 60_000 };
}

async function fitted(values: Float64Array, end: number, seed = 7, period: number | null = 48) {
  const detector = new IsolationForestDetector();
  await detector.fit(view(values), end, { period, seed });
  return detector;
}

/** A copy of the state as a store would keep it: params through JSON, blobs as fresh bytes. */
function throughStorage(state: DetectorState): DetectorState {
  const blobs = Object.fromEntries(
    Object.entries(state.blobs ?? {}).map(([k, v]) => [k, Uint8Array.from(v)]),
  );
  return { ...JSON.parse(JSON.stringify({ ...state, blobs: undefined })), blobs };
}

/** Index of the first entry that differs (Object.is, so NaN matches NaN and 0 ≠ −0), or −1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return k;
  return -1;
}

function expectSameScores(actual: RawScores, expected: RawScores): void {
  expect(firstDifference(actual.raw, expected.raw)).toBe(-1);
  expect(firstDifference(actual.expected, expected.expected)).toBe(-1);
  expect(firstDifference(actual.spread, expected.spread)).toBe(-1);
}

const sliceOf = (scores: RawScores, from: number, to: number): RawScores => ({
  expected: scores.expected.subarray(from, to),
  spread: scores.spread.subarray(from, to),
  raw: scores.raw.subarray(from, to),
});

describe('IsolationForestDetector shape', () => {
  const { values } = labelledSeries({ length: 1500, cleanUntil: 1000 });
  let detector: IsolationForestDetector;
  beforeAll(async () => {
    detector = await fitted(values, 1000);
  });

  it('is a trained detector with its id', () => {
    expect(detector.id).toBe('isolation-forest');
    expect(detector.needsTraining).toBe(true);
    expect(detector.fitted).toBe(true);
    expect(detector.hasForest).toBe(true);
  });

  it.each([
    { from: 0, to: 1500 },
    { from: 1000, to: 1500 },
    { from: 1200, to: 1201 },
    { from: 700, to: 700 },
  ])('scores [$from, $to) with one entry per point', ({ from, to }) => {
    const out = detector.score(view(values), from, to);
    for (const array of [out.expected, out.spread, out.raw]) expect(array).toHaveLength(to - from);
    expect(out.raw.every((r) => Number.isNaN(r) || (r > 0 && r < 1))).toBe(true);
    expect(out.spread.every((s) => Number.isNaN(s) || s > 0)).toBe(true);
  });

  it('warms up: no raw score before a season and the long window have passed', () => {
    const out = detector.score(view(values), 0, 1500);
    const firstRaw = out.raw.findIndex((r) => !Number.isNaN(r));
    expect(firstRaw).toBeGreaterThanOrEqual(48);
    expect(firstRaw).toBeLessThan(48 + 96);
    expect(out.raw.subarray(firstRaw).every((r) => !Number.isNaN(r))).toBe(true);
    expect(out.expected[1200]).toBeCloseTo(values[1200]!, -1);
  });

  it.each([
    { from: -1, to: 10 },
    { from: 10, to: 5 },
    { from: 0, to: 1501 },
    { from: 0.5, to: 10 },
  ])('rejects the range [$from, $to)', ({ from, to }) => {
    expect(() => detector.score(view(values), from, to)).toThrow(RangeError);
  });

  it('refuses to score or save before fit or load', () => {
    const fresh = new IsolationForestDetector();
    expect(fresh.fitted).toBe(false);
    expect(() => fresh.score(view(values), 0, 10)).toThrow(/before fit/);
    expect(() => fresh.save()).toThrow(/before fit/);
  });
});

describe('IsolationForestDetector quality', () => {
  it.each<{ kinds: AnomalyKind[]; seed: number; minAuc: number }>([
    { kinds: ['spike'], seed: 1, minAuc: 0.97 },
    { kinds: ['spike', 'shift'], seed: 2, minAuc: 0.9 },
    { kinds: ['spike', 'shift', 'burst'], seed: 3, minAuc: 0.85 },
  ])('ranks injected $kinds above normal points (AUC > $minAuc)', async ({ kinds, seed, minAuc }) => {
    // Trained on a clean stretch, scored on the next 1,000 points with an anomaly every 60.
    const { values, labels } = labelledSeries({ kinds, seed });
    const detector = await fitted(values, 2000, seed);
    const out = detector.score(view(values), 2000, 3000);
    expect(rocAuc(out.raw, labels.subarray(2000))).toBeGreaterThan(minAuc);
  });

  it('scores a series without a season', async () => {
    const { values, labels } = labelledSeries({ kinds: ['spike'], amplitude: 0 });
    const detector = await fitted(values, 2000, 3, null);
    const out = detector.score(view(values), 2000, 3000);
    expect(rocAuc(out.raw, labels.subarray(2000))).toBeGreaterThan(0.97);
  });

  it('gives a gap raw NaN and scores again right after it', async () => {
    const { values } = labelledSeries({ length: 1500 });
    values[1200] = Number.NaN;
    const out = (await fitted(values, 1000)).score(view(values), 1190, 1210);
    expect(out.raw[10]).toBeNaN();
    expect(out.raw.filter((r) => Number.isNaN(r))).toHaveLength(1);
  });
});

describe('IsolationForestDetector determinism and persistence', () => {
  const { values } = labelledSeries({ length: 1500, cleanUntil: 1000 });
  let reference: IsolationForestDetector;
  beforeAll(async () => {
    reference = await fitted(values, 1000, 5);
  });

  it('gives identical scores for the same seed and different trees for another', async () => {
    const a = reference;
    const b = await fitted(values, 1000, 5);
    const c = await fitted(values, 1000, 6);
    expectSameScores(b.score(view(values), 0, 1500), a.score(view(values), 0, 1500));
    expect(Buffer.from(b.save().blobs!['forest']!).equals(Buffer.from(a.save().blobs!['forest']!))).toBe(
      true,
    );
    expect(Buffer.from(c.save().blobs!['forest']!).equals(Buffer.from(a.save().blobs!['forest']!))).toBe(
      false,
    );
    expect(
      firstDifference(c.score(view(values), 1000, 1500).raw, a.score(view(values), 1000, 1500).raw),
    ).not.toBe(-1);
  });

  it('without the band, gives the same raw scores and leaves expected and spread unknown', () => {
    const full = reference.score(view(values), 900, 1500);
    const rawOnly = reference.score(view(values), 900, 1500, { band: false });
    expect(firstDifference(rawOnly.raw, full.raw)).toBe(-1);
    expect(full.raw.some((r) => !Number.isNaN(r))).toBe(true);
    expect(full.spread.some((s) => !Number.isNaN(s))).toBe(true);
    expect(rawOnly.expected.every(Number.isNaN)).toBe(true);
    expect(rawOnly.spread.every(Number.isNaN)).toBe(true);
  });

  it('save → load gives identical scores, expected values and spreads', async () => {
    const original = reference;
    const state = throughStorage(original.save());
    expect(state.stateVersion).toBe(1);
    const loaded = new IsolationForestDetector({ trees: 3, shortWindow: 30 });
    loaded.load(state);
    expect(loaded.fitted).toBe(true);
    expectSameScores(loaded.score(view(values), 0, 1500), original.score(view(values), 0, 1500));
    const again = loaded.save();
    expect(again.params).toEqual(state.params);
    expect(Buffer.from(again.blobs!['forest']!).equals(Buffer.from(state.blobs!['forest']!))).toBe(true);
  });

  it.each<{ why: string; edit: (state: DetectorState) => DetectorState; message: RegExp }>([
    { why: 'another detector', edit: (s) => ({ ...s, detector: 'robust' }), message: /cannot load robust/ },
    { why: 'another version', edit: (s) => ({ ...s, stateVersion: 2 }), message: /v2/ },
    { why: 'missing params', edit: (s) => ({ ...s, params: {} }), message: /state/ },
    {
      why: 'a zero scale',
      edit: (s) => ({
        ...s,
        params: { ...(s.params as object), scaling: { center: 0, scale: 0, residualScale: 1 } },
      }),
      message: /scale/,
    },
    { why: 'no forest blob', edit: (s) => ({ ...s, blobs: {} }), message: /blob is missing/ },
    {
      why: 'a corrupt forest blob',
      edit: (s) => ({ ...s, blobs: { forest: new Uint8Array(30) } }),
      message: /magic/,
    },
  ])('load rejects $why', ({ edit, message }) => {
    const state = reference.save();
    expect(() => new IsolationForestDetector().load(edit(state))).toThrow(message);
  });

  it('stays usable without a forest when there is too little data: raw NaN, band still given', async () => {
    const short = labelledSeries({ length: 400 }).values;
    // The first complete feature row needs a past season (48) and half the long window (48) of
    // residuals, so [0, 150) has only about 50 of the 64 rows a forest needs.
    const detector = await fitted(short, 150);
    expect(detector.fitted).toBe(true);
    expect(detector.hasForest).toBe(false);
    const out = detector.score(view(short), 0, 400);
    expect(out.raw.every((r) => Number.isNaN(r))).toBe(true);
    expect(out.expected.subarray(100).every((e) => Number.isFinite(e))).toBe(true);
    expect(out.spread.subarray(100).every((s) => Number.isFinite(s))).toBe(true);
    const loaded = new IsolationForestDetector();
    loaded.load(throughStorage(detector.save()));
    expect(loaded.hasForest).toBe(false);
    expectSameScores(loaded.score(view(short), 0, 400), out);
  });

  it('fits on an empty or all-gap prefix without a forest', async () => {
    for (const values of [new Float64Array(0), new Float64Array(500).fill(Number.NaN)]) {
      const detector = await fitted(values, values.length);
      expect(detector.hasForest).toBe(false);
      const out = detector.score(view(values), 0, values.length);
      expect(out.raw.every((r) => Number.isNaN(r))).toBe(true);
    }
  });

  it.each([-1, 1501, 2.5, Number.NaN])('refuses to fit on [0, %d)', async (end) => {
    await expect(
      new IsolationForestDetector().fit(view(values), end, { period: 48, seed: 1 }),
    ).rejects.toThrow(RangeError);
  });

  it.each([0, -48, 48.5])('refuses a period of %d', async (period) => {
    await expect(new IsolationForestDetector().fit(view(values), 1000, { period, seed: 1 })).rejects.toThrow(
      /period/,
    );
  });

  it.each<[string, Partial<IsolationForestOptions>]>([
    ['a ψ of 1', { sampleSize: 1 }],
    ['no trees', { trees: 0 }],
    ['a fractional window', { shortWindow: 2.5 }],
    ['an unknown option', { depth: 3 } as Partial<IsolationForestOptions>],
  ])('rejects options with %s', (_, options) => {
    expect(() => new IsolationForestDetector(options)).toThrow(/isolation-forest options/);
  });

  it('honours an aborted fit', async () => {
    const controller = new AbortController();
    controller.abort();
    const detector = new IsolationForestDetector();
    await expect(
      detector.fit(view(values), 1000, { period: 48, seed: 1, signal: controller.signal }),
    ).rejects.toThrow();
    expect(detector.fitted).toBe(false);
  });

  it('uses the documented feature width', () => {
    expect(FEATURE_COUNT).toBe(5);
  });
});

describe('IsolationForestDetector causality', () => {
  const { values } = labelledSeries({ length: 1600, cleanUntil: 800 });
  values[1100] = Number.NaN;
  let detector: IsolationForestDetector;
  let full: RawScores;
  beforeAll(async () => {
    detector = await fitted(values, 800);
    full = detector.score(view(values), 0, values.length);
  });

  it.each([1, 97, 1101, 1599])('scoring the first %i points alone gives exactly the same numbers', (k) => {
    const prefix = detector.score(view(values.slice(0, k)), 0, k);
    expectSameScores(prefix, sliceOf(full, 0, k));
  });

  it.each([
    [800, 1600],
    [1000, 1150],
    [1599, 1600],
  ])('scoring [%i, %i) matches the same slice of the full run exactly', (from, to) => {
    const part = detector.score(view(values.slice(0, to)), from, to);
    expectSameScores(part, sliceOf(full, from, to));
  });

  it('does not look ahead: changing the future leaves past scores alone', () => {
    const altered = values.slice();
    altered.fill(1e6, 1300);
    const out = detector.score(view(altered), 0, values.length);
    expectSameScores(sliceOf(out, 0, 1300), sliceOf(full, 0, 1300));
    expect(out.raw[1300]).toBeGreaterThan(0.7);
  });
});
