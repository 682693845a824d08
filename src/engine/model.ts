import type { DetectorId, DetectorParams } from '../contract';
import type { DetectorState } from './detector';

/**
 * A trained model: everything needed to score new points of one series with one detector,
 * without refitting. Serialised by `encodeModel`/`decodeModel` (see model-codec.ts).
 */
export interface TrainedModel {
  formatVersion: number;
  detector: DetectorId;
  params: DetectorParams;
  intervalMs: number;
  /** Season length in steps, or null. */
  period: number | null;
  /** Epoch ms of the first and last training point. */
  trainedFrom: number;
  trainedTo: number;
  trainedPoints: number;
  /** One state per member detector (several for the ensemble). */
  states: DetectorState[];
  /** Raw-score history per calibrator (member ids, and `band`), oldest first. */
  calibration: Record<string, number[]>;
}

export const MODEL_FORMAT_VERSION = 1;
