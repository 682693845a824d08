/**
 * Deleting a continuous detector mid-backfill stops its run: nothing is written to InfluxDB and no
 * checkpoint is saved after the 204, so re-creating the id backfills from the start.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContinuousDetector } from '@tidemark/core';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

const influxd = useInfluxd();
let h: Harness;
const STEP = 1_000;
const NOW = Math.floor(Date.now() / STEP) * STEP;

const definition = {
  id: 'beat',
  query: { database: 'metrics', measurement: 'beat', field: 'value', groupBy: ['host'] },
  interval: '1s',
  lag: '1ms',
  maxBackfill: '6h', // 21,600 intervals: five chunks
  detector: { id: 'robust', params: { trainingWindow: '5m' } },
};

beforeAll(async () => {
  h = await startHarness(influxd.current);
  await createDatabase(h.influx, 'metrics');
  await h.influx.write(
    'metrics',
    seasonalPoints('beat', { host: 'a' }, NOW - 7 * 3_600_000, 7 * 3_600, STEP),
  );
}, 60_000);
afterAll(() => h.close());

const written = async () => {
  const [result] = await h.influx.query(`SELECT count("score") FROM "metrics".."tidemark_anomaly"`);
  return Number(result?.series?.[0]?.values[0]?.[1] ?? 0);
};

const status = async () =>
  (await (await h.call('GET', '/api/v1/detectors/beat')).json()) as ContinuousDetector;

it('aborts the run: no point and no checkpoint after the 204; re-creating starts afresh', async () => {
  await h.deps.detectors.start([1]);
  expect((await h.call('POST', '/api/v1/detectors', { role: 'Editor', body: definition })).status).toBe(201);
  for (let i = 0; i < 2_000 && (await status()).scoredUntil === null; i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  const firstChunkUntil = (await status()).scoredUntil;
  expect(firstChunkUntil).not.toBeNull();
  expect(firstChunkUntil!).toBeLessThan(NOW - 3_600_000); // the backfill is still going

  expect((await h.call('DELETE', '/api/v1/detectors/beat', { role: 'Admin' })).status).toBe(204);
  const atDelete = await written();
  await h.deps.detectors.settled(); // whatever the deleted detector still had going has ended
  expect(await written()).toBe(atDelete);
  expect(existsSync(join(h.dataDir, 'orgs', '1', 'checkpoints', 'beat.json'))).toBe(false);

  await h.deps.detectors.stop(); // no schedule: what the re-created detector starts from, unchanged
  expect((await h.call('POST', '/api/v1/detectors', { role: 'Editor', body: definition })).status).toBe(201);
  expect(await status()).toMatchObject({ scoredUntil: null, lastRunAt: null });
}, 60_000);
