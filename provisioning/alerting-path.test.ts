/**
 * The alerting path without Grafana: the demo feeder writes to a real influxd, the scorer's
 * continuous detectors (from provisioning/scorer/detectors.yaml) score it and write the score
 * back, and the provisioned alert rule's own InfluxQL, expanded as Grafana expands it, is run
 * against influxd and reduced/thresholded as Grafana's expressions do (test/grafana-stand-in.ts).
 * Time is simulated (fixed dates, a hand-moved clock), so the test takes seconds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertRuleQuerySchema } from '@tidemark/core';
import { parse } from 'yaml';
import { loadConfig } from '../scorer/config';
import { alertRuleYaml } from '../scorer/continuous/alert-rule';
import { outputDatabase } from '../scorer/continuous/output';
import { loadProvisionedDetectors, type ProvisionedDetector } from '../scorer/continuous/provisioning';
import { DetectorService } from '../scorer/continuous/service';
import type { AppDeps } from '../scorer/deps';
import type { Anomaly } from '../scorer/feeder/anomalies';
import { type FeedClock, Feeder, LABELS_MEASUREMENT } from '../scorer/feeder/feeder';
import { metricById } from '../scorer/feeder/metrics';
import { InfluxClient } from '../scorer/influx';
import { createLogger } from '../scorer/log';
import { createServices } from '../scorer/services';
import { useInfluxd } from '../scorer/test/influxd';
import {
  type AlertRule,
  evaluateRule,
  type LabelledSeries,
  path,
  type RuleData,
  readJson,
  readYaml,
  renderInfluxQL,
} from './test/grafana-stand-in';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Wednesday 2025-01-15 10:00 UTC. */
const T0 = Date.UTC(2025, 0, 15, 10, 0);
const DATABASE = 'tidemark';
/** Where the provisioned detectors write and the alert rules read (apart from the metrics). */
const SCORES = 'tidemark_scores';
const HOSTS = ['web-1', 'web-2', 'web-3'];

const influxd = useInfluxd();
let influx: InfluxClient;
let deps: AppDeps;
let dataDir: string;
let detectors: DetectorService;
let provisioned: ProvisionedDetector[];
let feeder: Feeder;
let anomaly: Anomaly;
let now = T0;

const clock: FeedClock = {
  now: () => now,
  sleep: async (ms) => {
    now += ms;
  },
};

const rules = readYaml<{ groups: Array<{ rules: AlertRule[] }> }>(
  'provisioning/grafana/alerting/tidemark.yaml',
).groups.flatMap((g) => g.rules);
const scoreRule = rules.find((r) => r.uid === 'tidemark-anomaly-flagged')!;
const stoppedRule = rules.find((r) => r.uid === 'tidemark-detector-stopped')!;
const THRESHOLD = scoreRule.data.find((d) => d.refId === scoreRule.condition)!.model.conditions![0]!.evaluator
  .params[0]!;

/** Runs a rule's query as Grafana's InfluxDB data source does: macros expanded, tags become labels. */
async function runQuery(data: RuleData, from: number, to: number): Promise<LabelledSeries[]> {
  const text = renderInfluxQL(data.model.query!, { from, to, intervalMs: MINUTE });
  const series = await influx.querySeries(text, { database: DATABASE });
  return series.map((one) => ({
    labels: one.tags ?? {},
    values: one.values.map((row) => (typeof row[1] === 'number' ? row[1] : null)),
  }));
}

const legacySeries = 'written without org';

/** A point as a continuous detector writes it, for the first provisioned detector and host. */
function writtenScore(time: number, org: { org?: string }, score: number) {
  return {
    measurement: 'tidemark_anomaly',
    tags: { ...org, detector: provisioned[0]!.definition.id, series: legacySeries, host: HOSTS[0]! },
    time,
    fields: { value: 1, expected: 1, lower: 0, upper: 2, score, anomaly: 1 },
  };
}

/** Moves the simulated clock to `time`: the feeder writes up to it, then every detector runs. */
async function advanceTo(time: number) {
  await feeder.writeRange(now, time);
  now = time;
  for (const { orgId, definition } of provisioned) await detectors.runNow(orgId, definition);
}

