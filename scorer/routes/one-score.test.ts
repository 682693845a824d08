import { continuousDetectorInputSchema, type ScoredSeries, type ScoreResponse } from '@tidemark/core';
import { emptyCheckpoint, runDetector } from '../continuous/runner';
import { createDatabase, type Harness, seasonalPoints, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

// One score everywhere: a point's score must not depend on the range a panel asks for, and the
// panel must show what a continuous detector wrote for it (and so what annotations and alerts see).
const influxd = useInfluxd();
let h: Harness;
const STEP = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 1);
const N = 4 * 1_440;
const SPIKES = { [3 * 1_440 + 200]: 40, [3 * 1_440 - 30]: -35, [2 * 1_440 + 700]: 30 };
const query = {
  database: 'metrics',
  measurement: 'cpu',
  field: 'value',
  tags: [{ key: 'host', value: 'a' }],
  groupBy: ['host'],
};
const detector = { id: 'ensemble', params: { trainingWindow: '1d' } } as const;
const detectorInput = {
  id: 'cpu-a',
  name: 'CPU on host a',
  query,
  interval: '1m',
  lag: '1ms',
  maxBackfill: '1d',
  detector,
};

beforeAll(async () => {
  h = await startHarness(influxd.current);
  await createDatabase(h.influx, 'metrics');
  await h.influx.write('metrics', seasonalPoints('cpu', { host: 'a' }, T0, N, STEP, SPIKES));
}, 60_000);
afterAll(() => h.close());

async function score(from: number, to: number, harness = h, spec: unknown = detector): Promise<ScoredSeries> {
  const response = await harness.call('POST', '/api/v1/score', {
    role: 'Viewer',
    body: { query, range: { from, to }, intervalMs: STEP, detector: spec },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as ScoreResponse;
  expect(body.series).toHaveLength(1);
  return body.series[0]!;
}

/** time → score of the points both series hold. */
function common(a: ScoredSeries, b: ScoredSeries) {
  const scoreOf = (s: ScoredSeries) => new Map(s.time.map((t, i) => [t, s.score[i]]));
  const inB = scoreOf(b);
  const times = a.time.filter((t) => inB.has(t));
  const pick = (s: ScoredSeries) => times.map((t) => [t, scoreOf(s).get(t)]);
  return { times, a: pick(a), b: pick(b) };
}

describe('one score for a point, whatever the range', () => {
  // 6 h inside the fourth day, 24 h across the third and fourth, 6 h across the day boundary.
  const end = T0 + 3 * DAY + 6 * HOUR;

  it('gives the same points the same scores in a 6 h, a 24 h and a shifted range', async () => {
    const sixHours = await score(end - 6 * HOUR, end);
    const day = await score(end - DAY, end);
    const shifted = await score(T0 + 3 * DAY - 3 * HOUR + 30_000, T0 + 3 * DAY + 3 * HOUR);
    expect(sixHours.time).toHaveLength(360);
    const long = common(sixHours, day);
    expect(long.times).toHaveLength(360);
    expect(long.a).toEqual(long.b);
    const across = common(shifted, day);
    expect(across.times.length).toBeGreaterThan(350);
    expect(across.times.some((t) => t < T0 + 3 * DAY)).toBe(true);
    expect(across.a).toEqual(across.b);
    // Scores are there, and the spikes are flagged in every range.
    expect(day.score.filter((s) => s !== null).length).toBe(day.time.length);
    for (const series of [sixHours, day]) {
      expect(series.anomaly[series.time.indexOf(T0 + (3 * 1_440 + 200) * STEP)]).toBe(true);
    }
  });

  it('gives the same scores after a restart (nothing learned kept) as before it', async () => {
    const before = await score(end - 6 * HOUR, end);
    const fresh = await startHarness(influxd.current);
    try {
      const after = await score(end - 2 * HOUR, end, fresh);
      const both = common(after, before);
      expect(both.times).toHaveLength(120);
      expect(both.a).toEqual(both.b);
    } finally {
      await fresh.close();
    }
  });

  it('scores as a continuous detector wrote, for the points it covers', async () => {
    // Not defined in the org yet: the panel scores these points itself.
    const definition = continuousDetectorInputSchema.parse(detectorInput);
    const deps = { access: h.deps.access, scoring: h.deps.scoring, defaultDatabase: null, legacyOrgId: 1 };
    // Runs as a schedule would make them: a backfill, then small steps, one across midnight (each
    // scores the intervals complete by then).
    const checkpoint = emptyCheckpoint();
    for (const now of [
      T0 + 3 * DAY - 2 * HOUR,
      T0 + 3 * DAY - 7 * STEP,
      T0 + 3 * DAY + 5 * STEP,
      end + STEP,
    ]) {
      await runDetector(deps, 1, definition, checkpoint, now, async () => {});
    }
    const [written] = await h.influx.query(
      `SELECT "score" FROM "metrics".."tidemark_anomaly" WHERE "detector" = 'cpu-a' AND time >= ${end - DAY}ms AND time < ${end}ms`,
    );
    const stored = new Map<number, number>(
      (written?.series?.[0]?.values ?? []).map(([t, s]) => [Number(t), s as number]),
    );
    expect(stored.size).toBe(1_440);
    const panel = await score(end - DAY, end);
    const compared = panel.time.map((t, i) => [t, panel.score[i]]);
    expect(compared).toEqual(panel.time.map((t) => [t, stored.get(t)]));
  });

  it('shows what a covering continuous detector wrote, even after late data changed a point', async () => {
    // The detector of the test before, now defined in org 1 (disabled: it was run by hand).
    const created = await h.call('POST', '/api/v1/detectors', {
      role: 'Editor',
      body: { ...detectorInput, enabled: false },
    });
    expect(created.status).toBe(201);
    const late = end - 3 * HOUR;
    const [before] = await h.influx.query(
      `SELECT "value", "score" FROM "metrics".."tidemark_anomaly" WHERE "detector" = 'cpu-a' AND time >= ${late}ms AND time < ${end}ms`,
    );
    const stored = new Map((before?.series?.[0]?.values ?? []).map(([t, v, s]) => [Number(t), [v, s]]));
    expect(stored.size).toBe(180);
    // A point arriving late in an interval already scored and written: its mean is now far off.
    await h.influx.write('metrics', [
      { measurement: 'cpu', tags: { host: 'a' }, fields: { value: 5_000 }, time: late + 10_000 },
    ]);
    const panel = await score(end - 6 * HOUR, end + HOUR);
    const shown = (t: number) => {
      const i = panel.time.indexOf(t);
      return [panel.value[i], panel.score[i]];
    };
    expect([...stored.keys()].map(shown)).toEqual([...stored.values()]);
    expect(panel.notices.map((n) => n.text)).toContain(
      `Up to ${new Date(end - STEP).toISOString()} these are the scores continuous detector "cpu-a" wrote back (what its annotations and alerts show); later points are scored now.`,
    );
    // Past what it wrote, the panel scores: the hour after `end` is there, scored.
    const after = panel.time.filter((t) => t >= end);
    expect(after).toHaveLength(60);
    expect(after.every((t) => shown(t)[1] !== null)).toBe(true);
    // Scored now (other parameters: no detector covers them), the late point looks different.
    const recomputed = await score(end - 6 * HOUR, end, h, {
      ...detector,
      params: { ...detector.params, threshold: 99 },
    });
    const i = recomputed.time.indexOf(late);
    expect([recomputed.value[i], recomputed.score[i]]).not.toEqual(stored.get(late));
  });
});
