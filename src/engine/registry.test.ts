import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DETECTOR_IDS } from '../contract';
import { prepareSeries } from './prepare';
import { detectorEntry, ENSEMBLE_MEMBERS, membersOf } from './registry';
import { firstMismatch, seasonalPoints } from './test-support';

const SINGLE_IDS = DETECTOR_IDS.filter((id) => id !== 'ensemble');
const registered = SINGLE_IDS.filter((id) => {
  try {
    detectorEntry(id);
    return true;
  } catch {
    return false;
  }
});

describe('detector registry', () => {
  it('registers the cold-start detector', () => {
    expect(registered).toContain('robust');
    expect(detectorEntry('robust').create().needsTraining).toBe(false);
  });

  it.each(registered)(
    '%s: an entry that creates its own detector, with causal refit settings',
    async (id) => {
      const entry = detectorEntry(id);
      await entry.ready?.();
      expect(entry.id).toBe(id);
      expect(entry.create().id).toBe(id);
      expect(entry.create().fitted).toBe(false);
      expect(entry.minFitPoints).toBeGreaterThanOrEqual(1);
      expect(entry.refitGrowth).toBeGreaterThan(1);
      expect(entry.description.length).toBeGreaterThan(10);
    },
  );

  it('runs a single detector as itself and the ensemble as its registered members', () => {
    for (const id of registered) expect(membersOf(id).map((m) => m.entry.id)).toEqual([id]);
    const members = membersOf('ensemble').map((m) => m.entry.id);
    expect(members.length).toBeGreaterThan(0);
    for (const id of members) expect(ENSEMBLE_MEMBERS.map((m) => m.id)).toContain(id);
  });

  it('loads TensorFlow.js only when the LSTM is first made ready (engine workers, which score the other members, never need it)', async () => {
    const script = `
      const loaded = () => Object.keys(require.cache).some((path) => path.includes('@tensorflow'));
      const { detectorEntry, membersOf } = require('./src/engine');
      const before = loaded();
      const others = membersOf('ensemble').filter((m) => m.entry.id !== 'lstm');
      if (others.length < 3) throw new Error('expected the ensemble to have members besides the LSTM');
      others.forEach((m) => m.entry.create());
      const afterEnsemble = loaded();
      detectorEntry('lstm').ready().then(() => console.log(JSON.stringify([before, afterEnsemble, loaded()])));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: join(__dirname, '..', '..'),
    });
    expect(JSON.parse(stdout)).toEqual([false, false, true]);
  });

  it('says which detector is not registered', () => {
    for (const id of SINGLE_IDS.filter((x) => !registered.includes(x))) {
      expect(() => detectorEntry(id)).toThrow(new RegExp(`"${id}" is not registered`));
    }
    expect(() => detectorEntry('nope' as never)).toThrow(/not registered/);
  });

  // The LSTM trains for seconds; its own tests cover its save → load.
  it.each(registered.filter((id) => id !== 'lstm'))(
    '%s: fit → save → copy → load into a new detector → identical raw scores',
    async (id) => {
      const series = prepareSeries(seasonalPoints({ length: 700, period: 48, seed: 12, gaps: [300] }));
      const entry = detectorEntry(id);
      const original = entry.create();
      await original.fit(series, 500, { period: 48, seed: 5 });
      const state = structuredClone(original.save());
      expect(state.detector).toBe(id);
      const restored = entry.create();
      restored.load(state);
      expect(restored.fitted).toBe(true);
      const a = original.score(series, 0, series.values.length);
      const b = restored.score(series, 0, series.values.length);
      for (const name of ['raw', 'expected', 'spread'] as const) {
        expect({ name, firstDifference: firstMismatch(a[name], b[name], a[name].length) }).toEqual({
          name,
          firstDifference: -1,
        });
      }
      expect(a.raw.some((r) => !Number.isNaN(r))).toBe(true);
      original.dispose();
      restored.dispose();
    },
  );

  it.each(registered.filter((id) => id !== 'lstm'))('%s: refuses the state of another detector', (id) => {
    const other = registered.find((x) => x !== id && x !== 'lstm');
    if (!other) return;
    const foreign = { detector: other, stateVersion: 1, params: {} };
    expect(() => detectorEntry(id).create().load(foreign)).toThrow();
  });
});
