/**
 * `npm start`: Tidemark running end to end on this machine.
 *
 * With Docker (`docker compose version` works, or --docker): the stack in docker-compose.yml,
 * then Grafana's URL and login. Without Docker, or with --local: a throwaway influxd, the scorer
 * with the provisioned continuous detectors, and the demo feeder writing ops metrics with injected
 * anomalies; it prints the anomaly regions the detectors write as they appear, and how to point an
 * existing Grafana at it. Ctrl-C (SIGINT) or SIGTERM stops everything it started and deletes the
 * temp folders.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '@tidemark/core';
import { loadProvisionedDetectors } from '../scorer/continuous/provisioning';
import type { Anomaly } from '../scorer/feeder/anomalies';
import { Feeder, realtimeClock } from '../scorer/feeder/feeder';
import { InfluxClient } from '../scorer/influx';
import { dockerComposeAvailable, runDocker } from './demo/docker';
import { DETECTORS_FILE, ensureInfluxd, LocalStack } from './demo/local-stack';
import { clockTime, RegionWatcher } from './demo/watch';

const HELP = `Usage: npm start [-- options]

  --local            run without Docker even when it is available
  --docker           run the docker compose stack (the default when Docker is available)
  --history DURATION history the feeder backfills (default: 7d)
  --step DURATION    time between the feeder's points (default: 10s)
  --seed N           the feeder's seed (default: 1)
  --help             this text`;

const DATABASE = 'tidemark';
/** Where the provisioned detectors write their scores, apart from the demo data. */
const SCORES_DATABASE = 'tidemark_scores';
const HOSTS = ['web-1', 'web-2', 'web-3'];
const print = (line = '') => process.stdout.write(`${line}\n`);

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      local: { type: 'boolean', default: false },
      docker: { type: 'boolean', default: false },
      history: { type: 'string', default: '7d' },
      step: { type: 'string', default: '10s' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  return {
    ...values,
    history: parseDuration(values.history!),
    step: parseDuration(values.step!),
    seed: Number(values.seed),
  };
}

function grafanaInstructions(influxUrl: string, scorerUrl: string, token: string) {
  print('Point an existing Grafana (12.3 or later, on this machine) at it:');
  print('  1. Install the Tidemark plugin: npm run build -w plugin, then docs/plugin.md (unsigned ids).');
  print(
    `  2. Data source "InfluxDB", query language InfluxQL: URL ${influxUrl}, database ${DATABASE}, no auth.`,
  );
  print(`  3. Data source "Tidemark Anomaly": Scorer URL ${scorerUrl}, token ${token}`);
  print('  Or provision both, the dashboards and the alert rules: copy provisioning/grafana/* into');
  print("  Grafana's provisioning folder (the dashboards provider's path must point at the JSON files)");
  print('  and start Grafana with:');
  print(
    `    INFLUX_URL=${influxUrl} INFLUX_DATABASE=${DATABASE} INFLUX_READ_USER=demo INFLUX_READ_PASSWORD=unused \\`,
  );
  print(`    TIDEMARK_SCORER_URL=${scorerUrl} TIDEMARK_TOKEN=${token} \\`);
  print('    ALERT_WEBHOOK_URL=http://example.invalid/tidemark-alerts');
  print('  See docs/operations.md.');
}

/** Bundles the scorer's /ui page; without it the demo still runs, with the page left off. */
function buildUi(): boolean {
  const built = spawnSync(process.execPath, [join(__dirname, '..', 'plugin', 'scripts', 'build-ui.mjs')], {
    stdio: 'ignore',
  });
  if (built.status !== 0) print('The /ui page could not be built (npm run build:ui); it stays off.');
  return built.status === 0;
}

/** The demo's CPU per host, preselected on /ui. */
function uiFragment(token: string): string {
  return new URLSearchParams({
    token,
    database: DATABASE,
    measurement: 'cpu',
    field: 'usage_percent',
    groupBy: 'host',
  }).toString();
}

