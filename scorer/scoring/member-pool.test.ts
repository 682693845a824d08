import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serialize } from 'node:v8';
import {
  type DetectorState,
  loadMember,
  type MemberOutcome,
  type MemberTask,
  prepareSeries,
  runMemberTask,
  scoreSeries,
  type TrainedModel,
} from '@tidemark/core/engine';
import { createLogger } from '../log';
import { seasonalPoints } from '../test/app-harness';
import { MemberPool } from './member-pool';

const STEP = 60_000;
const T0 = Date.UTC(2024, 0, 1);

const points = seasonalPoints('cpu', {}, T0, 3000, STEP, { 2700: 60 }).map(
  ({ time, fields }): [number, number] => [time, Number(fields.value)],
);
let model: TrainedModel;
let state: DetectorState;
let task: MemberTask;
let expected: MemberOutcome;

beforeAll(async () => {
  model = (await scoreSeries(points.slice(0, 2000), { intervalMs: STEP, detector: { id: 'ensemble' } }))
    .model!;
  state = model.states.find((s) => s.detector === 'isolation-forest')!;
  const series = prepareSeries(points.slice(1500), STEP);
  task = {
    detector: 'isolation-forest',
    series: { values: series.values, times: series.times, intervalMs: series.intervalMs },
    firstSlot: 500,
    history: model.calibration['isolation-forest']!,
    span: { firstUpdate: 500, snapshotAt: series.values.length },
  };
  expected = runMemberTask(loadMember(state), task);
});

function poolOf(size: number, entry?: string) {
  const runs: string[] = [];
  const warnings: string[] = [];
  const logger = createLogger('warn', (line) => warnings.push(JSON.parse(line).msg));
  const pool = new MemberPool({
    size,
    logger,
    onRun: (thread) => runs.push(thread),
    ...(entry ? { entry } : {}),
  });
  return { pool, runs, warnings };
}

function expectSame(outcome: MemberOutcome) {
  expect(outcome.raw).toEqual(expected.raw);
  expect(outcome.probabilities).toEqual(expected.probabilities);
}

describe('MemberPool', () => {
  it('runs members in a worker thread with the same numbers as here, many at once', async () => {
    const { pool, runs } = poolOf(1);
    try {
      await pool.ready();
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => pool.offload(task, state)));
      outcomes.forEach(expectSame);
      expect(expected.probabilities.some((p) => p < 0.01)).toBe(true);
      expect(runs).toEqual(Array(6).fill('worker'));
      // A second model state goes to the worker as well (its detector is kept apart from the first).
      const robust = model.states.find((s) => s.detector === 'robust')!;
      const robustTask = { ...task, detector: 'robust' as const, history: model.calibration['robust']! };
      expect(await pool.offload(robustTask, robust)).toEqual(runMemberTask(loadMember(robust), robustTask));
      expectSame(await pool.offload(task, state));
    } finally {
      await pool.close();
    }
  });

  it('a worker that let a model go (it keeps 32) is sent it again', async () => {
    const { pool, runs } = poolOf(1);
    try {
      await pool.ready();
      const states = Array.from({ length: 34 }, () => structuredClone(state));
      for (const one of states) await pool.offload(task, one);
      expectSame(await pool.offload(task, states[0]!));
      expect(runs).toEqual(Array(35).fill('worker'));
    } finally {
      await pool.close();
    }
  });

  it('keeps the process alive while a member is out, and not once the pool is idle', async () => {
    const script = `
      const { MemberPool } = require('./scorer/scoring/member-pool');
      const { createLogger } = require('./scorer/log');
      const { loadMember, runMemberTask } = require('@tidemark/core/engine');
      const { task, state } = require('v8').deserialize(require('fs').readFileSync(process.argv[1]));
      const pool = new MemberPool({ size: 1, logger: createLogger('silent') });
      pool.ready().then(() => pool.offload(task, state)).then((outcome) => {
        const here = runMemberTask(loadMember(state), task);
        console.log(JSON.stringify(outcome.probabilities.every((p, k) => Object.is(p, here.probabilities[k]))));
      });`;
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-pool-'));
    try {
      const input = join(dir, 'task.bin');
      writeFileSync(input, serialize({ task, state }));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '-e', script, input],
        {
          cwd: join(__dirname, '..', '..'),
          timeout: 30_000,
        },
      );
      expect(stdout.trim()).toBe('true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs members here while no worker is up, and with no workers at all', async () => {
    for (const size of [0, 1]) {
      const { pool, runs } = poolOf(size);
      try {
        expectSame(await pool.offload(task, state));
        expect(runs).toEqual(['main']);
      } finally {
        await pool.close();
      }
    }
  });

  it('passes on what went wrong in the worker', async () => {
    const { pool } = poolOf(1);
    try {
      await pool.ready();
      const broken = { ...state, stateVersion: 99 };
      await expect(pool.offload(task, broken)).rejects.toThrow(/cannot load isolation-forest state v99/);
      expectSame(await pool.offload(task, state));
    } finally {
      await pool.close();
    }
  });

  it('a worker that exits mid-task: the task finishes here and a new worker takes over', async () => {
    const { pool, runs, warnings } = poolOf(1, join(__dirname, '../test/member-worker-exits.cjs'));
    try {
      await pool.ready();
      expectSame(await pool.offload(task, state));
      expect(runs).toEqual(['main']);
      expect(warnings).toContain('engine worker exited; starting another');
      await pool.ready();
      expectSame(await pool.offload(task, state));
      expect(runs).toEqual(['main', 'main']);
    } finally {
      await pool.close();
    }
  });

  it('a worker that cannot start is not restarted: members run here', async () => {
    const { pool, runs, warnings } = poolOf(1, join(__dirname, '../test/member-worker-fails.cjs'));
    try {
      await pool.ready();
      expect(warnings).toContain('engine worker failed; its members run on the main thread');
      expectSame(await pool.offload(task, state));
      expect(runs).toEqual(['main']);
    } finally {
      await pool.close();
    }
  });
});
