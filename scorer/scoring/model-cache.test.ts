import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeModel, scoreSeries, type TrainedModel } from '@tidemark/core/engine';
import { createLogger } from '../log';
import { type ModelRecord, openStateStore, type StateStore } from '../store';
import { seasonalPoints } from '../test/app-harness';
import { EnginePool, localEngine } from './engine-pool';
import { ModelCache } from './model-cache';

const STEP = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const points = seasonalPoints('cpu', {}, T0, 2000, STEP, { 1900: 60 }).map(
  ({ time, fields }): [number, number | null] => [time, Number(fields.value)],
);
const options = { intervalMs: STEP, detector: { id: 'ensemble' as const }, scoreFrom: T0 + 1800 * STEP };
let model: TrainedModel;
let dir: string;
let store: StateStore;

beforeAll(async () => {
  model = (await scoreSeries(points.slice(0, 1440), { intervalMs: STEP, detector: options.detector })).model!;
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-model-cache-'));
  store = await openStateStore(dir);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const save = (id: string): Promise<ModelRecord> =>
  store.models.saveVersion(1, { id, key: `series:${id}`, detector: 'ensemble' }, encodeModel(model));

describe('ModelCache', () => {
  it('keeps what this thread needs of a stored model, and the bytes go to the worker, read again when it let them go', async () => {
    const sent: string[] = [];
    const counting = new EnginePool({
      size: 1,
      logger: createLogger('silent'),
      keep: 1,
      onSend: (what) => sent.push(what),
    });
    try {
      const cache = new ModelCache(store.models);
      const reads = jest.spyOn(store.models, 'load');
      const [a, b] = [await cache.load(1, await save('a')), await cache.load(1, await save('b'))];
      expect(a).toMatchObject({ detector: 'ensemble', period: model.period });
      expect(a!.key).not.toBe(b!.key);
      expect(reads).toHaveBeenCalledTimes(2); // once each, when first met
      const expected = await scoreSeries(points, { ...options, model });
      expect(await counting.engine.scoreSeries(points, { ...options, model: a! })).toEqual(expected);
      expect(await counting.engine.scoreSeries(points, { ...options, model: a! })).toEqual(expected);
      expect(reads).toHaveBeenCalledTimes(2); // the first send took the bytes read when first met
      expect(await counting.engine.scoreSeries(points, { ...options, model: b! })).toEqual(expected);
      // The worker keeps one model: a went, and its bytes are read from the store again.
      expect(await counting.engine.scoreSeries(points, { ...options, model: a! })).toEqual(expected);
      expect(reads).toHaveBeenCalledTimes(3);
      expect(sent).toEqual(['model', 'model', 'model']);
      expect(await cache.load(1, (await store.models.get(1, 'a'))!)).toBe(a);
    } finally {
      await counting.close();
    }
  });

  it('decodes a stored model on this thread only for the engine here, and keeps that copy', async () => {
    const cache = new ModelCache(store.models);
    const stored = (await cache.load(1, await save('a')))!;
    const decoded = await stored.decoded();
    expect(decoded).toEqual(model);
    expect(await stored.decoded()).toBe(decoded);
    const expected = await scoreSeries(points, { ...options, model });
    expect(await localEngine.scoreSeries(points, { ...options, model: stored })).toEqual(expected);
  });

  it('a version pruned after it was first met: the next worker that needs it fails the call, clearly', async () => {
    const cache = new ModelCache(store.models);
    const stored = (await cache.load(1, await save('a')))!;
    await stored.bytes(); // the bytes read when first met are taken
    await store.models.delete(1, 'a');
    await expect(stored.bytes()).rejects.toMatchObject({ name: 'ModelVersionGoneError' });
  });

  it('with engine workers, a replica holds each stored model once: no decoded copy on the main thread', async () => {
    // In a process of its own, to weigh the main thread's heap after a garbage collection.
    const script = `
      const { encodeModel, trainModel } = require('@tidemark/core/engine');
      const { EnginePool } = require('./scorer/scoring/engine-pool');
      const { ModelCache } = require('./scorer/scoring/model-cache');
      const { openStateStore } = require('./scorer/store');
      const { createLogger } = require('./scorer/log');
      const [dir, pointsJson] = process.argv.slice(1);
      const points = JSON.parse(pointsJson);
      // The heap only: array buffers are counted for the whole process, the worker's too.
      const weigh = () => { global.gc(); return process.memoryUsage().heapUsed; };
      (async () => {
        const store = await openStateStore(dir);
        const bytes = encodeModel(await trainModel(points, { intervalMs: ${STEP}, detector: { id: 'ensemble' } }));
        const pool = new EnginePool({ size: 1, logger: createLogger('silent'), keep: 100 });
        await pool.ready();
        const cache = new ModelCache(store.models, 100);
        const records = [];
        for (let i = 0; i <= 40; i++)
          records.push(await store.models.saveVersion(1, { id: 'm' + i, key: 'k' + i, detector: 'ensemble' }, bytes));
        const score = (model) =>
          pool.engine.scoreSeries(points.slice(-300), { intervalMs: ${STEP}, detector: { id: 'ensemble' }, model });
        const kept = [await cache.load(1, records.shift())];
        await score(kept[0]); // the first call compiles and allocates what every later one reuses
        const before = weigh();
        for (const record of records) {
          const model = await cache.load(1, record);
          kept.push(model);
          await score(model);
        }
        const after = weigh();
        console.log(JSON.stringify({ perModel: (after - before) / 40, bytes: bytes.byteLength, kept: kept.length }));
        await pool.close();
      })();`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '-e', script, dir, JSON.stringify(points.slice(0, 1440))],
      { cwd: join(__dirname, '..', '..'), timeout: 120_000, maxBuffer: 1 << 20 },
    );
    const { perModel, bytes, kept } = JSON.parse(stdout.trim()) as Record<string, number>;
    expect(kept).toBe(41);
    // A decoded default model takes about 130 kB of heap (its blobs besides); what the main
    // thread keeps of one is about a kilobyte.
    expect(perModel).toBeLessThan(bytes! / 20);
  });
});
