import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DETECTOR_IDS, type DetectorId, type ScoredSeries, scoredSeriesSchema } from '../contract';
import { refitPoints } from './causal';
import type { Detector, DetectorState } from './detector';
import { EngineInputError } from './errors';
import { formatValue } from './explain';
import type { TrainedModel } from './model';
import { decodeModel, encodeModel } from './model-codec';
import type { Point } from './prepare';
import { detectorEntry, membersOf } from './registry';
import { type EngineOptions, scorePoints, scoreSeries, trainModel } from './score';
import { firstMismatch, gaussian, STEP_MS, seasonalPoints, seededRandom, shifted, T0 } from './test-support';

/** Detector ids the registry can run now (the engine grows detector by detector). */
const REGISTERED = DETECTOR_IDS.filter((id) => {
  try {
    return membersOf(id).length > 0;
  } catch (error) {
    if (error instanceof Error && /not registered/.test(error.message)) return false;
    throw error;
  }
});
const UNREGISTERED = DETECTOR_IDS.filter((id) => !REGISTERED.includes(id));

/** The LSTM trains for seconds per fit, so it gets shorter series. */
const isSlow = (id: DetectorId) => membersOf(id).some((m) => m.entry.id === 'lstm');

const at = (index: number) => T0 + index * STEP_MS;

/** A 5-minute series with a daily-ish season of 48 steps, a few gaps and one spike. */
function seriesWithSpike(length: number, spikeAt: number): Array<[number, number | null]> {
  const points = seasonalPoints({
    length,
    period: 48,
    seed: 7,
    gaps: [150, 151, 152, Math.floor(length * 0.55)],
  });
  return shifted(points, spikeAt, spikeAt + 1, 15);
}

const ARRAYS = ['score', 'expected', 'lower', 'upper', 'anomaly'] as const;

describe('causal mode: a prefix scores exactly as in the whole series', () => {
  if (UNREGISTERED.length > 0) it.skip.each(UNREGISTERED)('%s (not registered yet)', () => {});

  describe.each(REGISTERED)('%s', (id) => {
    const length = isSlow(id) ? 300 : 1000;
    const spikeAt = Math.floor(length * 0.85);
    const points = seriesWithSpike(length, spikeAt);
    const prefixLengths = prefixLengthsFor(id, length, spikeAt);
    let whole: Awaited<ReturnType<typeof scorePoints>>;

    beforeAll(async () => {
      whole = await scorePoints(points, { causal: true, detector: { id } });
    });

    it.each(prefixLengths)('the first %p rows', async (k) => {
      const prefix = await scorePoints(points.slice(0, k), { causal: true, detector: { id } });
      for (const name of ARRAYS) {
        expect(prefix[name].length).toBe(k);
        expect({ array: name, firstDifference: firstMismatch(prefix[name], whole[name], k) }).toEqual({
          array: name,
          firstDifference: -1,
        });
      }
    });

    it('and the whole series is actually scored (the prefix test is not vacuous)', () => {
      const scored = whole.score.filter((s) => !Number.isNaN(s)).length;
      const forecast = whole.expected.filter((e) => !Number.isNaN(e)).length;
      // The LSTM's short series ends before its calibration is ready: only its forecasts count.
      expect(isSlow(id) ? forecast : scored).toBeGreaterThan(isSlow(id) ? 0 : length / 4);
    });
  });
});

/**
 * Prefix lengths right before/after refits of every member (first, middle, last), the spike and
 * the end. The ensemble, whose members are covered one by one, gets a few; the LSTM, which trains
 * for seconds per fit, gets only the lengths that include its first fit.
 */
function prefixLengthsFor(id: DetectorId, length: number, spikeAt: number): number[] {
  const ks = new Set<number>();
  const members = membersOf(id);
  for (const member of members) {
    const refits = refitPoints(member.entry, length);
    if (refits.length === 0) continue;
    const first = refits[0]!;
    const middle = refits[Math.floor(refits.length / 2)]!;
    const last = refits[refits.length - 1]!;
    if (isSlow(id)) for (const k of [first + 1, length - 1]) ks.add(k);
    else if (members.length > 1) ks.add(first + 1);
    else for (const k of [first, first + 1, middle - 1, middle + 1, last, last + 1]) ks.add(k);
  }
  if (!isSlow(id)) for (const k of [spikeAt, spikeAt + 1, length - 1]) ks.add(k);
  return [...ks].filter((k) => k >= 1 && k < length).sort((a, b) => a - b);
}

