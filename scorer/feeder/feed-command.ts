import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseDuration } from '@tidemark/core';
import { UsageError } from '../cli/exit-codes';
import { ConfigError, loadInfluxConnection } from '../config';
import { InfluxClient, InfluxError, quoteIdentifier } from '../influx';
import { createLogger } from '../log';
import type { Anomaly } from './anomalies';
import { Feeder, realtimeClock } from './feeder';
import { DEMO_METRICS } from './metrics';

export const FEED_HELP = `Usage: tidemark feed [options]

Writes demo ops metrics to InfluxDB through its v1 write API, for trying Tidemark out:
${DEMO_METRICS.map((m) => `${m.measurement}.${m.field}`).join(', ')}, tagged by host,
with daily and weekly cycles and noise. It backfills history first (or resumes after the last
point an earlier run wrote), then writes live, and injects labelled anomalies on a schedule
(spike, level shift, slow drift, flatline in turn), logging each one and writing a label point to
the measurement tidemark_demo_injected. The same seed always gives the same series.

InfluxDB comes from the environment, as for "tidemark serve": INFLUX_URL, INFLUX_TOKEN (2.x/3.x)
or INFLUX_USERNAME and INFLUX_PASSWORD (1.x), and INFLUX_VERSION (1, 2 or 3: how the v1 API is
called; default 2 with a token, else 1).

Options:
  --database NAME         database (1.x) or DBRP-mapped database (2.x/3.x) (default: tidemark)
  --create-database       run CREATE DATABASE first (InfluxDB 1.x; 2.x/3.x need a bucket + DBRP)
  --hosts LIST            comma-separated host names (default: web-1,web-2,web-3)
  --step DURATION         time between points (default: 10s)
  --history DURATION      history to backfill before now (default: 7d)
  --anomaly-every DURATION
                          one live anomaly per slot of this length, slots aligned to the epoch
                          (default: 15m)
  --history-anomaly-every DURATION
                          anomalies in the backfilled history, a multiple of --anomaly-every, or 0
                          for none (default: 6h)
  --first-anomaly DURATION
                          also inject a level shift this long after the start (default: none)
  --seed N                (default: 1)
  --speed N               live time runs N times faster than the wall clock (default: 1); the
                          timestamps then run ahead of real time
  --until TIME            fast-forward: write up to TIME as fast as possible, then exit; TIME is
                          "now", "now+DURATION" or an ISO 8601 time (default: run until stopped)
  --log text|json         log format (default: text)
  --write-only            the credentials may only write (least privilege): backfill all of
                          --history at every start instead of reading where the last run stopped
  --heartbeat FILE        touch FILE after every write InfluxDB accepted (for health checks)
  --help                  this text

Stops on SIGTERM or SIGINT after the write in progress. Exit codes: 0 stopped, 2 bad usage or
configuration, 1 InfluxDB failed (unreachable, or the database does not exist).`;

export interface FeedSettings {
  database: string;
  createDatabase: boolean;
  hosts: string[];
  step: number;
  history: number;
  anomalyEvery: number;
  historyAnomalyEvery: number;
  firstAnomalyAfter: number | undefined;
  seed: number;
  speed: number;
  until: number | undefined;
  log: 'text' | 'json';
  writeOnly: boolean;
  heartbeat: string | undefined;
}

