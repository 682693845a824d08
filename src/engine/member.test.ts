import type { DetectorState } from './detector';
import { loadMember, type MemberOutcome, type MemberTask, runMemberTask } from './member';
import type { TrainedModel } from './model';
import { detectorEntry, registerDetector } from './registry';
import { type EngineOptions, type MemberOffload, scoreSeries } from './score';
import { STEP_MS, seasonalPoints, T0 } from './test-support';

const at = (index: number) => T0 + index * STEP_MS;
const points = seasonalPoints({ length: 1600, period: 48, seed: 11, gaps: [900, 901] }).map(
  ([t, v], k): [number, number | null] => [t, k === 1400 && v !== null ? v + 40 : v],
);

/** Runs handed-over members on this thread, a macrotask later, on copies (as a worker would). */
function recordingOffload() {
  const tasks: MemberTask[] = [];
  const offload: MemberOffload = async (task: MemberTask, state: DetectorState): Promise<MemberOutcome> => {
    tasks.push(task);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return runMemberTask(loadMember(structuredClone(state)), structuredClone(task));
  };
  return { tasks, offload };
}

async function trained(id: 'ensemble' | 'robust' | 'isolation-forest' | 'pattern'): Promise<TrainedModel> {
  const fitted = await scoreSeries(points.slice(0, 1000), { detector: { id }, scoreFrom: at(500) });
  return fitted.model!;
}

describe('handing ensemble members to another thread (EngineOptions.offload)', () => {
  const options: EngineOptions = { scoreFrom: at(1000) };
  const later = points.slice(600);

  it('scores exactly as on one thread, handing over only the members that do not give the band', async () => {
    const model = await trained('ensemble');
    const alone = await scoreSeries(later, { ...options, model });
    const { tasks, offload } = recordingOffload();
    const shared = await scoreSeries(later, { ...options, model, offload });
    expect(tasks.map((t) => t.detector)).toEqual(['isolation-forest', 'pattern']);
    expect(tasks.map((t) => t.firstSlot)).toEqual([400, 400]);
    expect(shared.series).toEqual(alone.series);
    expect(alone.series.anomaly.some(Boolean)).toBe(true);
  });

  it('keeps a single detector on this thread', async () => {
    for (const id of ['robust', 'isolation-forest', 'pattern'] as const) {
      const { tasks, offload } = recordingOffload();
      await scoreSeries(later, { ...options, model: await trained(id), offload });
      expect(tasks).toEqual([]);
    }
  });

  it('a failure where the member ran fails the score', async () => {
    const model = await trained('ensemble');
    const offload: MemberOffload = async () => {
      throw new Error('worker exited');
    };
    await expect(scoreSeries(later, { ...options, model, offload })).rejects.toThrow('worker exited');
  });

  describe('when the first member turns out not to forecast', () => {
    const robust = detectorEntry('robust');
    beforeAll(() => {
      registerDetector({
        ...robust,
        create: () => {
          const inner = robust.create();
          return Object.assign(Object.create(inner), {
            score: (...args: Parameters<typeof inner.score>) => {
              const scores = inner.score(...args);
              return { ...scores, expected: scores.expected.fill(Number.NaN) };
            },
          });
        },
      });
    });
    afterAll(() => registerDetector(robust));

    it('the handed-over member gives the band from this thread, as without handing over', async () => {
      const model = await trained('ensemble');
      const alone = await scoreSeries(later, { ...options, model });
      const { tasks, offload } = recordingOffload();
      const shared = await scoreSeries(later, { ...options, model, offload });
      expect(tasks).toHaveLength(2);
      expect(shared.series).toEqual(alone.series);
      expect(shared.series.expected.some((e) => e !== null)).toBe(true);
    });
  });
});