/** A JSON encoding that keeps binary blobs (as base64), as a model file would. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString('base64') } : v,
  );
}

function jsonCopy<T>(value: T): T {
  const text = toJson(value);
  return JSON.parse(text, (_key, v) =>
    v !== null && typeof v === 'object' && typeof v.$bytes === 'string'
      ? new Uint8Array(Buffer.from(v.$bytes, 'base64'))
      : v,
  );
}

/** Paths of values a JSON model file would lose or alter (binary blobs are allowed). */
function jsonHazards(value: unknown, path = 'model', found: string[] = []): string[] {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean')
    return found;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) found.push(`${path} = ${value}`);
    return found;
  }
  if (typeof value !== 'object') {
    found.push(`${path} is a ${typeof value}`);
    return found;
  }
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Uint8Array]') return found;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) jsonHazards(item, `${path}[${i}]`, found);
    return found;
  }
  if (tag !== '[object Object]' || value.constructor?.name !== 'Object') {
    found.push(`${path} is a ${value.constructor?.name ?? tag}`);
    return found;
  }
  for (const [key, item] of Object.entries(value)) jsonHazards(item, `${path}.${key}`, found);
  return found;
}

/** Scores with a model in a new Node process, as the scorer does after reading a model file. */
async function scoreInFreshProcess(
  points: Point[],
  options: EngineOptions,
  model: TrainedModel,
): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-model-'));
  try {
    const input = join(dir, 'input.json');
    const modelFile = join(dir, 'model.bin');
    const script = join(dir, 'score.ts');
    writeFileSync(input, JSON.stringify({ points, options }));
    writeFileSync(modelFile, encodeModel(model));
    writeFileSync(
      script,
      [
        `import { readFileSync } from 'node:fs';`,
        `import { decodeModel } from ${JSON.stringify(join(__dirname, 'model-codec'))};`,
        `import { scoreSeries } from ${JSON.stringify(join(__dirname, 'score'))};`,
        `const { points, options } = JSON.parse(readFileSync(${JSON.stringify(input)}, 'utf8'));`,
        `const model = decodeModel(new Uint8Array(readFileSync(${JSON.stringify(modelFile)})));`,
        `scoreSeries(points, { ...options, model }).then((r) => process.stdout.write(JSON.stringify(r.series)));`,
      ].join('\n'),
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      cwd: join(__dirname, '..', '..'),
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('persistence: fit → model → copy → same scores', () => {
  describe.each(REGISTERED)('%s', (id) => {
    const length = isSlow(id) ? 400 : 1200;
    const trainEnd = Math.floor(length * 0.75);
    const points = seriesWithSpike(length, Math.floor(length * 0.9));
    let model: TrainedModel;
    let pristine: TrainedModel;

    beforeAll(async () => {
      const fitted = await scoreSeries(points.slice(0, trainEnd), {
        detector: { id },
        scoreFrom: at(trainEnd / 2),
      });
      expect(fitted.model).not.toBeNull();
      model = fitted.model!;
      pristine = structuredClone(model);
    });

    it('describes what it was trained on', () => {
      expect(model.detector).toBe(id);
      expect(model.trainedPoints).toBeGreaterThan(0);
      expect(model.trainedFrom).toBeLessThanOrEqual(model.trainedTo);
      expect(model.states.map((s) => s.detector).sort()).toEqual(
        membersOf(id)
          .map((m) => m.entry.id)
          .sort(),
      );
    });

    it('an encoded/decoded model, a JSON copy and a structured clone score exactly like the original', async () => {
      // The new request carries lookback before the range, as the scorer sends it.
      const later = points.slice(trainEnd / 2);
      const options: EngineOptions = { detector: { id }, scoreFrom: at(trainEnd) };
      const original = await scoreSeries(later, { ...options, model });
      const fromJson = await scoreSeries(later, { ...options, model: jsonCopy(model) });
      const cloned = await scoreSeries(later, { ...options, model: structuredClone(model) });
      const decoded = await scoreSeries(later, { ...options, model: decodeModel(encodeModel(model)) });
      expect(decoded.series).toEqual(original.series);
      const again = await scoreSeries(later, { ...options, model });
      expect(original.series.score.some((s) => s !== null)).toBe(true);
      expect(fromJson.series).toEqual(original.series);
      expect(cloned.series).toEqual(original.series);
      expect(again.series).toEqual(original.series);
      // Scoring with a model neither refits nor changes it.
      expect(original.model).toBeNull();
      expect(model).toEqual(pristine);
    });

    it('is plain data a model file can hold (no NaN, Infinity, functions or class instances)', () => {
      expect(jsonHazards(model)).toEqual([]);
    });

    // Loading an LSTM state needs TensorFlow.js, which only a fit used to initialise.
    if (id === 'lstm')
      it('a model read from a file scores in a fresh process', async () => {
        const later = points.slice(trainEnd / 2);
        const options: EngineOptions = { detector: { id }, scoreFrom: at(trainEnd) };
        const inProcess = await scoreSeries(later, { ...options, model });
        const fresh = await scoreInFreshProcess(later, options, model);
        expect(fresh).toEqual(inProcess.series);
      });
  });

  // The model keeps the calibration as it was at the end of training, and points it already holds
  // are not counted twice, so a panel's scores do not change between its first and second refresh.
  it('scoring the fitted range again with the returned model reproduces the fit-time scores', async () => {
    const points = seriesWithSpike(1200, 1000);
    const options: EngineOptions = { detector: { id: 'robust' }, scoreFrom: at(800) };
    const fitted = await scoreSeries(points, options);
    const again = await scoreSeries(points, { ...options, model: jsonCopy(fitted.model!) });
    expect(again.series.score).toEqual(fitted.series.score);
  });

  it("scores with a model's own detector and params when no detector is given", async () => {
    const points = seriesWithSpike(600, 500);
    const fitted = await scoreSeries(points, {
      detector: { id: 'robust', params: { threshold: 90 } },
      scoreFrom: at(300),
    });
    const again = await scoreSeries(points, { model: fitted.model!, scoreFrom: at(300) });
    expect(again.series.detector).toBe('robust');
    expect(again.series.threshold).toBe(90);
  });
});

describe('anomalies are found and explained', () => {
  const LENGTH = 1200;
  const HISTORY = 800;
  const ONSET = 1000;
  const base = seasonalPoints({ length: LENGTH, period: 48, seed: 3 });

  interface Injection {
    name: string;
    points: Array<[number, number | null]>;
    /** Points [ONSET, end) were changed. */
    end: number;
    direction: 'above' | 'below';
  }
  const injections: Injection[] = [
    { name: 'a 15σ spike', points: shifted(base, ONSET, ONSET + 1, 15), end: ONSET + 1, direction: 'above' },
    { name: 'a 15σ dip', points: shifted(base, ONSET, ONSET + 1, -15), end: ONSET + 1, direction: 'below' },
    {
      name: 'an 8σ level shift',
      points: shifted(base, ONSET, ONSET + 100, 8),
      end: ONSET + 100,
      direction: 'above',
    },
  ];
  const detectors: Array<[string, DetectorId | undefined]> = [
    ['the default detector', undefined],
    ['robust', 'robust'],
  ];
  const modes: Array<[string, (id: DetectorId | undefined) => EngineOptions, number]> = [
    ['batch with history', (id) => ({ detector: id && { id }, scoreFrom: at(HISTORY) }), HISTORY],
    ['causal', (id) => ({ detector: id && { id }, causal: true }), 0],
  ];

  // The default ensemble weights robust double, so a single-point dip the isolation forest scores
  // low is still flagged (it was not when the members were averaged equally).
  describe.each(modes)('%s', (_mode, optionsFor, firstIndex) => {
    describe.each(detectors.filter(([, id]) => id === undefined || REGISTERED.includes(id)))(
      '%s',
      (_label, id) => {
        for (const { name, points, end, direction } of injections) {
          it(`${name} is flagged at its onset and explained`, async () => {
            const { series } = await scoreSeries(points, optionsFor(id));
            const k = ONSET - firstIndex;
            expect(series.score[k]).not.toBeNull();
            expect(series.score[k]!).toBeGreaterThanOrEqual(series.threshold);
            expect(series.anomaly[k]).toBe(true);
            const region = series.regions.find((r) => r.start <= at(ONSET) && at(ONSET) <= r.end);
            expect(region).toBeDefined();
            const peakValue = series.value[(region!.peakTime - series.time[0]!) / STEP_MS]!;
            expect(region!.explanation).toContain(`value ${formatValue(peakValue)}`);
            expect(region!.explanation).toContain(`${direction} expected`);

            // Normal points mostly score low.
            let normal = 0;
            let flagged = 0;
            series.anomaly.forEach((anomalous, j) => {
              const index = j + firstIndex;
              if (series.score[j] === null || (index >= ONSET && index < end + 5)) return;
              normal++;
              if (anomalous) flagged++;
            });
            expect(normal).toBeGreaterThan(100);
            expect(flagged / normal).toBeLessThan(0.05);
          });
        }
      },
    );
  });

  // One huge outlier must not stretch the calibrated tail (it is fitted by the median excess).
  it.each(['batch', 'causal'])(
    'one outlier does not blow up the band of later normal points (%s)',
    async (mode) => {
      const points = shifted(base, ONSET, ONSET + 1, 500);
      const options: EngineOptions = mode === 'causal' ? { causal: true } : { scoreFrom: at(HISTORY) };
      const offset = mode === 'causal' ? 0 : HISTORY;
      const { series } = await scoreSeries(points, options);
      const width = (from: number, to: number) => {
        const widths: number[] = [];
        for (let i = from - offset; i < to - offset; i++) {
          if (series.upper[i] !== null && series.lower[i] !== null)
            widths.push(series.upper[i]! - series.lower[i]!);
        }
        widths.sort((a, b) => a - b);
        return widths[widths.length >> 1]!;
      };
      expect(width(ONSET + 10, LENGTH)).toBeLessThan(2 * width(HISTORY, ONSET));
    },
  );
});

describe('output shape and invariants', () => {
  const random = seededRandom(17);
  const normal = gaussian(random);
  const regular = (length: number, value: (i: number) => number | null): Point[] =>
    Array.from({ length }, (_, i) => [at(i), value(i)]);
  let walk = 0;
  const seriesTable: Array<[string, Point[]]> = [
    ['a noisy seasonal series with a spike', seriesWithSpike(700, 600)],
    ['a random walk', regular(700, () => (walk += normal()))],
    [
      'a series with 20 % gaps',
      regular(700, (i) => (random() < 0.2 ? null : Math.sin(i / 5) + 0.1 * normal())),
    ],
    ['a constant series', regular(300, () => 42)],
    ['a step in a flat series', regular(400, (i) => (i < 300 ? 3 : 4))],
    ['quantised counts', regular(500, () => Math.floor(4 * random()))],
    ['large values', regular(400, (i) => 1e12 + 1e3 * Math.sin(i / 8) + normal())],
    ['a short series', regular(30, (i) => i % 5)],
  ];
  const modes: Array<[string, EngineOptions]> = [
    ['batch', {}],
    ['batch with history', { scoreFrom: at(100) }],
    ['causal', { causal: true }],
  ];

  describe.each(modes)('%s', (_mode, options) => {
    it.each(seriesTable)('%s', async (_name, points) => {
      const { series } = await scoreSeries(points, options);
      expectWellFormed(series);
    });
  });

  it('scores an ensemble model trained before the LSTM was a member with the members it has', async () => {
    const points = seriesWithSpike(700, 600);
    const model = await trainModel(points.slice(0, 300), { detector: { id: 'ensemble' } });
    expect(model.states.map((state) => state.detector)).toContain('lstm');
    const older: TrainedModel = {
      ...model,
      states: model.states.filter((state) => state.detector !== 'lstm'),
    };
    const scored = await scorePoints(points, { model: older, scoreFrom: at(300) });
    expect(scored.memberScores.map((member) => member.detector)).toEqual([
      'robust',
      'isolation-forest',
      'pattern',
    ]);
    expect(scored.anomaly[600]).toBe(1);
    // a quick fit (what a waiting request makes) leaves the LSTM out; a model saved so is the same
    const quick = await trainModel(points.slice(0, 300), { detector: { id: 'ensemble' }, quickFit: true });
    expect(quick.states.map((state) => state.detector)).toEqual(['robust', 'isolation-forest', 'pattern']);
    // a single detector's model without its state cannot score
    const robust = await trainModel(points.slice(0, 300), { detector: { id: 'robust' } });
    await expect(
      scorePoints(points, { model: { ...robust, states: [] }, scoreFrom: at(300) }),
    ).rejects.toThrow(/train it again/);
  });

  it('reports from reportFrom what scoring from scoreFrom gives, scores untouched', async () => {
    const points = seriesWithSpike(700, 600);
    const model = await trainModel(points.slice(0, 300), { detector: { id: 'ensemble' } });
    const whole = (await scoreSeries(points, { model, scoreFrom: at(300) })).series;
    const part = (await scoreSeries(points, { model, scoreFrom: at(300), reportFrom: at(550) })).series;
    expect(part.time[0]).toBe(at(550));
    for (const column of ['value', 'expected', 'lower', 'upper', 'score', 'anomaly'] as const)
      expect(part[column]).toEqual(whole[column].slice(250));
    expect(part.score.some((score) => score !== null && score > 50)).toBe(true);
  });

  it.each([
    ['with a model', true],
    ['fitting on the history', false],
  ])(
    '%s, slots before reportFrom are learned from but not worked out (NaN), the rest the same',
    async (_name, withModel) => {
      const points = seriesWithSpike(700, 600);
      const model = withModel
        ? await trainModel(points.slice(0, 300), { detector: { id: 'ensemble' } })
        : undefined;
      const options = {
        ...(model ? { model } : { detector: { id: 'ensemble' as const } }),
        scoreFrom: at(300),
      };
      const whole = await scorePoints(points, options);
      const part = await scorePoints(points, { ...options, reportFrom: at(550) });
      for (const column of ['score', 'lower', 'upper'] as const) {
        expect(part[column].slice(550)).toEqual(whole[column].slice(550));
        expect(part[column].slice(300, 550).every(Number.isNaN)).toBe(true);
        expect(whole[column].slice(300, 550).filter((v) => !Number.isNaN(v)).length).toBeGreaterThan(200);
      }
      expect(part.expected).toEqual(whole.expected);
      for (const [k, member] of part.memberScores.entries())
        expect(member.score.slice(550)).toEqual(whole.memberScores[k]!.score.slice(550));
      expect(part.model).toEqual(whole.model);
    },
  );

  it('scores with the members a caller loaded and keeps (loadMember): loaded once, never disposed, the same numbers', async () => {
    const points = seriesWithSpike(700, 600);
    const model = await trainModel(points.slice(0, 300), { detector: { id: 'ensemble' } });
    const options = { model, scoreFrom: at(300), reportFrom: at(500) };
    const plain = await scoreSeries(points, options);
    const loaded = new Map<DetectorState, Detector>();
    const disposed: string[] = [];
    const loadMember = (state: DetectorState) => {
      let detector = loaded.get(state);
      if (!detector) {
        detector = detectorEntry(state.detector as Exclude<DetectorId, 'ensemble'>).create();
        detector.load(state);
        const dispose = detector.dispose.bind(detector);
        detector.dispose = () => {
          disposed.push(state.detector);
          dispose();
        };
        loaded.set(state, detector);
      }
      return detector;
    };
    expect(await scoreSeries(points, { ...options, loadMember })).toEqual(plain);
    expect(await scoreSeries(points.slice(0, 650), { ...options, loadMember })).toEqual(
      await scoreSeries(points.slice(0, 650), options),
    );
    expect([...loaded.keys()]).toEqual(model.states);
    expect(disposed).toEqual([]);
  });

  it("gives the band to 7 significant digits of the series' scale and the values exactly", async () => {
    for (const [scale, decimals] of [
      [1, 6],
      [50, 5],
      [1e12, -6],
    ] as const) {
      const points = seriesWithSpike(700, 600).map(
        ([t, v]): Point => [t, v === null ? null : (v * scale) / 50],
      );
      const { series } = await scoreSeries(points, { scoreFrom: at(100) });
      const band = [...series.expected, ...series.lower, ...series.upper].filter((v) => v !== null);
      expect(band.length).toBeGreaterThan(1000);
      for (const v of band) expect(Math.round(v * 10 ** decimals) / 10 ** decimals).toBe(v);
      // Not rounded any further than that, and the values are the input's.
      expect(band.some((v) => Math.round(v * 10 ** (decimals - 1)) / 10 ** (decimals - 1) !== v)).toBe(true);
      expect(series.value).toEqual(points.slice(100).map(([, v]) => v));
    }
  });
});

/** The contract's invariants for one scored series. */
function expectWellFormed(series: ScoredSeries): void {
  expect(() => scoredSeriesSchema.parse(series)).not.toThrow();
  const n = series.time.length;
  for (const column of [
    series.value,
    series.expected,
    series.lower,
    series.upper,
    series.score,
    series.anomaly,
  ]) {
    expect(column.length).toBe(n);
  }
  for (let i = 0; i < n; i++) {
    const score = series.score[i]!;
    if (score !== null) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(100);
    }
    // The score is rounded to 0.1 for the wire; the flag was decided on the exact score.
    if (series.anomaly[i]) expect(score).toBeGreaterThanOrEqual(series.threshold - 0.05);
    else if (score !== null) expect(score).toBeLessThanOrEqual(series.threshold + 0.05);
    const [lower, expected, upper] = [series.lower[i]!, series.expected[i]!, series.upper[i]!];
    expect(lower === null).toBe(upper === null);
    if (lower !== null && upper !== null) {
      expect(Number.isFinite(lower) && Number.isFinite(upper)).toBe(true);
      expect(lower).toBeLessThanOrEqual(upper);
      if (expected !== null) {
        expect(lower).toBeLessThanOrEqual(expected);
        expect(expected).toBeLessThanOrEqual(upper);
      }
    }
  }
  // Regions are exactly the runs of anomalous points.
  const runs: Array<[number, number]> = [];
  series.anomaly.forEach((a, i) => {
    if (!a) return;
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  });
  expect(series.regions.map((r) => [r.start, r.end])).toEqual(
    runs.map(([s, e]) => [series.time[s], series.time[e]]),
  );
  for (const region of series.regions) {
    expect(region.peakTime).toBeGreaterThanOrEqual(region.start);
    expect(region.peakTime).toBeLessThanOrEqual(region.end);
  }
}

describe('bad input through scoreSeries', () => {
  const regular = (length: number, value: (i: number) => number | null): Point[] =>
    Array.from({ length }, (_, i) => [at(i), value(i)]);

  it.each<[string, Point[], RegExp]>([
    ['an empty series', [], /empty/],
    ['an Infinity value', [...regular(10, () => 1), [at(10), Number.POSITIVE_INFINITY]], /point 11/],
    ['a NaN timestamp', [[Number.NaN, 1]], /timestamp/],
  ])('%s is an EngineInputError', async (_name, points, message) => {
    await expect(scoreSeries(points)).rejects.toThrow(EngineInputError);
    await expect(scoreSeries(points)).rejects.toThrow(message);
    await expect(scoreSeries(points, { causal: true })).rejects.toThrow(EngineInputError);
  });

  it.each([
    ['batch', {}],
    ['causal', { causal: true }],
  ])('an all-null series scores null everywhere without failing (%s)', async (_mode, options) => {
    const { series } = await scoreSeries(
      regular(200, () => null),
      options,
    );
    expect(series.time).toHaveLength(200);
    expect(series.score.every((s) => s === null)).toBe(true);
    expect(series.anomaly.some(Boolean)).toBe(false);
    expect(series.regions).toEqual([]);
    expect(series.notices.length).toBeGreaterThan(0);
  });

  it.each([
    ['batch', {}],
    ['causal', { causal: true }],
  ])('a constant series has no anomalies and a finite band (%s)', async (_mode, options) => {
    const { series } = await scoreSeries(
      regular(400, () => 12.5),
      options,
    );
    expect(series.anomaly.some(Boolean)).toBe(false);
    const banded = series.lower.filter((l) => l !== null).length;
    expect(banded).toBeGreaterThan(200);
    expectWellFormed(series);
  });

  it.each([
    ['batch', {}],
    ['causal', { causal: true }],
  ])('one point gets a null score and a notice (%s)', async (_mode, options) => {
    const { series } = await scoreSeries([[at(0), 5]], options);
    expect(series.score).toEqual([null]);
    expect(series.anomaly).toEqual([false]);
    expect(series.notices.length).toBeGreaterThan(0);
  });

  it('unsorted input with duplicate timestamps scores like the sorted, de-duplicated series', async () => {
    const points = seriesWithSpike(600, 500);
    const shuffled = [...points, ...points.filter((_, i) => i % 3 === 0)];
    const random = seededRandom(23);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const clean = await scoreSeries(points);
    const messy = await scoreSeries(shuffled);
    expect(messy.series).toEqual(clean.series);
  });

  // In causal mode the season override becomes steps with the spacing of the points seen so far.
  it('causal scores with a season override do not depend on later timestamps', async () => {
    const points: Point[] = [];
    const normal = gaussian(seededRandom(31));
    let t = T0;
    for (let i = 0; i < 1200; i++) {
      points.push([t, 50 + 10 * Math.sin((2 * Math.PI * (t - T0)) / 14_400_000) + normal()]);
      t += i < 400 ? 300_000 : 60_000; // the feed switches from 5-minute to 1-minute samples
    }
    const options: EngineOptions = { causal: true, detector: { id: 'robust', params: { season: '4h' } } };
    const whole = await scorePoints(points, options);
    const prefix = await scorePoints(points.slice(0, 400), options);
    expect(firstMismatch(prefix.expected, whole.expected, 400)).toBe(-1);
    expect(firstMismatch(prefix.score, whole.score, 400)).toBe(-1);
  });
});

describe('native memory', () => {
  it('a fit that returns a model releases its detectors’ tensors (the model holds copies)', async () => {
    const tf = await import('@tensorflow/tfjs');
    const points = seasonalPoints({ length: 400, period: 24, noise: 1, seed: 4 });
    await trainModel(points, { detector: { id: 'lstm' } });
    const before = tf.memory().numTensors;
    const model = await trainModel(points, { detector: { id: 'lstm' } });
    expect(tf.memory().numTensors).toBe(before);
    const { series } = await scoreSeries(points, { model });
    expect(series.score.some((s) => s !== null)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the ensemble never hides what the robust baseline finds extreme', () => {
  const points = seriesWithSpike(1200, 1000);

  it('scores every point at most 20 below the robust member, and the floor does bind', async () => {
    const [ensemble, robust] = await Promise.all([
      scorePoints(points, { causal: true }),
      scorePoints(points, { causal: true, detector: { id: 'robust' } }),
    ]);
    let bound = 0;
    for (let i = 0; i < points.length; i++) {
      const [e, r] = [ensemble.score[i]!, robust.score[i]!];
      if (Number.isNaN(e) || Number.isNaN(r)) continue;
      expect(e).toBeGreaterThanOrEqual(r - 20 - 1e-9);
      if (Math.abs(e - (r - 20)) < 1e-9) bound++;
    }
    expect(bound).toBeGreaterThan(0);
    expect(ensemble.anomaly[1000]).toBe(1);
  });
});
