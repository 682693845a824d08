/**
 * Scale-out continuous detection throughput: `--series` series of 1-minute points with a day of
 * history, a trained model per series (the default detector, trained once, reused by every run),
 * one continuous detector at the defaults (interval 1m). Real `tidemark serve` replicas on one
 * influxd and one redis-server: first one replica pinned to CPU 0 (`taskset -c 0`), then two
 * pinned to CPUs 0 and 1. For each, `--passes` schedule ticks are timed: from the minute's tick to
 * every partition having scored its new interval. Prints series scored per minute, the 2-vs-1
 * ratio, the CPU time per series of the replicas and of influxd (`/proc/<pid>/stat`: on a shared machine
 * the wall-clock figures move with the load, these much less; the replicas' also from each tick to
 * its pass's end only, without what they do between ticks), Redis time and commands per scored
 * series (`INFO commandstats`), the models sent to (and decoded in) an engine worker per pass,
 * each replica's resident memory (`/proc/<pid>/status`: now, and its peak) once its passes are
 * done, and the failover time (kill -9 of one of the two replicas to its partitions scored by
 * the other).
 * Usage: npx tsx bench/cluster-throughput.bench.ts [--series 2000] [--partitions 16] [--passes 2]
 *        [--model-cache N] (MODEL_CACHE_SIZE of each replica; default: --series)
 *        [--replicas 1,2] (the groups to time: `1` skips the two replicas and the failover, `2`
 *        the one replica)
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ContinuousDetector, Job } from '@tidemark/core';
import { Redis } from 'ioredis';
import { InfluxClient } from '../scorer/influx';
import { createDatabase, seasonalPoints } from '../scorer/test/app-harness';
import { startInfluxd } from '../scorer/test/influxd';
import { startRedis } from '../scorer/test/redis-server';
import { callReplica, type Replica, startReplica } from '../scorer/test/replicas';

const { values } = parseArgs({
  options: {
    series: { type: 'string', default: '2000' },
    partitions: { type: 'string', default: '16' },
    passes: { type: 'string', default: '2' },
    /** Decoded models each replica keeps (MODEL_CACHE_SIZE); the default holds every series. */
    'model-cache': { type: 'string' },
    replicas: { type: 'string', default: '1,2' },
  },
});
const SERIES = Number(values.series);
const PARTITIONS = values.partitions!;
const PASSES = Number(values.passes);
const CACHE = values['model-cache'] ?? String(SERIES);
const GROUPS = values.replicas!.split(',').map(Number);
const MINUTE = 60_000;
const DAY_POINTS = 1_440;
const QUERY = { database: 'bench', measurement: 'cpu', field: 'value', groupBy: ['host'] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const alignDown = (time: number, step: number) => Math.floor(time / step) * step;

/** Redis's own time and calls over every command so far (`INFO commandstats`). */
async function commandStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const text = await redis.info('commandstats');
  let calls = 0;
  let usec = 0;
  for (const match of text.matchAll(/calls=(\d+),usec=(\d+)/g)) {
    calls += Number(match[1]);
    usec += Number(match[2]);
  }
  return { calls, usec };
}

/** CPU seconds (user + system, every thread) process `pid` has used so far (`/proc/<pid>/stat`). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ 100)
}

/** Resident memory of process `pid` now and at its peak, in MB (`VmRSS`, `VmHWM`). */
async function residentMb(pid: number): Promise<{ now: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** The pid of this process's child running `command` (influxd: the harness does not say it). */
async function childPid(command: string): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (comm === command && ppid === process.pid) return Number(entry);
  }
  throw new Error(`no child process ${command}`);
}

async function scoredUntil(replica: Replica): Promise<number | null> {
  const response = await callReplica(replica, 'GET', '/api/v1/detectors/bench');
  return ((await response.json()) as ContinuousDetector).scoredUntil;
}

/**
 * Polls every 250 ms: each poll reads every partition's checkpoint from Redis in the replica,
 * and at 100 ms the polling itself took about a seventh of the replica's main thread during a pass.
 */
const POLL_MS = 250;

async function waitForScored(replica: Replica, time: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const until = await scoredUntil(replica).catch(() => null);
    if (until !== null && until >= time) return Date.now();
    await sleep(POLL_MS);
  }
  throw new Error(`not scored up to ${new Date(time).toISOString()} within ${timeoutMs} ms`);
}

/**
 * Where a tick at `tick` scores to: the minute that just ended (the detector's lag is 1 ms, so no
 * interval falls due between ticks and a pass is exactly one tick's work).
 */
const dueEnd = (tick: number) => tick;

