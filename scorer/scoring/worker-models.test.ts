import { type Detector, type DetectorState, scoreSeries, type TrainedModel } from '@tidemark/core/engine';
import { seasonalPoints } from '../test/app-harness';
import { WorkerModels } from './worker-models';

const STEP = 60_000;
let model: TrainedModel;

beforeAll(async () => {
  const points = seasonalPoints('cpu', {}, Date.UTC(2024, 0, 1), 1500, STEP).map(
    ({ time, fields }): [number, number | null] => [time, Number(fields.value)],
  );
  model = (await scoreSeries(points, { intervalMs: STEP, detector: { id: 'ensemble' } })).model!;
});

/** A cache whose loads and disposals are recorded as `detector@key`. */
function recording(capacity: number) {
  const loads: string[] = [];
  const disposed: string[] = [];
  let key = '';
  const models = new WorkerModels(
    capacity,
    () => {},
    (state: DetectorState) => {
      const name = `${state.detector}@${key}`;
      loads.push(name);
      return { dispose: () => disposed.push(name) } as unknown as Detector;
    },
  );
  const member = (k: string, state: DetectorState) => {
    key = k;
    return models.member(k, state);
  };
  const held = (k: string, detector: string) => {
    key = k;
    return models.memberIfHeld(k, detector);
  };
  return { models, member, held, loads, disposed };
}

/** A copy of one of the model's states (a cache drops blobs from what it keeps). */
const stateOf = (detector: string) => structuredClone(model.states.find((s) => s.detector === detector)!);

describe('WorkerModels', () => {
  it('loads a member once, whether it came alone (handed over) or with its model, in either order', () => {
    const { models, member, held, loads } = recording(4);
    const forest = stateOf('isolation-forest');
    // Handed over first, then the model scored here: the forest is not loaded again.
    const handed = member('a', forest);
    expect(models.model('a')).toBeUndefined(); // a member alone is not the model
    const sent = structuredClone(model);
    expect(models.model('a', sent)).toBe(sent);
    expect(member('a', forest)).toBe(handed);
    expect(held('a', 'isolation-forest')).toBe(handed);
    // The model first, then a member of it handed over: taken from the model, loaded once.
    models.model('b', structuredClone(model));
    const robust = held('b', 'robust');
    expect(member('b', stateOf('robust'))).toBe(robust);
    expect(held('c', 'robust')).toBeUndefined();
    expect(loads).toEqual(['isolation-forest@a', 'robust@b']);
    expect(models.size).toBe(2);
  });

  it('drops the blobs of a member once it is loaded here (the member holds its own copy)', () => {
    const { models, member } = recording(2);
    const mine = structuredClone(model);
    models.model('a', mine);
    member('a', mine.states.find((s) => s.detector === 'isolation-forest')!);
    const forest = mine.states.find((s) => s.detector === 'isolation-forest')!;
    expect(forest.blobs).toBeUndefined();
    expect(forest.params).toEqual(stateOf('isolation-forest').params);
    expect(stateOf('isolation-forest').blobs).toBeDefined(); // a copy's, not the model's
    // Loaded alone first (handed over), then the model comes: its copy is dropped as it arrives.
    member('b', stateOf('isolation-forest'));
    const later = structuredClone(model);
    models.model('b', later);
    expect(later.states.find((s) => s.detector === 'isolation-forest')!.blobs).toBeUndefined();
  });

  it('has one bound for models and members alone together, and disposes what it drops', () => {
    const { models, member, held, loads, disposed } = recording(2);
    models.model('a', structuredClone(model));
    member('a', stateOf('robust'));
    member('b', stateOf('isolation-forest')); // a member alone takes a place too
    models.model('c', structuredClone(model)); // drops a, the least recently used
    expect(models.size).toBe(2);
    expect(disposed).toEqual(['robust@a']);
    expect(models.model('a')).toBeUndefined();
    expect(held('b', 'isolation-forest')).toBeDefined();
    member('c', stateOf('pattern')); // c is used: b is now the oldest
    models.model('d', structuredClone(model));
    expect(disposed).toEqual(['robust@a', 'isolation-forest@b']);
    expect(loads).toEqual(['robust@a', 'isolation-forest@b', 'pattern@c']);
  });
});
