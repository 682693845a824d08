import { type FaultProxy, startFaultProxy } from '../test/fault-proxy';
import { freePort, useInfluxd } from '../test/influxd';
import { InfluxClient } from './client';
import { InfluxError } from './errors';
import { readSeries } from './series-query';

const influxd = useInfluxd();
const secured = useInfluxd({ auth: true });
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await startFaultProxy(influxd.current.url);
  await new InfluxClient({ url: influxd.current.url }).query('CREATE DATABASE "db"');
});
afterAll(() => proxy.close());
beforeEach(() => {
  proxy.requests.splice(0);
  proxy.answerTypes.splice(0);
  proxy.answerEncodings.splice(0);
});

const through = (options: Partial<ConstructorParameters<typeof InfluxClient>[0]> = {}) =>
  new InfluxClient({ url: proxy.url, retryBaseMs: 5, ...options });

describe('requests and answers', () => {
  it('pings and reports the server version', async () => {
    expect(await new InfluxClient({ url: `${influxd.current.url}/` }).ping()).toEqual({
      version: '1.6.7~rc0',
    });
  });

  it('writes in batches and reads back what it wrote', async () => {
    const client = through();
    const points = [0, 1, 2, 3, 4].map((i) => ({
      measurement: 'm',
      fields: { v: i * 1.5 },
      time: i * 1_000,
    }));
    expect(await client.write('db', points, { batchSize: 2 })).toBe(5);
    expect(proxy.requests.filter((path) => path === '/write')).toHaveLength(3);
    const series = await readSeries(
      client,
      { database: 'db', measurement: 'm', field: 'v' },
      { from: 0, to: 5_000 },
      1_000,
    );
    expect(series).toEqual([{ tags: {}, points: points.map((p) => [p.time, p.fields.v]) }]);
  });

  it.each([
    ['msgpack', undefined, 'application/x-msgpack'],
    ['msgpack', 'msgpack', 'application/x-msgpack'],
    ['JSON', 'json', 'application/json'],
  ] as const)('reads query results as %s (queryFormat %s)', async (_name, queryFormat, answerType) => {
    const client = through(queryFormat ? { queryFormat } : {});
    await client.write('db', [
      { measurement: 'fmt', tags: { host: 'a' }, fields: { v: 0.1 }, time: 0 },
      { measurement: 'fmt', tags: { host: 'b' }, fields: { v: 2 ** 40 + 0.5 }, time: 1_000 },
      { measurement: 'fmt', tags: { host: 'b' }, fields: { v: -3e-300 }, time: 2_000 },
    ]);
    proxy.answerTypes.splice(0);
    const series = await readSeries(
      client,
      { database: 'db', measurement: 'fmt', field: 'v', groupBy: ['host'] },
      { from: 0, to: 3_000 },
      1_000,
    );
    expect(proxy.answerTypes).toEqual([answerType]);
    expect(series).toEqual([
      { tags: { host: 'a' }, points: [[0, 0.1]] },
      {
        tags: { host: 'b' },
        points: [
          [1_000, 2 ** 40 + 0.5],
          [2_000, -3e-300],
        ],
      },
    ]);
  });

  it.each([
    [undefined, ''],
    [false, ''],
    [true, 'gzip'],
  ])('asks for gzip only when told to (gzip %s)', async (gzip, encoding) => {
    const client = through(gzip === undefined ? {} : { gzip });
    const databases = await client.querySeries('SHOW DATABASES');
    expect(databases[0]?.values).toContainEqual(['db']);
    expect(proxy.answerEncodings).toEqual([encoding]);
  });

  it('refuses a text that runs more than one statement', async () => {
    await expect(through().querySeries('SHOW DATABASES; SHOW DATABASES')).rejects.toMatchObject({
      kind: 'bad-query',
      message: 'expected one statement, InfluxDB ran 2',
    });
  });
});

describe('errors map to clear kinds and statuses', () => {
  it.each([
    ['a syntax error', 'SELECT FROM', { database: 'db' }, 'bad-query', 400, /error parsing query/],
    [
      'a missing database',
      'SELECT "v" FROM "m"',
      { database: 'nope' },
      'not-found',
      404,
      /database not found/,
    ],
    ['a wrong type', 'SELECT mean("s") FROM "strings"', { database: 'db' }, 'bad-query', 400, /./],
  ])('%s', async (_name, text, options, kind, status, message) => {
    const client = through();
    const asJson = through({ queryFormat: 'json' });
    await client.write('db', [{ measurement: 'strings', fields: { s: 'text' }, time: 1 }]);
    proxy.requests.splice(0);
    proxy.answerTypes.splice(0);
    for (const format of [client, asJson]) {
      const error = await format.querySeries(text, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InfluxError);
      expect(error).toMatchObject({ kind, status, message: expect.stringMatching(message) });
    }
    expect(proxy.requests).toHaveLength(2); // one each, never retried
    expect(proxy.answerTypes).toEqual(['application/x-msgpack', 'application/json']);
  });

  it('maps a rejected write to bad-write and a missing database to not-found', async () => {
    const client = through();
    await expect(client.writeLines('db', 'm v=')).rejects.toMatchObject({ kind: 'bad-write', status: 400 });
    await expect(client.writeLines('nope', 'm v=1 1')).rejects.toMatchObject({
      kind: 'not-found',
      status: 404,
    });
  });
});