async function main() {
  const influxd = await startInfluxd();
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  const dataDir = await mkdtemp(join(tmpdir(), 'tidemark-cluster-bench-'));
  const replicas: Replica[] = [];
  const env = (id: string) => ({
    INFLUX_URL: influxd.url,
    REDIS_URL: redisServer.url,
    DATA_DIR: join(dataDir, id),
    DETECTOR_PARTITIONS: PARTITIONS,
    MAX_SERIES: '10000',
    SCORE_WORKERS: '1',
    MODEL_CACHE_SIZE: CACHE,
    LOG_LEVEL: 'warn',
  });
  const start = async (id: string, pin: number) => {
    const replica = await startReplica(id, env(id), { pin });
    replicas.push(replica);
    return replica;
  };
  const stopAll = async () => {
    await Promise.all(replicas.splice(0).map((r) => r.stop()));
  };
  try {
    const influx = new InfluxClient({ url: influxd.url });
    const influxdPid = await childPid('influxd');
    await createDatabase(influx, 'bench');
    const now = alignDown(Date.now(), MINUTE);
    const from = now - DAY_POINTS * MINUTE;
    const ahead = 30; // minutes of points past now, for the ticks to come
    let started = performance.now();
    for (let i = 0; i < SERIES; i++)
      await influx.write('bench', seasonalPoints('cpu', { host: `h${i}` }, from, DAY_POINTS + ahead, MINUTE));
    console.log(
      `${SERIES} series × ${DAY_POINTS + ahead} 1-minute points written in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `UTC ${new Date(now).toISOString().slice(11, 16)} (a run scores from the UTC day's start, so later in the day costs more)`,
    );

    const trainer = await start('trainer', 0);
    started = performance.now();
    const job = (await (
      await callReplica(trainer, 'POST', '/api/v1/models', {
        query: QUERY,
        range: { from, to: now - 60 * MINUTE },
        intervalMs: MINUTE,
      })
    ).json()) as Job;
    for (;;) {
      const state = (await (await callReplica(trainer, 'GET', `/api/v1/jobs/${job.id}`)).json()) as Job;
      if (state.status === 'succeeded') break;
      if (state.status === 'failed') throw new Error(`training failed: ${state.message}`);
      await sleep(500);
    }
    console.log(`trained ${SERIES} models in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await stopAll();
    console.log(`replicas: DETECTOR_PARTITIONS ${PARTITIONS}, MODEL_CACHE_SIZE ${CACHE}, SCORE_WORKERS 1`);

    const results: Array<{
      replicas: number;
      perMinute: number;
      /** CPU ms per series scored (per point written: runs of later ticks too), the replicas' and influxd's. */
      replicaCpuMs: number;
      /** The replicas' CPU ms per series of a pass, from each tick to its last partition scored. */
      passCpuMs: number;
      influxdCpuMs: number;
      usecPerSeries: number;
      callsPerSeries: number;
    }> = [];
    for (const count of GROUPS) {
      const group = [await start('r1', 0), ...(count === 2 ? [await start('r2', 1)] : [])];
      const detector = {
        id: 'bench',
        query: QUERY,
        interval: '1m',
        lag: '1ms',
        maxBackfill: '1h',
      };
      if (count === GROUPS[0]) await callReplica(group[0]!, 'POST', '/api/v1/detectors', detector);
      // Warm-up: the first runs (backfill, model decoding), to the interval due now.
      await waitForScored(group[0]!, alignDown(Date.now(), MINUTE), 30 * MINUTE);
      let series = 0;
      let seconds = 0;
      const before = await commandStats(redis);
      // One new interval per series and tick: the points written count the series scored.
      const written = () =>
        Promise.all(group.map((r) => r.total('tidemark_continuous_points_written_total')));
      const scoredBefore = await written();
      const cpu = () => Promise.all([...group.map((r) => cpuSeconds(r.child.pid!)), cpuSeconds(influxdPid)]);
      const cpuBefore = await cpu();
      const engineCounts = () =>
        Promise.all(
          ['tidemark_engine_models_sent_total', 'tidemark_engine_members_loaded_total'].map(async (metric) =>
            (await Promise.all(group.map((r) => r.total(metric)))).reduce((sum, n) => sum + n, 0),
          ),
        );
      const engineBefore = await engineCounts();
      let passCpu = 0;
      const replicasCpu = async () => (await cpu()).slice(0, -1).reduce((sum, c) => sum + c, 0);
      for (let pass = 0; pass < PASSES; pass++) {
        const tick = alignDown(Date.now(), MINUTE) + MINUTE;
        await sleep(tick - Date.now());
        const atTick = await replicasCpu();
        const [sentAtTick] = await engineCounts();
        const done = await waitForScored(group[0]!, dueEnd(tick), 30 * MINUTE);
        passCpu += (await replicasCpu()) - atTick;
        seconds += (done - tick) / 1000;
        const [sentAtEnd] = await engineCounts();
        console.log(
          `  ${count} replica(s), pass ${pass + 1}: every partition scored ${((done - tick) / 1000).toFixed(1)} s after the tick; ` +
            `${sentAtEnd! - sentAtTick!} models sent to an engine worker`,
        );
      }
      const after = await commandStats(redis);
      const [sent, loaded] = (await engineCounts()).map((n, i) => (n - engineBefore[i]!) / PASSES);
      const memory = await Promise.all(group.map((r) => residentMb(r.child.pid!)));
      console.log(
        `${count} replica(s): per pass ${sent!.toFixed(0)} models sent to (and decoded in) an engine worker, ` +
          `${loaded!.toFixed(0)} members loaded; resident memory ${memory
            .map((m) => `${m.now.toFixed(0)} MB (peak ${m.peak.toFixed(0)})`)
            .join(' / ')} with ${SERIES} models`,
      );
      const cpuAfter = await cpu();
      const cpuUsed = cpuAfter.map((seconds, i) => seconds - cpuBefore[i]!);
      const scoredAfter = await written();
      series = scoredAfter.reduce((sum, n, i) => sum + n - scoredBefore[i]!, 0);
      const shares = scoredAfter.map((n, i) => n - scoredBefore[i]!);
      // Each pass is one tick's work for every series: the points written only show the shares.
      const perMinute = ((SERIES * PASSES) / seconds) * 60;
      results.push({
        replicas: count,
        perMinute,
        replicaCpuMs: (cpuUsed.slice(0, -1).reduce((sum, c) => sum + c, 0) * 1000) / series,
        passCpuMs: (passCpu * 1000) / (SERIES * PASSES),
        influxdCpuMs: (cpuUsed.at(-1)! * 1000) / series,
        usecPerSeries: (after.usec - before.usec) / series,
        callsPerSeries: (after.calls - before.calls) / series,
      });
      console.log(
        `${count} replica(s): ${series} points written over ${PASSES} ticks, shares ${shares.join(' / ')}; ` +
          `${Math.round(perMinute)} series/min of pass time`,
      );
      if (count === 2) {
        // Failover: kill -9 the second replica just after a tick, while it holds partition jobs.
        const tick = alignDown(Date.now(), MINUTE) + MINUTE;
        await sleep(tick - Date.now() + 1_000);
        await group[1]!.kill();
        const killedAt = Date.now();
        const done = await waitForScored(group[0]!, dueEnd(tick), 10 * MINUTE);
        console.log(
          `failover: kill -9 at tick + 1 s; every partition (the dead replica's too) scored ${((done - killedAt) / 1000).toFixed(1)} s later (DETECTOR_LOCK_MS 20000)`,
        );
      }
      await stopAll();
    }
    const one = results.find((r) => r.replicas === 1);
    const two = results.find((r) => r.replicas === 2);
    if (one) console.log(`series/min, one replica on one core: ${Math.round(one.perMinute)} (target 5,000)`);
    if (two) {
      const ratio = one ? `; ratio ${(two.perMinute / one.perMinute).toFixed(2)} (target 1.8)` : '';
      console.log(`series/min, two replicas on a core each: ${Math.round(two.perMinute)}${ratio}`);
    }
    for (const r of results)
      console.log(
        `  ${r.replicas} replica(s): CPU per scored series ${r.replicaCpuMs.toFixed(2)} ms in the replica(s) (all threads), ` +
          `${r.influxdCpuMs.toFixed(2)} ms in influxd: ${Math.round(60_000 / r.replicaCpuMs)} series per CPU-minute of replica; ` +
          `during the passes only ${r.passCpuMs.toFixed(2)} ms (${Math.round(60_000 / r.passCpuMs)} per CPU-minute)`,
      );
    for (const r of results)
      console.log(
        `  ${r.replicas} replica(s): Redis ${r.usecPerSeries.toFixed(1)} µs and ${r.callsPerSeries.toFixed(2)} commands per scored series; ` +
          `${((r.callsPerSeries * 1000) / 60).toFixed(1)} commands/s per 1,000 series at a 1-minute interval`,
      );
  } finally {
    await Promise.all(replicas.map((r) => r.kill()));
    redis.disconnect();
    await redisServer.stop();
    await influxd.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