function duration(flag: string, text: string, allowZero = false): number {
  if (allowZero && /^0+([a-z]+)?$/.test(text)) return 0;
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${flag}: expected a positive number, got "${text}"`);
  return value;
}

/** `now`, `now+30m`, `now-1h` or an ISO 8601 time, as epoch ms. */
export function parseUntil(text: string, now: number): number {
  const relative = /^now(?:([+-])(\S+))?$/.exec(text);
  if (relative) {
    if (!relative[1]) return now;
    const offset = duration('until', relative[2]!);
    return relative[1] === '+' ? now + offset : now - offset;
  }
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new UsageError(`--until: expected now, now+DURATION or an ISO 8601 time, got "${text}"`);
  return time;
}

export function parseFeedArgs(argv: string[], now = Date.now()): FeedSettings | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      database: { type: 'string', default: 'tidemark' },
      'create-database': { type: 'boolean', default: false },
      hosts: { type: 'string', default: 'web-1,web-2,web-3' },
      step: { type: 'string', default: '10s' },
      history: { type: 'string', default: '7d' },
      'anomaly-every': { type: 'string', default: '15m' },
      'history-anomaly-every': { type: 'string', default: '6h' },
      'first-anomaly': { type: 'string' },
      seed: { type: 'string', default: '1' },
      speed: { type: 'string', default: '1' },
      until: { type: 'string' },
      log: { type: 'string', default: 'text' },
      'write-only': { type: 'boolean', default: false },
      heartbeat: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const hosts = values
    .hosts!.split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hosts.length === 0) throw new UsageError('--hosts: name at least one host');
  if (!Number.isSafeInteger(Number(values.seed)))
    throw new UsageError(`--seed: expected an integer, got "${values.seed}"`);
  if (values.log !== 'text' && values.log !== 'json') throw new UsageError('--log: expected text or json');
  const settings: FeedSettings = {
    database: values.database!,
    createDatabase: values['create-database']!,
    hosts,
    step: duration('step', values.step!),
    history: duration('history', values.history!, true),
    anomalyEvery: duration('anomaly-every', values['anomaly-every']!),
    historyAnomalyEvery: duration('history-anomaly-every', values['history-anomaly-every']!, true),
    firstAnomalyAfter:
      values['first-anomaly'] === undefined ? undefined : duration('first-anomaly', values['first-anomaly']),
    seed: Number(values.seed),
    speed: positive('speed', values.speed!),
    until: values.until === undefined ? undefined : parseUntil(values.until, now),
    log: values.log,
    writeOnly: values['write-only']!,
    heartbeat: values.heartbeat,
  };
  if (settings.historyAnomalyEvery % settings.anomalyEvery !== 0) {
    throw new UsageError('--history-anomaly-every must be a multiple of --anomaly-every (or 0)');
  }
  return settings;
}

/** The InfluxDB connection, from the same variables (INFLUX_VERSION too) and checks as the scorer's. */
export function influxFromEnv(env: Record<string, string | undefined> = process.env): InfluxClient {
  const { url, auth, apiVersion, retries } = loadInfluxConnection(env);
  return new InfluxClient({ url, apiVersion, retries, ...(auth ? { auth } : {}) });
}

const isoMinute = (time: number) => new Date(time).toISOString().slice(0, 19).replace('T', ' ');

/** Log lines for people (`text`) or for log collectors (`json`, the scorer's format). */
function feedLog(format: 'text' | 'json') {
  const json = createLogger('info');
  const text = (line: string) => process.stdout.write(`${line}\n`);
  return {
    info(message: string, fields: Record<string, unknown> = {}) {
      if (format === 'json') json.info(message, fields);
      else text(`${isoMinute(Date.now())}  ${message}`);
    },
    injected(anomaly: Anomaly, phase: 'history' | 'live') {
      if (format === 'json') {
        json.info('injected anomaly', {
          phase,
          ...anomaly,
          start: new Date(anomaly.start).toISOString(),
          end: new Date(anomaly.end).toISOString(),
        });
      } else {
        text(
          `${isoMinute(anomaly.start)}  injected ${anomaly.description}${phase === 'history' ? ' (history)' : ''}`,
        );
      }
    },
    error(message: string, error: unknown) {
      if (format === 'json') json.error(message, { error });
      else
        process.stderr.write(`${isoMinute(Date.now())}  ${message}: ${(error as Error).message ?? error}\n`);
    },
  };
}

/** Touches `file` after each accepted write; a failed touch is not the feeder's failure. */
function heartbeat(file: string) {
  return () => {
    writeFile(file, `${Date.now()}\n`).catch(() => undefined);
  };
}

/** `tidemark feed`: backfill, then live (or fast-forward to --until), until SIGTERM/SIGINT. */
export async function feedCommand(argv: string[]): Promise<number> {
  const settings = parseFeedArgs(argv);
  if (settings === 'help') {
    process.stdout.write(`${FEED_HELP}\n`);
    return 0;
  }
  let influx: InfluxClient;
  try {
    influx = influxFromEnv();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`tidemark feed: ${error.message}\n`);
    return 2;
  }
  const log = feedLog(settings.log);
  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error('stopped'));
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    if (settings.createDatabase) await influx.query(`CREATE DATABASE ${quoteIdentifier(settings.database)}`);
    const feeder = new Feeder({
      influx,
      database: settings.database,
      seed: settings.seed,
      hosts: settings.hosts,
      step: settings.step,
      history: settings.history,
      anomalyEvery: settings.anomalyEvery,
      historyAnomalyEvery: settings.historyAnomalyEvery,
      ...(settings.firstAnomalyAfter !== undefined ? { firstAnomalyAfter: settings.firstAnomalyAfter } : {}),
      clock: realtimeClock(settings.speed),
      onInjected: (anomaly, phase) => log.injected(anomaly, phase),
      writeOnly: settings.writeOnly,
      ...(settings.heartbeat ? { onWritten: heartbeat(settings.heartbeat) } : {}),
    });
    const backfill = await feeder.backfill(stop.signal);
    log.info(
      `backfilled ${backfill.points} points from ${isoMinute(backfill.from)} to ${isoMinute(backfill.to)} UTC into "${settings.database}" at ${influx.url}`,
      { points: backfill.points, from: backfill.from, to: backfill.to, database: settings.database },
    );
    if (settings.until !== undefined) {
      const points = await feeder.writeRange(feeder.liveFrom, settings.until, stop.signal);
      log.info(`fast-forwarded ${points} points up to ${isoMinute(settings.until)} UTC`, {
        points,
        until: settings.until,
      });
      return 0;
    }
    log.info(
      `writing live every ${settings.step / 1000} s for ${settings.hosts.join(', ')}${settings.speed === 1 ? '' : ` at ${settings.speed}× speed`}; stop with Ctrl-C`,
    );
    await feeder.live(stop.signal, Number.POSITIVE_INFINITY, (error) =>
      log.error('write failed, retrying', error),
    );
    log.info('stopped');
    return 0;
  } catch (error) {
    if (stop.signal.aborted) return 0;
    if (error instanceof InfluxError) {
      const hint =
        error.kind === 'not-found' ? ` (create it, or pass --create-database on InfluxDB 1.x)` : '';
      process.stderr.write(`tidemark feed: ${error.message}${hint}\n`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
