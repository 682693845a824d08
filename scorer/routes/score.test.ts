import type { ScoredSeries, ScoreResponse } from '@tidemark/core';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

const influxd = useInfluxd();
let h: Harness;
const STEP = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const N = 2_000;
const SPIKE = 1_900;

beforeAll(async () => {
  h = await startHarness(influxd.current);
  await createDatabase(h.influx, 'metrics');
  await h.influx.write('metrics', [
    ...seasonalPoints('cpu', { host: 'a' }, T0, N, STEP, { [SPIKE]: 60 }),
    ...seasonalPoints('cpu', { host: "b'quote" }, T0, N, STEP),
  ]);
}, 60_000);
afterAll(() => h.close());

const query = { database: 'metrics', measurement: 'cpu', field: 'value' };
const range = { from: T0 + 1_800 * STEP, to: T0 + N * STEP };

describe('POST /api/v1/score', () => {
  it('scores the range, learning from the history before it, and flags the spike', async () => {
    const response = await h.call('POST', '/api/v1/score', {
      role: 'Viewer',
      body: {
        query: { ...query, tags: [{ key: 'host', value: 'a' }] },
        range,
        intervalMs: STEP,
        detector: { id: 'robust' },
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ScoreResponse;
    expect(body.contractVersion).toBe(1);
    expect(body.series).toHaveLength(1);
    const [series] = body.series;
    expect(series!.name).toBe('cpu value');
    expect(series!.time[0]).toBe(range.from);
    expect(series!.time).toHaveLength(200);
    const spikeAt = series!.time.indexOf(T0 + SPIKE * STEP);
    expect(series!.anomaly[spikeAt]).toBe(true);
    expect(series!.regions.some((r) => r.start <= T0 + SPIKE * STEP && r.end >= T0 + SPIKE * STEP)).toBe(
      true,
    );
    expect(series!.anomaly.filter(Boolean).length).toBeLessThan(10);
  });

  it('says where the time went: Server-Timing per stage and a stage histogram in /metrics', async () => {
    const response = await h.call('POST', '/api/v1/score', {
      body: { query, range, intervalMs: STEP, detector: { id: 'robust' } },
    });
    expect(response.status).toBe(200);
    const stages = (response.headers.get('server-timing') ?? '').split(', ').map((s) => s.split(';dur='));
    expect(stages.map(([name]) => name)).toEqual(['influx', 'engine', 'written', 'encode']);
    for (const [, ms] of stages) expect(Number(ms)).toBeGreaterThanOrEqual(0);
    const metrics = await (await h.call('GET', '/metrics')).text();
    for (const stage of ['influx', 'engine', 'written', 'encode']) {
      expect(metrics).toMatch(
        new RegExp(`tidemark_score_stage_duration_seconds_count\\{stage="${stage}"\\} [1-9]`),
      );
    }
  });

  it('learns from the history before the UTC day it scores, and says so when there is too little', async () => {
    const request = async (from: number) => {
      const response = await h.call('POST', '/api/v1/score', {
        body: {
          query: { ...query, tags: [{ key: 'host', value: 'a' }] },
          range: { from, to: T0 + N * STEP },
          intervalMs: STEP,
          detector: { id: 'ensemble', params: { trainingWindow: '20h' } },
        },
      });
      const series = ((await response.json()) as ScoreResponse).series[0]!;
      return { text: series.notices.map((n) => n.text).join(' '), series };
    };
    const secondDay = '2024-01-02T00:00:00.000Z';
    const first = await request(range.from);
    expect(first.text).toMatch(`learned from the data before the start of each UTC day (${secondDay})`);
    expect(first.series.anomaly[first.series.time.indexOf(T0 + SPIKE * STEP)]).toBe(true);
    const refresh = await request(range.from + 10 * STEP);
    expect(refresh.series.score).toEqual(first.series.score.slice(10));
    // Reaching into the first day, which has no history before it: learned from that day itself.
    const earlier = await request(T0 + 1_400 * STEP);
    expect(earlier.text).toMatch('Too little history before 2024-01-01T00:00:00.000Z to learn from');
    expect(earlier.series.score.slice(400)).toEqual(first.series.score);
  });

  it('scores the ensemble in engine workers (split between two) exactly as on the request thread alone', async () => {
    const body = {
      query: { ...query, tags: [{ key: 'host', value: 'a' }] },
      intervalMs: STEP,
      detector: { id: 'ensemble', params: { trainingWindow: '20h' } },
    };
    const run = async (workers: string) => {
      const harness = await startHarness(influxd.current, { env: { SCORE_WORKERS: workers } });
      try {
        await harness.deps.enginePool.ready();
        await harness.call('POST', '/api/v1/score', { body: { ...body, range } });
        // Both score with what was learned before the range's UTC day: the ensemble's members split up.
        const later = { from: range.from + 10 * STEP, to: range.to };
        const scored = (await (
          await harness.call('POST', '/api/v1/score', { body: { ...body, range: later } })
        ).json()) as ScoreResponse;
        const metrics = await (await harness.call('GET', '/metrics')).text();
        const calls = [
          ...metrics.matchAll(/tidemark_engine_calls_total\{kind="(\w+)",thread="(\w+)"\} (\d+)/g),
        ];
        return {
          scored,
          calls: Object.fromEntries(calls.map(([, kind, thread, n]) => [`${kind} ${thread}`, Number(n)])),
        };
      } finally {
        await harness.close();
      }
    };
    const pooled = await run('2');
    const alone = await run('0');
    expect(pooled.calls).toEqual({ 'train worker': 1, 'score worker': 2, 'member worker': 4 });
    expect(alone.calls).toEqual({ 'train main': 1, 'score main': 2 });
    expect(pooled.scored.series[0]!.anomaly.some(Boolean)).toBe(true);
    // Everything but the notice saying when each harness learned.
    const columns = ({ notices: _, ...series }: ScoredSeries) => series;
    expect(pooled.scored.series.map(columns)).toEqual(alone.scored.series.map(columns));
  });

  it('gives one series per group-by tag value, with hostile tag values intact', async () => {
    const response = await h.call('POST', '/api/v1/score', {
      body: { query: { ...query, groupBy: ['host'] }, range, intervalMs: STEP, detector: { id: 'robust' } },
    });
    const body = (await response.json()) as ScoreResponse;
    expect(body.series.map((s) => s.tags)).toEqual([{ host: 'a' }, { host: "b'quote" }]);
    expect(body.series.map((s) => s.name)).toEqual(['cpu value {host=a}', "cpu value {host=b'quote}"]);
  });

  it('says so when the range holds no data', async () => {
    const response = await h.call('POST', '/api/v1/score', {
      body: {
        query,
        range: { from: T0 - 100 * STEP, to: T0 },
        intervalMs: STEP,
        detector: { params: { trainingWindow: '1h' } },
      },
    });
    const body = (await response.json()) as ScoreResponse;
    expect(body.series).toEqual([]);
    expect(body.notices[0]?.text).toMatch(/No data/);
  });

  it.each([
    ['measurement', { measurement: 'nope' }, /Measurement "nope" does not exist in database "metrics"/],
    ['field', { field: 'nope' }, /has no field "nope"\. Its fields: value/],
    ['tag key', { tags: [{ key: 'nope', value: 'a' }] }, /has no tag "nope"/],
    // InfluxDB itself groups by an unknown key as if every point had the value "".
    ['group-by key', { groupBy: ['nope'] }, /has no tag "nope"\. Pick one from \/api\/v1\/schema\/tag-keys/],
    ['second group-by key', { groupBy: ['host', 'nope'] }, /has no tag "nope"/],
    ['tag value', { tags: [{ key: 'host', value: "x' OR 'a'='a" }] }, /never has the value "x' OR 'a'='a"/],
  ])('names a %s that does not exist (404)', async (_what, change, detail) => {
    const response = await h.call('POST', '/api/v1/score', {
      body: { query: { ...query, ...change }, range, intervalMs: STEP },
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
  });

  it('answers the LSTM with the robust baseline while it trains in the background', async () => {
    const response = await h.call('POST', '/api/v1/score', {
      body: {
        query: { ...query, tags: [{ key: 'host', value: 'a' }] },
        range,
        intervalMs: STEP,
        detector: { id: 'lstm' },
      },
    });
    const body = (await response.json()) as ScoreResponse;
    expect(body.series[0]?.detector).toBe('robust');
    expect(body.series[0]?.notices.map((n) => n.text).join(' ')).toMatch(/LSTM/);
    await h.deps.trainer.shutdown(); // not needed further; stop the background job
  });

  it.each([
    [
      'a range past MAX_POINTS',
      { query, range: { from: 0, to: 10 ** 12 }, intervalMs: 1 },
      400,
      /MAX_POINTS/,
    ],
    [
      'a missing database',
      { query: { ...query, database: 'nope' }, range, intervalMs: STEP },
      404,
      /database not found/,
    ],
  ])('answers %s with a problem', async (_name, body, status, detail) => {
    const response = await h.call('POST', '/api/v1/score', { body });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
  });
});

describe('POST /api/v1/score/points', () => {
  it('scores points from the body', async () => {
    const points = seasonalPoints('x', {}, T0, 500, STEP, { 450: 80 }).map((p) => [p.time, p.fields.value]);
    const response = await h.call('POST', '/api/v1/score/points', {
      role: 'Viewer',
      body: {
        series: [{ name: 'inline', points: points.slice(300), training: points.slice(0, 300) }],
        intervalMs: STEP,
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ScoreResponse;
    expect(body.series[0]?.time).toHaveLength(200);
    expect(body.series[0]?.anomaly[150]).toBe(true);
  });
});

describe('schema look-ups', () => {
  it.each([
    ['/api/v1/schema/databases', { values: expect.arrayContaining(['metrics']) }],
    ['/api/v1/schema/measurements?database=metrics', { values: ['cpu'] }],
    [
      '/api/v1/schema/fields?database=metrics&measurement=cpu',
      { values: ['value'], types: { value: 'float' } },
    ],
    ['/api/v1/schema/tag-keys?database=metrics&measurement=cpu', { values: ['host'] }],
    ['/api/v1/schema/tag-values?database=metrics&measurement=cpu&key=host', { values: ['a', "b'quote"] }],
  ])('GET %s', async (path, expected) => {
    const response = await h.call('GET', path, { role: 'Viewer' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expected);
  });

  it('requires the parameters it needs', async () => {
    const response = await h.call('GET', '/api/v1/schema/tag-values?database=metrics&measurement=cpu');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ path: 'key' }] });
  });
});

describe('health', () => {
  it('/healthz and /readyz answer without a token', async () => {
    expect((await h.app.request('/healthz')).status).toBe(200);
    const ready = await h.app.request('/readyz');
    expect(await ready.json()).toMatchObject({ status: 'ready', influxdb: { version: '1.6.7~rc0' } });
  });

  it('/metrics counts requests', async () => {
    const text = await (await h.app.request('/metrics')).text();
    expect(text).toMatch(
      /tidemark_http_requests_total\{method="POST",route="\/api\/v1\/score",status="200"\} \d+/,
    );
  });

  it('/openapi.json describes every route', async () => {
    const doc = (await (await h.app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/score',
        '/api/v1/models/{id}/rollback',
        '/api/v1/models/{id}/file',
        '/api/v1/models/file',
      ]),
    );
  });
});
