/**
 * What the scorer sends to each InfluxDB version, checked on a real local HTTP server that records
 * every request (scorer/test/influx-recorder.ts). Only influxd 1.x can be installed here, so the
 * expectations are InfluxDB's documented v1-compatible API, per version:
 * - 1.x (docs.influxdata.com/influxdb/v1/tools/api/): `POST /query`, `db`/`rp`/`epoch` in the
 *   query string, `q` in an `application/x-www-form-urlencoded` body; `Authorization: Basic`.
 * - 2.x (docs.influxdata.com/influxdb/v2/api-guide/influxdb-1x/query/): the same `/query`, `db`
 *   and `rp` mapped to a bucket through DBRP mappings; `Authorization: Token <API token>`.
 * - 3.x (docs.influxdata.com/influxdb3/core/query-data/execute-queries/influxdb-v1-api/):
 *   `GET /query` with `db` (the database), `rp` and `q` in the query string;
 *   `Authorization: Bearer <database token>`.
 * `/write` is the v1 write API on all three: `POST /write?db=&precision=ms`, same authorization.
 */
import { loadConfig } from '../config';
import { influxClientOptions } from '../services';
import { type InfluxRecorder, startInfluxRecorder } from '../test/influx-recorder';
import { InfluxClient } from './client';
import { readSeries } from './series-query';

let influx: InfluxRecorder;
let url: string;
let recorded: InfluxRecorder['recorded'];

beforeAll(async () => {
  influx = await startInfluxRecorder({
    results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['time', 'mean'], values: [[0, 1.5]] }] }],
  });
  ({ url, recorded } = influx);
});
afterAll(() => influx.close());
beforeEach(() => {
  recorded.length = 0;
});

const TOKEN = 'tidemark-ci-token-0123456789';
const QUERY = { database: 'telegraf', retentionPolicy: 'autogen', measurement: 'cpu', field: 'usage_idle' };

/** The client the scorer builds from this environment (as `createServices` does). */
function scorerClient(env: Record<string, string>) {
  const config = loadConfig({ TIDEMARK_TOKENS: 'a-scorer-token-0123456789', INFLUX_URL: url, ...env });
  return new InfluxClient({ ...influxClientOptions(config), auth: config.influx.auth });
}

async function readAndWrite(client: InfluxClient) {
  const series = await readSeries(client, QUERY, { from: 0, to: 60_000 }, 60_000);
  expect(series).toEqual([{ tags: {}, points: [[0, 1.5]] }]);
  await client.write('telegraf', [{ measurement: 'cpu', fields: { v: 1 }, time: 0 }], {
    retentionPolicy: 'autogen',
  });
  expect(recorded).toHaveLength(2);
  return { query: recorded[0]!, write: recorded[1]! };
}

const SELECT =
  'SELECT mean("usage_idle"::field) FROM "telegraf"."autogen"."cpu" WHERE time >= 0ms AND time < 60000ms GROUP BY time(60000ms) fill(none)';

it('1.x: POST /query with db, rp, epoch in the URL and q in a form body; Basic authorization', async () => {
  const client = scorerClient({
    INFLUX_VERSION: '1',
    INFLUX_USERNAME: 'reader',
    INFLUX_PASSWORD: 'p@ss:word',
  });
  const { query, write } = await readAndWrite(client);
  expect(query).toMatchObject({
    method: 'POST',
    path: '/query',
    params: { db: 'telegraf', rp: 'autogen', epoch: 'ms' },
  });
  expect(query.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
  expect(Object.fromEntries(new URLSearchParams(query.body))).toEqual({ q: SELECT });
  const basic = `Basic ${Buffer.from('reader:p@ss:word').toString('base64')}`;
  expect(query.headers.authorization).toBe(basic);
  expect(write).toMatchObject({
    method: 'POST',
    path: '/write',
    params: { db: 'telegraf', rp: 'autogen', precision: 'ms' },
  });
  expect(write.headers.authorization).toBe(basic);
  expect(write.body).toBe('cpu v=1 0');
});

it.each([
  ['INFLUX_VERSION=2', { INFLUX_VERSION: '2', INFLUX_TOKEN: TOKEN }],
  ['a token without INFLUX_VERSION (2.x, as before versions could be set)', { INFLUX_TOKEN: TOKEN }],
])(
  '2.x (%s): the v1 /query with db and rp for the DBRP mapping; Authorization: Token',
  async (_name, env) => {
    const { query, write } = await readAndWrite(scorerClient(env));
    expect(query).toMatchObject({
      method: 'POST',
      path: '/query',
      params: { db: 'telegraf', rp: 'autogen', epoch: 'ms' },
    });
    expect(Object.fromEntries(new URLSearchParams(query.body))).toEqual({ q: SELECT });
    expect(query.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(write).toMatchObject({
      path: '/write',
      params: { db: 'telegraf', rp: 'autogen', precision: 'ms' },
    });
    expect(write.headers.authorization).toBe(`Token ${TOKEN}`);
  },
);

it('3.x: GET /query with db, rp, q and epoch in the URL, no body; Authorization: Bearer; JSON asked for', async () => {
  const { query, write } = await readAndWrite(scorerClient({ INFLUX_VERSION: '3', INFLUX_TOKEN: TOKEN }));
  expect(query).toMatchObject({
    method: 'GET',
    path: '/query',
    params: { db: 'telegraf', rp: 'autogen', epoch: 'ms', q: SELECT },
    body: '',
  });
  expect(query.headers.authorization).toBe(`Bearer ${TOKEN}`);
  expect(query.headers.accept).not.toMatch(/msgpack/);
  expect(write).toMatchObject({
    method: 'POST',
    path: '/write',
    params: { db: 'telegraf', precision: 'ms' },
  });
  expect(write.headers.authorization).toBe(`Bearer ${TOKEN}`);
});

it('3.x with a username and password: the token as the Basic password, as InfluxDB 3 documents', async () => {
  const { query } = await readAndWrite(
    scorerClient({ INFLUX_VERSION: '3', INFLUX_USERNAME: 'ignored', INFLUX_PASSWORD: TOKEN }),
  );
  expect(query.headers.authorization).toBe(`Basic ${Buffer.from(`ignored:${TOKEN}`).toString('base64')}`);
});

it('refuses a token with INFLUX_VERSION=1, and a version that is not 1, 2 or 3', () => {
  expect(() => scorerClient({ INFLUX_VERSION: '1', INFLUX_TOKEN: TOKEN })).toThrow(
    /INFLUX_VERSION: InfluxDB 1.x has no tokens/,
  );
  expect(() => scorerClient({ INFLUX_VERSION: '4' })).toThrow(/INFLUX_VERSION: must be 1, 2 or 3/);
});

it('never logs a token: the start-up configuration shows only its kind', async () => {
  const { redactConfig } = await import('../config');
  const config = loadConfig({
    TIDEMARK_TOKENS: 'a-scorer-token-0123456789',
    INFLUX_URL: url,
    INFLUX_VERSION: '3',
    INFLUX_TOKEN: TOKEN,
  });
  const shown = JSON.stringify(redactConfig(config));
  expect(shown).not.toContain(TOKEN);
  expect(shown).toContain('"apiVersion":3');
});
