/**
 * A full DATA_DIR: creating detectors or models is a 507 problem, a detector whose checkpoint
 * cannot be saved shows `failing` with the reason, and no failed write leaves a temp file behind.
 * The disk is a real 1 MiB tmpfs that the test fills up when it may mount one (root); otherwise
 * ENOSPC is injected at the fs boundary the store writes through (see test/tiny-disk.ts;
 * TIDEMARK_TEST_NO_MOUNT=1 forces that, to check it as root).
 */

import { readdir } from 'node:fs/promises';
import type { ContinuousDetector } from '@tidemark/core';
import { TEMP_MARKER } from '../store/files';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';
import { startTinyDisk, type TinyDisk } from '../test/tiny-disk';

const influxd = useInfluxd();
let h: Harness;
let disk: TinyDisk;
const STEP = 60_000;
const LOADED_AT = Date.now();
const NOW = Math.floor(LOADED_AT / STEP) * STEP;
const query = { database: 'metrics', measurement: 'cpu', field: 'value' };
const detector = (id: string) => ({
  id,
  query,
  interval: '1m',
  lag: '1ms',
  maxBackfill: '1h',
  detector: { id: 'robust' },
});
const training = {
  query,
  range: { from: NOW - 200 * STEP, to: NOW },
  intervalMs: STEP,
  detector: { id: 'robust' },
};

beforeAll(async () => {
  disk = await startTinyDisk(1024 * 1024);
  h = await startHarness(influxd.current, { env: { DATA_DIR: disk.dir }, now: () => LOADED_AT });
  await createDatabase(h.influx, 'metrics');
  await h.influx.write('metrics', seasonalPoints('cpu', { host: 'a' }, NOW - 300 * STEP, 300, STEP));
  expect((await h.call('POST', '/api/v1/detectors', { body: detector('before') })).status).toBe(201);
  await disk.fill();
}, 60_000);
afterAll(async () => {
  await h?.close();
  await disk?.close();
});

async function tempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((name) => name.includes(TEMP_MARKER));
}

async function expectInsufficientStorage(response: Response) {
  expect(response.status).toBe(507);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(await response.json()).toMatchObject({
    type: 'urn:tidemark:problem:insufficient-storage',
    detail: expect.stringMatching(/DATA_DIR.*no space left.*free space/),
  });
}

it(`uses a real tmpfs when it may (here: ${process.getuid?.() === 0 ? 'root' : 'not root'})`, () => {
  if (process.getuid?.() === 0 && process.env.TIDEMARK_TEST_NO_MOUNT !== '1') expect(disk.real).toBe(true);
});

it('answers creating a detector with a 507 problem, and keeps nothing of it', async () => {
  await expectInsufficientStorage(await h.call('POST', '/api/v1/detectors', { body: detector('after') }));
  expect((await h.call('GET', '/api/v1/detectors/after')).status).toBe(404);
});

it('answers training a model with a 507 problem', async () => {
  await expectInsufficientStorage(await h.call('POST', '/api/v1/models', { body: training }));
});

it('shows a detector whose checkpoint cannot be saved as failing, with the reason', async () => {
  const [before] = (await h.deps.detectors.definitionsOf(1)).filter((d) => d.id === 'before');
  await h.deps.detectors.runNow(1, before!);
  const state = (await (await h.call('GET', '/api/v1/detectors/before')).json()) as ContinuousDetector;
  expect(state.status).toBe('failing');
  expect(state.lastError).toMatch(/no space left on the disk of DATA_DIR \(ENOSPC\)/);
  expect(state.lastError).not.toContain(disk.dir); // no server paths in what Viewers read
  expect(state.lastRunAt).not.toBeNull();
});

it('leaves no temp file behind from the failed writes', async () => {
  expect(await tempFiles(disk.dir)).toEqual([]);
});

it('works again once space is freed: the detector saves its checkpoint and is idle', async () => {
  await disk.free();
  expect((await h.call('POST', '/api/v1/detectors', { body: detector('after') })).status).toBe(201);
  const [before] = (await h.deps.detectors.definitionsOf(1)).filter((d) => d.id === 'before');
  await h.deps.detectors.runNow(1, before!);
  const state = (await (await h.call('GET', '/api/v1/detectors/before')).json()) as ContinuousDetector;
  expect(state).toMatchObject({ status: 'idle', lastError: null, scoredUntil: NOW });
});