describe('retries and timeouts', () => {
  it('retries a 5xx and a dropped connection, then succeeds', async () => {
    proxy.inject({ status: 503 }, { reset: true });
    await expect(through({ retries: 2 }).querySeries('SHOW DATABASES')).resolves.toBeDefined();
    expect(proxy.requests).toHaveLength(3);
  });

  it('gives up after the configured retries with a 503-class error', async () => {
    proxy.inject({ status: 500 }, { status: 502 }, { status: 503 });
    const error = await through({ retries: 2 })
      .querySeries('SHOW DATABASES')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable', status: 503, influxStatus: 503 });
    expect(proxy.requests).toHaveLength(3);
  });

  it('does not retry a 4xx', async () => {
    proxy.inject({ status: 400 });
    await expect(through({ retries: 3 }).querySeries('SHOW DATABASES')).rejects.toMatchObject({
      status: 400,
    });
    expect(proxy.requests).toHaveLength(1);
  });

  it('times out a slow answer without retrying it', async () => {
    proxy.inject({ delayMs: 1_000 });
    const started = Date.now();
    const error = await through({ timeoutMs: 100, retries: 3 })
      .querySeries('SHOW DATABASES')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'timeout',
      status: 503,
      message: expect.stringMatching(/within 100 ms/),
    });
    expect(Date.now() - started).toBeLessThan(900);
    expect(proxy.requests).toHaveLength(1);
  });

  it('reports an unreachable server after backing off between attempts', async () => {
    const port = await freePort();
    const started = Date.now();
    const client = new InfluxClient({ url: `http://127.0.0.1:${port}`, retries: 2, retryBaseMs: 50 });
    const error = await client.ping().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable', status: 503 });
    expect((error as Error).message).toMatch(/unreachable \(ECONNREFUSED\) after 3 attempt/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50 * 0.5 + 100 * 0.5);
  });

  it("stops when the caller's signal aborts", async () => {
    proxy.inject({ delayMs: 1_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(through().querySeries('SHOW DATABASES', { signal: controller.signal })).rejects.toThrow(
      'client went away',
    );
  });
});

describe('authentication', () => {
  it('authenticates with user and password (1.x)', async () => {
    const client = new InfluxClient({ url: secured.current.url, auth: secured.current.admin! });
    await client.query('CREATE DATABASE "secure"');
    await client.write('secure', [{ measurement: 'm', fields: { v: 1 }, time: 1 }]);
    const series = await readSeries(
      client,
      { database: 'secure', measurement: 'm', field: 'v' },
      { from: 0, to: 10 },
      10,
    );
    expect(series).toHaveLength(1);
  });

  it.each([
    ['no credentials', undefined],
    ['a wrong password', { username: 'tidemark_admin', password: 'wrong' }],
    // 1.x does not take tokens; 2.x/3.x do. Either way a rejection must read as a config problem.
    ['a token 1.x does not accept', { token: 'tidemark_admin:test-password' }],
  ])('maps %s to a 502 that points at the credentials', async (_name, auth) => {
    const client = new InfluxClient({ url: secured.current.url, ...(auth ? { auth } : {}) });
    const error = await client.querySeries('SHOW DATABASES').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', status: 502, influxStatus: 401 });
    expect((error as Error).message).toContain(
      'check INFLUX_TOKEN (2.x/3.x) or INFLUX_USERNAME and INFLUX_PASSWORD',
    );
  });

  it('maps a user without privileges on a database to forbidden (403)', async () => {
    const admin = new InfluxClient({ url: secured.current.url, auth: secured.current.admin! });
    await admin.query(`CREATE USER "reader" WITH PASSWORD 'pw'`);
    const reader = new InfluxClient({
      url: secured.current.url,
      auth: { username: 'reader', password: 'pw' },
    });
    const error = await reader
      .querySeries('SELECT "v" FROM "m"', { database: 'secure' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'forbidden', status: 403 });
  });
});
