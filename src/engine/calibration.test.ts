import { type CalibratorOptions, DEFAULT_CALIBRATOR_OPTIONS, TailCalibrator } from './calibration';
import { gaussian, seededRandom } from './test-support';

type Distribution = 'half-normal' | 'exponential' | 'uniform' | 'quantised';

function draws(distribution: Distribution, n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const normal = gaussian(random);
  return Array.from({ length: n }, () => {
    switch (distribution) {
      case 'half-normal':
        return Math.abs(normal());
      case 'exponential':
        return -Math.log(1 - random());
      case 'uniform':
        return random();
      default:
        return Math.floor(random() * 5);
    }
  });
}

const CONTINUOUS: Distribution[] = ['half-normal', 'exponential', 'uniform'];
const DISTRIBUTIONS: Distribution[] = [...CONTINUOUS, 'quantised'];

describe('TailCalibrator', () => {
  it('gives NaN until minHistory raw scores were seen, then probabilities', () => {
    const calibrator = new TailCalibrator({ minHistory: 10 });
    for (let k = 0; k < 9; k++) {
      calibrator.update(k);
      expect(calibrator.ready).toBe(false);
      expect(calibrator.probability(3)).toBeNaN();
      expect(calibrator.rawForProbability(0.1)).toBeNaN();
    }
    calibrator.update(9);
    expect(calibrator.ready).toBe(true);
    expect(calibrator.probability(3)).toBeGreaterThan(0);
  });

  it('ignores NaN raw scores and answers NaN for them', () => {
    const calibrator = new TailCalibrator({ minHistory: 2 }, [1, 2, 3]);
    calibrator.update(Number.NaN);
    expect(calibrator.size).toBe(3);
    expect(calibrator.probability(Number.NaN)).toBeNaN();
  });

  it.each(DISTRIBUTIONS)(
    'is monotone non-increasing in raw and inside [0, 1] (%s history)',
    (distribution) => {
      const history = draws(distribution, 1000, 3);
      const calibrator = new TailCalibrator({}, history);
      const max = Math.max(...history);
      let previous = Number.POSITIVE_INFINITY;
      for (let raw = -1; raw <= 3 * max + 1; raw += max / 500) {
        const p = calibrator.probability(raw);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(p).toBeLessThanOrEqual(previous);
        previous = p;
      }
    },
  );

  it.each(CONTINUOUS)('keeps ordering values past everything seen (%s history)', (distribution) => {
    const history = draws(distribution, 1000, 3);
    const calibrator = new TailCalibrator({}, history);
    const max = Math.max(...history);
    expect(calibrator.probability(2 * max)).toBeLessThan(calibrator.probability(1.5 * max));
    expect(calibrator.probability(1.5 * max)).toBeLessThan(calibrator.probability(max));
  });

  it.each(CONTINUOUS)(
    'gives values far beyond the maximum a probability in (0, 1/n) (%s history)',
    (distribution) => {
      for (const n of [200, 1000, 5000]) {
        const history = draws(distribution, n, n);
        const calibrator = new TailCalibrator({}, history);
        const p = calibrator.probability(2 * Math.max(...history) + 1);
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(1 / n);
      }
    },
  );

  // A tied top has no excess over the tail threshold: the tail scale must not collapse to 0.
  it('gives values beyond the maximum of a tied (quantised) history a probability in (0, 1/n)', () => {
    const n = 1000;
    const history = draws('quantised', n, 3);
    const calibrator = new TailCalibrator({}, history);
    const max = Math.max(...history);
    const near = calibrator.probability(max + 1);
    const far = calibrator.probability(max + 2);
    expect(far).toBeGreaterThan(0);
    expect(far).toBeLessThan(near);
    expect(near).toBeLessThan(1 / n);
  });

  // A zero-inflated series (errors, crashes: mostly 0, now and then a burst) ties most of its
  // history at 0, so the tail threshold is 0 too: the tail must be fitted to the raw scores above
  // it, not to the ties, or every burst is called rarer than anything ever seen.
  it('gives a raw score that 3% of a mostly-tied history reached a probability near 3%', () => {
    const history = Array.from({ length: 2000 }, (_, i) => (i % 33 === 0 ? 1 + (i % 7) / 10 : 0));
    const calibrator = new TailCalibrator({ recentWindow: 0 }, history);
    const share = history.filter((raw) => raw >= 1).length / history.length;
    expect(calibrator.probability(1)).toBeGreaterThan(share / 3);
    expect(calibrator.probability(1)).toBeLessThanOrEqual(share * 1.1);
    expect(calibrator.probability(3)).toBeLessThan(calibrator.probability(1.5));
    expect(calibrator.probability(0)).toBe(1);
  });

  // Known limitation, kept on purpose: the exponential tail is heavier than a light (Gaussian-like)
  // tail, so a value just past everything seen gets a little more than 1/n — conservative, fewer
  // false alarms. This test documents it and fails the day the tail model changes.
  it.failing.each(['half-normal', 'uniform'] as Distribution[])(
    'gives a value just beyond the maximum a probability below 1/n (%s history)',
    (distribution) => {
      for (const n of [500, 1000, 5000]) {
        const history = draws(distribution, n, 1);
        const calibrator = new TailCalibrator({}, history);
        const max = Math.max(...history);
        expect(calibrator.probability(max + 1e-9 * Math.max(1, max))).toBeLessThan(1 / n);
      }
    },
  );

  it.each(DISTRIBUTIONS)('rawForProbability inverts probability (%s history)', (distribution) => {
    const n = 2000;
    // rawForProbability answers for the long-run distribution, so switch the recent floor off.
    const calibrator = new TailCalibrator({ recentWindow: 0 }, draws(distribution, n, 9));
    let previousRaw = Number.POSITIVE_INFINITY;
    for (const p of [1e-7, 1e-5, 1e-4, 1e-3, 0.005, 0.01, 0.05, 0.1, 0.3, 0.5, 0.9]) {
      const raw = calibrator.rawForProbability(p);
      expect(raw).toBeLessThanOrEqual(previousRaw);
      previousRaw = raw;
      const back = calibrator.probability(raw);
      if (p < 0.005 && distribution !== 'quantised') {
        // In the fitted tail the inverse is exact up to rounding.
        expect(Math.abs(back - p) / p).toBeLessThan(1e-6);
      } else if (distribution !== 'quantised') {
        // In the empirical body it is exact up to the rank resolution of the history.
        expect(Math.abs(back - p)).toBeLessThanOrEqual(2 / n);
      } else if (Math.abs(back - p) / p >= 1e-6) {
        // With ties, P(raw' ≥ x) jumps (also from the tied top to the fitted tail beyond it, which
        // holds only the raw scores strictly above); the inverse lands on the step that covers p.
        expect(back).toBeGreaterThanOrEqual(p - 1 / n);
      }
    }
  });

  it.each<[string, Partial<CalibratorOptions>, number]>([
    ['default options', {}, 3000],
    [
      'a small window that evicted most of its history',
      { capacity: 300, minHistory: 20, recentWindow: 50 },
      1000,
    ],
  ])('snapshot → new calibrator gives identical probabilities (%s)', (_name, options, pushes) => {
    const calibrator = new TailCalibrator(options);
    const history = draws('half-normal', pushes, 21);
    for (const raw of history) calibrator.update(raw);
    const snapshot = calibrator.snapshot();
    const capacity = options.capacity ?? DEFAULT_CALIBRATOR_OPTIONS.capacity;
    expect(snapshot).toEqual(history.slice(-capacity));
    const restored = new TailCalibrator(options, JSON.parse(JSON.stringify(snapshot)));
    expect(restored.size).toBe(calibrator.size);
    for (let raw = 0; raw < 8; raw += 0.01) {
      expect(Object.is(restored.probability(raw), calibrator.probability(raw))).toBe(true);
    }
    for (const p of [1e-6, 1e-3, 0.1, 0.5]) {
      expect(Object.is(restored.rawForProbability(p), calibrator.rawForProbability(p))).toBe(true);
    }
  });

  // The tail is a pure function of the history: a restored snapshot answers exactly the same.
  it('snapshot taken mid-stream, as the engine calibrates, restores the same probabilities', () => {
    const calibrator = new TailCalibrator();
    for (const raw of draws('half-normal', 1010, 21)) {
      calibrator.probability(raw);
      calibrator.update(raw);
    }
    const restored = new TailCalibrator({}, calibrator.snapshot());
    for (let raw = 0; raw < 8; raw += 0.01)
      expect(restored.probability(raw)).toBe(calibrator.probability(raw));
  });

  // Asking a question never changes a later answer.
  it('answers the same whether or not it was asked before', () => {
    const history = draws('exponential', 500, 2);
    const later = draws('exponential', 100, 3);
    const asked = new TailCalibrator({}, history);
    const quiet = new TailCalibrator({}, history);
    for (const raw of later) {
      asked.probability(raw);
      asked.update(raw);
      quiet.update(raw);
    }
    for (const raw of [0.5, 2, 6, 12]) expect(asked.probability(raw)).toBe(quiet.probability(raw));
  });

  // A model's saved history starts every series' calibration: built once, then copied.
  it('calibrators from one saved history start alike and learn apart; the history is frozen', () => {
    const history = [...draws('half-normal', 600, 4), Number.NaN];
    const first = new TailCalibrator({}, history);
    for (const raw of draws('half-normal', 300, 5)) first.update(raw * 3);
    const second = new TailCalibrator({}, history);
    const small = new TailCalibrator({ capacity: 200, recentWindow: 50 }, history);
    const fresh = new TailCalibrator({}, [...history]);
    const freshSmall = new TailCalibrator({ capacity: 200, recentWindow: 50 }, [...history]);
    for (let raw = 0; raw < 8; raw += 0.05) {
      expect(second.probability(raw)).toBe(fresh.probability(raw));
      expect(small.probability(raw)).toBe(freshSmall.probability(raw));
    }
    expect(first.probability(4)).not.toBe(second.probability(4));
    expect(second.snapshot()).toEqual(fresh.snapshot());
    expect(Object.isFrozen(history)).toBe(true);
  });

  // capacity is raised to recentWindow, so the snapshot holds the whole recent window.
  it('snapshot → new calibrator gives identical probabilities when capacity < recentWindow', () => {
    const options = { capacity: 100, minHistory: 20, recentWindow: 150 };
    const calibrator = new TailCalibrator(options, draws('half-normal', 1000, 21));
    const restored = new TailCalibrator(options, calibrator.snapshot());
    for (let raw = 0; raw < 8; raw += 0.01)
      expect(restored.probability(raw)).toBe(calibrator.probability(raw));
  });

  it('never calls a value rarer than its rank among the last recentWindow raw scores', () => {
    const recentWindow = 40;
    const history = draws('exponential', 2000, 13);
    const calibrator = new TailCalibrator({ recentWindow }, history);
    const recent = history.slice(-recentWindow);
    for (const raw of [0, 0.5, 1, 2, 3, 5, 8, 100]) {
      const rank = recent.filter((v) => v >= raw).length;
      expect(calibrator.probability(raw)).toBeGreaterThanOrEqual(rank / recentWindow);
    }
  });

  it('is causal: asking about a value neither stores it nor changes later answers', () => {
    const history = draws('exponential', 500, 4);
    const asked = new TailCalibrator({}, history);
    const untouched = new TailCalibrator({}, history);
    for (const raw of [0.1, 1, 5, 50, 500]) {
      const p = asked.probability(raw);
      expect(asked.probability(raw)).toBe(p);
      expect(asked.rawForProbability(1e-4)).toBe(untouched.rawForProbability(1e-4));
    }
    expect(asked.size).toBe(untouched.size);
    expect(asked.snapshot()).toEqual(untouched.snapshot());
  });

  it("is causal: a value's probability is the same whether or not it is pushed afterwards", () => {
    const history = draws('half-normal', 300, 8);
    const later = new TailCalibrator({}, history);
    const never = new TailCalibrator({}, history);
    const x = 4.2;
    const before = later.probability(x);
    later.update(x);
    expect(never.probability(x)).toBe(before);
    // …and pushing it does change what later values are compared with.
    expect(later.probability(x)).not.toBe(before);
  });
});
