import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serialize } from 'node:v8';
import { scoreSeries, type TrainedModel, trainModel } from '@tidemark/core/engine';
import { createLogger } from '../log';
import { seasonalPoints } from '../test/app-harness';
import { EnginePool } from './engine-pool';
import type { ScoreOutcome } from './engine-protocol';
import { scorePointsBody } from './points-body';

const STEP = 60_000;
const T0 = Date.UTC(2024, 0, 1);

const points = seasonalPoints('cpu', {}, T0, 3000, STEP, { 2700: 60 }).map(
  ({ time, fields }): [number, number | null] => [time, Number(fields.value)],
);
points[2100] = [points[2100]![0], null];
const ensemble = { id: 'ensemble' as const };
const fitOptions = { intervalMs: STEP, detector: ensemble, scoreFrom: T0 + 2000 * STEP, name: 'cpu' };
const withModel = { intervalMs: STEP, detector: ensemble, scoreFrom: T0 + 2500 * STEP };
let model: TrainedModel;
let fitted: ScoreOutcome;
let scored: ScoreOutcome;

beforeAll(async () => {
  fitted = await scoreSeries(points, fitOptions);
  model = fitted.model!;
  scored = await scoreSeries(points.slice(1500), { ...withModel, model });
  expect(scored.series.anomaly.some(Boolean)).toBe(true);
});

function poolOf(size: number, entry?: string, keep?: number) {
  const calls: string[] = [];
  const warnings: string[] = [];
  const sent: string[] = [];
  const loaded: string[] = [];
  const logger = createLogger('warn', (line) => warnings.push(JSON.parse(line).msg));
  const pool = new EnginePool({
    size,
    logger,
    onCall: (kind, thread) => calls.push(`${kind} ${thread}`),
    onSend: (what) => sent.push(what),
    onLoad: (detector) => loaded.push(detector),
    ...(entry ? { entry } : {}),
    ...(keep ? { keep } : {}),
  });
  return { pool, calls, warnings, sent, loaded };
}

/** Runs `test` with a pool of `size` workers (each keeping `keep` models), closed after. */
async function withPool(
  size: number,
  test: (made: ReturnType<typeof poolOf>) => Promise<void>,
  entry?: string,
  keep?: number,
): Promise<void> {
  const made = poolOf(size, entry, keep);
  try {
    await test(made);
  } finally {
    await made.pool.close();
  }
}

const scoreWithModel = (pool: EnginePool, one = model) =>
  pool.engine.scoreSeries(points.slice(1500), { ...withModel, model: one });

