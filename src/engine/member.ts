import { TailCalibrator } from './calibration';
import type { Detector, DetectorState, RawScores, SeriesView } from './detector';
import { type DetectorEntry, detectorEntry } from './registry';

/**
 * Which points a calibration learns from and when it is saved: points before `firstUpdate` are
 * already in a loaded model's history (not added twice); the history after `snapshotAt` points is
 * what a fitted model keeps, so scoring with it later continues exactly where training ended
 * (null: no model is made, nobody keeps it).
 */
export interface CalibrationSpan {
  firstUpdate: number;
  snapshotAt: number | null;
  /** Slots before `snapshotAt` a user confirmed normal (see `TailCalibrator.learnNormal`). */
  normal?: Uint8Array;
  /**
   * The first slot whose probability anyone reads (a continuous run reports its last interval
   * after scoring the day before it): earlier slots still update the calibration but get NaN,
   * not a probability nobody reads. Absent: every slot.
   */
  firstWanted?: number;
}

export interface Calibrated {
  probabilities: Float64Array;
  history: number[];
}

export function calibrate(raw: Float64Array, calibrator: TailCalibrator, span: CalibrationSpan): Calibrated {
  const probabilities = new Float64Array(raw.length);
  const wanted = span.firstWanted ?? 0;
  let history: number[] = [];
  const learnNormal = () => {
    if (span.normal) calibrator.learnNormal(Array.from(raw).filter((_, i) => span.normal![i] === 1));
  };
  for (let i = 0; i < raw.length; i++) {
    if (i === span.snapshotAt) {
      learnNormal();
      history = calibrator.snapshot();
    }
    probabilities[i] = i >= wanted ? calibrator.probability(raw[i]!) : Number.NaN;
    if (i >= span.firstUpdate) calibrator.update(raw[i]!);
  }
  if (span.snapshotAt !== null && span.snapshotAt >= raw.length) {
    learnNormal();
    history = calibrator.snapshot();
  }
  return { probabilities, history };
}

/** Raw scores for [from, from + k) placed in arrays covering [0, from + k), NaN before `from`. */
export function padded(scores: RawScores, from: number): RawScores {
  if (from === 0) return scores;
  const grow = (part: Float64Array) => {
    const whole = new Float64Array(from + part.length).fill(Number.NaN);
    whole.set(part, from);
    return whole;
  };
  return { expected: grow(scores.expected), spread: grow(scores.spread), raw: grow(scores.raw) };
}

/**
 * One member of a detector scoring with a trained model, when another member gives the band:
 * its raw scores over [firstSlot, n) and their calibrated tail probabilities. Everything in it
 * is plain data, so another thread can do the work (see `EngineOptions.offload`).
 */
export interface MemberTask {
  detector: DetectorEntry['id'];
  series: SeriesView;
  firstSlot: number;
  /** The member's calibration history saved with the model. */
  history: readonly number[];
  span: CalibrationSpan;
}

export interface MemberOutcome {
  /** Raw scores of every slot (NaN before `firstSlot`). */
  raw: Float64Array;
  probabilities: Float64Array;
}

/** A detector with a saved state loaded, ready for `runMemberTask`. */
export function loadMember(state: DetectorState): Detector {
  if (state.detector === 'ensemble') throw new Error('an ensemble state is not a member state');
  const detector = detectorEntry(state.detector).create();
  detector.load(state);
  return detector;
}

export function runMemberTask(detector: Detector, task: MemberTask): MemberOutcome {
  const n = task.series.values.length;
  const scores = padded(detector.score(task.series, task.firstSlot, n, { band: false }), task.firstSlot);
  const { probabilities } = calibrate(scores.raw, new TailCalibrator({}, task.history), task.span);
  return { raw: scores.raw, probabilities };
}