async function runLocal(settings: ReturnType<typeof options>): Promise<number> {
  const installed = ensureInfluxd(print);
  if (!installed.ok) {
    process.stderr.write(`${installed.instruction}\n`);
    return 1;
  }
  const stack = new LocalStack();
  const stop = new AbortController();
  let stopping: Promise<void> | null = null;
  const shutdown = (reason: string) => {
    stopping ??= (async () => {
      print(`\n${reason}: stopping...`);
      stop.abort();
      const stopped = await stack.stop();
      print(`Stopped ${stopped.join(' and ') || 'nothing'}; temp folders deleted.`);
    })();
    return stopping;
  };
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130); // a second Ctrl-C: do not wait
    void shutdown(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    print('Tidemark demo, without Docker (times in UTC).');
    const influxd = await stack.startInfluxd();
    if (stop.signal.aborted) return 0;
    print(`InfluxDB 1.x:  ${influxd.url}  (data in ${influxd.dir})`);
    const influx = new InfluxClient({ url: influxd.url });
    await influx.query(`CREATE DATABASE "${DATABASE}"`);
    await influx.query(`CREATE DATABASE "${SCORES_DATABASE}"`);

    const injected: Anomaly[] = [];
    const feeder = new Feeder({
      influx,
      database: DATABASE,
      seed: settings.seed,
      hosts: HOSTS,
      step: settings.step,
      history: settings.history,
      anomalyEvery: 15 * 60_000,
      historyAnomalyEvery: 6 * 3_600_000,
      firstAnomalyAfter: 90_000,
      clock: realtimeClock(),
      onInjected: (anomaly, phase) => {
        injected.push(anomaly);
        if (phase === 'live') print(`⚑ ${clockTime(anomaly.start)}  injected ${anomaly.description}`);
      },
    });
    const backfill = await feeder.backfill(stop.signal);
    print(
      `Feeder:        wrote ${backfill.points} points of history for ${HOSTS.join(', ')} ` +
        `(cpu, latency, request rate, error rate), ${injected.length} labelled anomalies in it`,
    );

    // The scorer starts after the backfill: its detectors' first run scores the history's last day.
    const uiBuilt = buildUi();
    const scorer = await stack.startScorer(influxd.url, { env: { UI_ENABLED: String(uiBuilt) } });
    if (stop.signal.aborted) return 0;
    const definitions = (await loadProvisionedDetectors(DETECTORS_FILE, 1)).map((p) => p.definition);
    print(`Scorer:        ${scorer.url}  token ${scorer.token}  (log: ${scorer.logFile})`);
    if (uiBuilt) {
      // The token rides in the fragment, which the browser keeps to itself; the page drops it from the URL.
      print(`Look (no Grafana needed): ${scorer.url}/ui#${uiFragment(scorer.token)}`);
    }
    print(`Detectors:     ${definitions.map((d) => d.id).join(', ')} (provisioning/scorer/detectors.yaml)`);
    print();
    grafanaInstructions(influxd.url, scorer.url, scorer.token);
    print();
    print('Anomaly regions appear below as the detectors write them (the last day of history first),');
    print('then live: an injected level shift in about 90 s and one anomaly every 15 minutes. Ctrl-C stops.');
    print();

    void scorer.exited.then((code) => {
      if (!stop.signal.aborted) void shutdown(`the scorer exited (code ${code}); see ${scorer.logFile}`);
    });
    const live = feeder.live(stop.signal, Number.POSITIVE_INFINITY, (error) =>
      print(`! feeder write failed, retrying: ${(error as Error).message}`),
    );
    const watcher = new RegionWatcher({
      scorerUrl: scorer.url,
      token: scorer.token,
      definitions,
      injected: () => injected,
      since: feeder.liveFrom - Math.max(...definitions.map((d) => parseDuration(d.maxBackfill))),
      print,
    });
    print('Watching.');
    while (!stop.signal.aborted) {
      await watcher.poll(stop.signal).catch((error) => {
        if (!stop.signal.aborted) print(`! reading regions failed: ${(error as Error).message}`);
      });
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        stop.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    await live;
    await stopping;
    return 0;
  } catch (error) {
    if (!stop.signal.aborted) process.stderr.write(`demo failed: ${(error as Error).message}\n`);
    await shutdown('error');
    return stop.signal.aborted && signals > 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function main(): Promise<number> {
  const settings = options();
  if (settings.help) {
    print(HELP);
    return 0;
  }
  if (!settings.local && (settings.docker || dockerComposeAvailable())) return runDocker(print);
  if (!settings.local)
    print('Docker is not available here: running the demo with a local influxd instead.\n');
  return runLocal(settings);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