describe('EnginePool', () => {
  it('fits and scores series in worker threads with the same numbers as here, many at once', () =>
    withPool(1, async ({ pool, calls }) => {
      await pool.ready();
      const outcomes = await Promise.all(
        Array.from({ length: 3 }, () => pool.engine.scoreSeries(points, fitOptions)),
      );
      for (const outcome of outcomes) expect(outcome).toEqual(fitted);
      expect(await scoreWithModel(pool)).toEqual(scored);
      expect(calls).toEqual(Array(4).fill('score worker'));
    }));

  it('trains in a worker the model it would train here; an aborted training stops', () =>
    withPool(1, async ({ pool, calls }) => {
      await pool.ready();
      const options = { intervalMs: STEP, detector: ensemble };
      expect(await pool.engine.trainModel(points, options)).toEqual(await trainModel(points, options));
      const signal = AbortSignal.abort(new Error('no longer needed'));
      await expect(pool.engine.trainModel(points, { ...options, signal })).rejects.toThrow(
        'no longer needed',
      );
      expect(calls).toEqual(['train worker']);
    }));

  it('with a model and an idle second worker, the ensemble splits between them: same numbers', () =>
    withPool(2, async ({ pool, calls }) => {
      await pool.ready();
      expect(await scoreWithModel(pool)).toEqual(scored);
      expect(calls.sort()).toEqual(['member worker', 'member worker', 'score worker']);
      // Calls at once: the second worker takes a call and maybe a member of the first.
      const many = await Promise.all(Array.from({ length: 4 }, () => scoreWithModel(pool)));
      for (const outcome of many) expect(outcome).toEqual(scored);
    }));

  it('a worker that let a model go (it keeps 32 by default) is sent it again', () =>
    withPool(1, async ({ pool, calls, sent }) => {
      await pool.ready();
      const models = Array.from({ length: 34 }, () => structuredClone(model));
      for (const one of models) await scoreWithModel(pool, one);
      expect(await scoreWithModel(pool, models[0])).toEqual(scored);
      expect(calls).toEqual(Array(35).fill('score worker'));
      expect(sent).toEqual(Array(35).fill('model'));
    }));

  it('a worker keeps as many models as it is told: a run over 40 series sends each model once', () =>
    withPool(
      1,
      async ({ pool, calls, sent }) => {
        await pool.ready();
        const models = Array.from({ length: 40 }, () => structuredClone(model));
        for (let run = 0; run < 2; run++) for (const one of models) await scoreWithModel(pool, one);
        expect(await scoreWithModel(pool, models[0])).toEqual(scored);
        expect(calls).toEqual(Array(81).fill('score worker'));
        expect(sent).toEqual(Array(40).fill('model'));
      },
      undefined,
      40,
    ));

  it('a model goes to the worker holding it, not to whichever is idle, so one worker keeps it', () =>
    withPool(2, async ({ pool, sent }) => {
      await pool.ready();
      const [a, b] = [structuredClone(model), structuredClone(model)];
      // At once: a goes to one worker, b to the other (the first is busy).
      await Promise.all([scoreWithModel(pool, a), scoreWithModel(pool, b)]);
      const sentFirst = sent.filter((what) => what === 'model').length;
      // b first this time: the first worker is idle, but the second holds b.
      const again = await Promise.all([scoreWithModel(pool, b), scoreWithModel(pool, a)]);
      for (const outcome of again) expect(outcome).toEqual(scored);
      expect(sentFirst).toBe(2);
      expect(sent.filter((what) => what === 'model')).toHaveLength(2);
    }));

  it('a worker loads a member once, whether it was handed the member or scores the model itself', () =>
    withPool(2, async ({ pool, loaded }) => {
      await pool.ready();
      const [x, z] = [structuredClone(model), structuredClone(model)];
      // Alone, each goes to the first worker, which hands the ensemble's later members to the second.
      await scoreWithModel(pool, z);
      await scoreWithModel(pool, x);
      const perModel = [...loaded];
      expect(perModel).toHaveLength(2 * model.states.length);
      // The first worker is two calls behind (z twice): x goes to the second, which holds x's
      // handed-over members and now scores x itself. It loads only what it did not hold.
      const outcomes = await Promise.all([
        scoreWithModel(pool, z),
        scoreWithModel(pool, z),
        scoreWithModel(pool, x),
      ]);
      for (const outcome of outcomes) expect(outcome).toEqual(scored);
      // What it did not hold: the members never handed over (the first, which gives the band, and
      // the LSTM, which needs TensorFlow.js set up where it scores).
      const [first] = perModel;
      const neverHandedOver = model.states
        .map((state) => state.detector)
        .filter((d) => d === first || d === 'lstm');
      expect(neverHandedOver).toEqual(['robust', 'lstm']);
      expect(loaded).toEqual([...perModel, ...neverHandedOver]);
      expect(perModel.filter((detector) => detector === first)).toHaveLength(2);
    }));

  it('parses, scores and encodes a body of points in a worker, byte for byte as here', () =>
    withPool(1, async ({ pool, calls }) => {
      await pool.ready();
      const body = new TextEncoder().encode(JSON.stringify({ series: [{ points: points.slice(0, 800) }] }));
      const limits = { maxPoints: 10_000 };
      const here = await scorePointsBody(body, limits);
      expect(await pool.scorePointsBody(body, limits)).toEqual(here);
      expect(here.ok).toBe(true);
      const malformed = await pool.scorePointsBody(new TextEncoder().encode('{"series": ['), limits);
      expect(malformed).toMatchObject({
        ok: false,
        problem: { status: 400, title: 'Malformed request body' },
      });
      expect(calls).toEqual(['points-body worker', 'points-body worker']);
    }));

  it('keeps the process alive while a call is out, and not once the pool is idle', async () => {
    const script = `
      const { EnginePool } = require('./scorer/scoring/engine-pool');
      const { createLogger } = require('./scorer/log');
      const { points, options } = require('v8').deserialize(require('fs').readFileSync(process.argv[1]));
      const pool = new EnginePool({ size: 1, logger: createLogger('silent') });
      pool.ready().then(() => pool.engine.scoreSeries(points, options)).then((outcome) => {
        console.log(JSON.stringify(outcome.series.time.length));
      });`;
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-pool-'));
    try {
      const input = join(dir, 'call.bin');
      writeFileSync(input, serialize({ points, options: fitOptions }));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '-e', script, input],
        {
          cwd: join(__dirname, '..', '..'),
          timeout: 30_000,
        },
      );
      expect(stdout.trim()).toBe(String(fitted.series.time.length));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with no workers, calls run here', () =>
    withPool(0, async ({ pool, calls }) => {
      expect(await scoreWithModel(pool)).toEqual(scored);
      expect(calls).toEqual(['score main']);
    }));

  it('passes on what went wrong in the worker, by name (an engine input error answers 422)', () =>
    withPool(1, async ({ pool }) => {
      await pool.ready();
      const broken = {
        ...model,
        states: model.states.map((s) => (s.detector === 'robust' ? { ...s, stateVersion: 99 } : s)),
      };
      await expect(scoreWithModel(pool, broken)).rejects.toThrow(/cannot load robust state v99/);
      const unscorable = pool.engine.scoreSeries([], { detector: ensemble });
      await expect(unscorable).rejects.toMatchObject({ name: 'EngineInputError' });
      expect(await scoreWithModel(pool)).toEqual(scored);
    }));

  it('a worker that exits mid-call: the call finishes here and a new worker takes over', () =>
    withPool(
      1,
      async ({ pool, calls, warnings }) => {
        await pool.ready();
        expect(await scoreWithModel(pool)).toEqual(scored);
        expect(calls).toEqual(['score main']);
        expect(warnings).toContain('engine worker exited; starting another');
        await pool.ready();
        expect(await scoreWithModel(pool)).toEqual(scored);
        expect(calls).toEqual(['score main', 'score main']);
      },
      join(__dirname, '../test/engine-worker-exits.cjs'),
    ));

  it('a worker that cannot start is not restarted: calls run here', () =>
    withPool(
      1,
      async ({ pool, calls, warnings }) => {
        expect(await scoreWithModel(pool)).toEqual(scored);
        expect(warnings).toContain('engine worker failed; its calls run on the main thread');
        expect(calls).toEqual(['score main']);
      },
      join(__dirname, '../test/engine-worker-fails.cjs'),
    ));
});