beforeAll(async () => {
  influx = new InfluxClient({ url: influxd.current.url });
  await influx.query(`CREATE DATABASE "${DATABASE}"`);
  await influx.query(`CREATE DATABASE "${SCORES}"`);
  dataDir = await mkdtemp(join(tmpdir(), 'tidemark-alerting-'));
  provisioned = await loadProvisionedDetectors(path('provisioning/scorer/detectors.yaml'), 1);
  const config = loadConfig({
    TIDEMARK_TOKENS: 'alerting-path-token-0123',
    INFLUX_URL: influxd.current.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger('silent');
  deps = await createServices(config, logger, { provisioned });
  // The scorer's detector service on the simulated clock (the one in deps runs on the wall clock).
  detectors = new DetectorService({
    store: deps.store,
    access: deps.access,
    scoring: deps.scoring,
    logger,
    provisioned,
    defaultDatabase: null,
    legacyOrgId: 1,
    now: () => now,
  });
  feeder = new Feeder({
    influx,
    database: DATABASE,
    seed: 1,
    hosts: HOSTS,
    step: MINUTE,
    history: 2 * DAY,
    // One scheduled slot a day, none in the history: the first anomaly is the only one in the test.
    anomalyEvery: DAY,
    historyAnomalyEvery: 0,
    firstAnomalyAfter: 30 * MINUTE,
    clock,
  });
  anomaly = feeder.anomalies(T0, T0 + 2 * 60 * MINUTE)[0]!;
  await feeder.backfill();
}, 60_000);

afterAll(async () => {
  await detectors?.stop();
  await deps?.trainer.shutdown();
  await deps?.enginePool.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('feeder → influxd → continuous detectors → alert rule', () => {
  it('injects one level shift, 30 minutes after the start', () => {
    expect(anomaly).toMatchObject({ kind: 'level-shift', start: T0 + 30 * MINUTE });
  });

  it('before the anomaly: every series has recent scores, and none is past the threshold', async () => {
    await advanceTo(anomaly.start);
    // Org 2's detector of the same id scored the same series high: not org 1's alert.
    await influx.write(SCORES, [writtenScore(now - MINUTE, { org: '2' }, 99)]);
    const instances = await evaluateRule(scoreRule, now, runQuery);
    expect(instances).toHaveLength(provisioned.length * HOSTS.length);
    for (const instance of instances) {
      expect(instance.values.B).not.toBeNull();
      expect([instance.labels.series, instance.values.B! <= THRESHOLD]).toEqual([
        instance.labels.series,
        true,
      ]);
      expect(instance.firing).toBe(false);
    }
  }, 60_000);

  it('during the anomaly: the rule fires for that series only, saying what was expected', async () => {
    await advanceTo(anomaly.start + 3 * MINUTE);
    const instances = await evaluateRule(scoreRule, now, runQuery);
    const metric = metricById(anomaly.metric);
    const detector = provisioned.find((p) => p.definition.query.field === metric.field)!.definition.id;
    const firing = instances.filter((i) => i.firing);
    expect(firing.map((i) => i.labels)).toEqual([
      {
        detector,
        host: anomaly.host,
        series: `${metric.measurement} ${metric.field} {host=${anomaly.host}}`,
      },
    ]);
    const { values } = firing[0]!;
    expect(values.B).toBeGreaterThan(THRESHOLD);
    // The description's numbers: the anomalous value lies outside the expected range.
    expect(values.L).not.toBeNull();
    expect(values.U).toBeGreaterThan(values.L!);
    expect(values.V! > values.U! || values.V! < values.L!).toBe(true);
  }, 60_000);

  it("each detector's own rule (GET /api/v1/detectors/:id/alert-rule) fires for its flagged series only", async () => {
    const metric = metricById(anomaly.metric);
    for (const { orgId, definition } of provisioned) {
      const source = { orgId, legacyOrgId: 1, database: outputDatabase(definition, null), definition };
      const file = parse(alertRuleYaml(source, alertRuleQuerySchema.parse({}))) as {
        groups: Array<{ rules: AlertRule[] }>;
      };
      const rule = file.groups[0]!.rules[0]!;
      const firing = (await evaluateRule(rule, now, runQuery)).filter((i) => i.firing);
      expect([definition.id, firing.map((i) => i.labels)]).toEqual([
        definition.id,
        definition.query.field === metric.field
          ? [{ host: anomaly.host, series: `${metric.measurement} ${metric.field} {host=${anomaly.host}}` }]
          : [],
      ]);
      expect(firing[0]?.values.V ?? null).toEqual(
        (await evaluateRule(scoreRule, now, runQuery)).find(
          (i) => i.firing && i.labels.detector === definition.id,
        )?.values.V ?? null,
      );
    }
  }, 60_000);

  it("fires on points an older scorer wrote without the org tag (they are org 1's)", async () => {
    const later = now + 30 * MINUTE;
    await influx.write(SCORES, [writtenScore(later - MINUTE, {}, 99)]);
    const firing = (await evaluateRule(scoreRule, later, runQuery)).filter((i) => i.firing);
    expect(firing.map((i) => i.labels)).toEqual([
      { detector: provisioned[0]!.definition.id, host: HOSTS[0], series: legacySeries },
    ]);
  });

  it('"detector stopped" stays quiet while detectors write, and has no data once they stop', async () => {
    const running = await evaluateRule(stoppedRule, now, runQuery);
    expect(running.map((i) => i.labels.detector).sort()).toEqual(
      provisioned.map((p) => p.definition.id).sort(),
    );
    expect(running.some((i) => i.firing)).toBe(false);
    // 20 minutes later without a run: no series at all, so Grafana applies noDataState.
    expect(await evaluateRule(stoppedRule, now + 20 * MINUTE, runQuery)).toEqual([]);
    expect(stoppedRule.noDataState).toBe('Alerting');
  });
});

describe("the provisioned dashboards' InfluxQL", () => {
  interface Target {
    query?: string;
    rawQuery?: boolean;
    datasource?: { type: string };
  }
  const files = ['tidemark-ops.json', 'tidemark-detectors.json'];
  const queries = files.flatMap((file) => {
    const dashboard = readJson<{
      panels: Array<{ title: string; targets?: Target[] }>;
      annotations: { list: Array<Target & { name: string }> };
      templating: { list: Array<{ name: string; query?: string; datasource?: { type: string } }> };
    }>(`provisioning/grafana/dashboards/${file}`);
    return [
      ...dashboard.panels.flatMap((p) =>
        (p.targets ?? [])
          .filter((t) => t.datasource?.type === 'influxdb')
          .map((t) => [p.title, t.query!, true] as const),
      ),
      ...dashboard.annotations.list.filter((a) => a.query).map((a) => [a.name, a.query!, false] as const),
      ...dashboard.templating.list
        .filter((v) => v.datasource?.type === 'influxdb')
        .map((v) => [`$${v.name}`, v.query!, true] as const),
    ];
  });

  it.each(queries)('%s runs on influxd and returns data', async (_name, query, hasData) => {
    const text = renderInfluxQL(query, {
      from: T0 - DAY,
      to: now,
      intervalMs: MINUTE,
      variables: {
        host: HOSTS,
        detector: provisioned.map((p) => p.definition.id),
        series: 'cpu usage_percent {host=web-1}',
      },
    });
    const series = await influx.querySeries(text, { database: DATABASE });
    if (hasData) expect(series.length).toBeGreaterThan(0);
  });

  it('the injected-anomaly annotation finds the label the feeder wrote', async () => {
    const [, query] = queries.find(([, q]) => q.includes(LABELS_MEASUREMENT))!;
    const text = renderInfluxQL(query, { from: T0, to: now, intervalMs: MINUTE, variables: { host: HOSTS } });
    const [series] = await influx.querySeries(text, { database: DATABASE });
    expect(series?.values.map((row) => row[1])).toEqual([anomaly.description]);
  });
});
