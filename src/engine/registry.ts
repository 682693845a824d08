import type { DetectorId } from '../contract';
import type { Detector } from './detector';
import { IsolationForestDetector } from './detectors/isolation-forest/isolation-forest-detector';
import { PatternDetector } from './detectors/pattern/pattern-detector';
import { RobustDetector } from './detectors/robust/robust-detector';

/** What the engine needs to know to run one single (non-composite) detector. */
export interface DetectorEntry {
  id: Exclude<DetectorId, 'ensemble'>;
  create(): Detector;
  /** In causal mode the detector is refitted on its past whenever the series grows by this factor. */
  refitGrowth: number;
  /** Points needed before the first fit in causal mode. */
  minFitPoints: number;
  /** Async set-up needed before `create()`'d detectors can fit or load (e.g. the TensorFlow.js backend). */
  ready?: () => Promise<void>;
  /** One line for docs, the OpenAPI document and the query editor. */
  description: string;
}

const entries = new Map<DetectorEntry['id'], DetectorEntry>();

export function registerDetector(entry: DetectorEntry): void {
  entries.set(entry.id, entry);
}

registerDetector({
  id: 'robust',
  create: () => new RobustDetector(),
  refitGrowth: 1.1,
  minFitPoints: 1,
  description: 'Seasonal robust baseline (median of past seasons, robust spread); no training needed.',
});

registerDetector({
  id: 'isolation-forest',
  create: () => new IsolationForestDetector(),
  refitGrowth: 1.5,
  minFitPoints: 128,
  description:
    'Isolation forest over windowed features (value, change, seasonal deviation, local statistics).',
});

registerDetector({
  id: 'pattern',
  create: () => new PatternDetector(),
  refitGrowth: 1.25,
  minFitPoints: 32,
  description:
    'Novelty of recent value patterns: coarse levels, and how new the sequence of levels ending at a point is.',
});

/** TensorFlow.js loads with the LSTM's module, on first use: the other detectors never need it. */
let lstmModule: typeof import('./detectors/lstm') | undefined;

registerDetector({
  id: 'lstm',
  create: () => {
    if (!lstmModule) throw new Error("lstm: await the entry's ready() before create()");
    return new lstmModule.LstmDetector();
  },
  ready: async () => {
    // require, not import(): an engine worker thread loads the sources through tsx's require hook
    // only, and a dynamic import() there goes to Node's own ESM loader, which refuses the folder
    lstmModule ??= require('./detectors/lstm') as typeof import('./detectors/lstm');
    await lstmModule.ensureTfBackend();
  },
  refitGrowth: 2,
  minFitPoints: 64,
  description: 'LSTM forecaster (TensorFlow.js); the band and score come from its forecast residuals.',
});

/**
 * The ensemble's members, their weights in the weighted mean of calibrated scores, and how far
 * below a member's own score the mean may fall (`floorBelow`). The robust baseline counts double:
 * it resolves how extreme a deviation is, where an isolation forest's score saturates. The
 * pattern member keeps a spike inside the levels a series always visits from paging on its own,
 * but never hides a deviation the baseline finds extreme: the score stays within 20 of the
 * baseline's (tuned on all three development corpora in causal mode, see docs/quality.md). The
 * LSTM, which forecasts what the baseline leaves, counts double too; an ensemble model trained
 * before it was a member scores with the members it has (score.ts).
 */
export const ENSEMBLE_MEMBERS: ReadonlyArray<{
  id: DetectorEntry['id'];
  weight: number;
  floorBelow?: number;
  /** Trains for seconds: left out of quick fits (EngineOptions.quickFit). */
  slow?: true;
}> = [
  { id: 'robust', weight: 2, floorBelow: 20 },
  { id: 'isolation-forest', weight: 1 },
  { id: 'pattern', weight: 1 },
  { id: 'lstm', weight: 2, slow: true },
];

export function detectorEntry(id: DetectorEntry['id']): DetectorEntry {
  const entry = entries.get(id);
  if (!entry) throw new Error(`detector "${id}" is not registered`);
  return entry;
}

/** A single detector a detector id runs, with its weight in the combined score. */
export interface Member {
  entry: DetectorEntry;
  weight: number;
  /** The combined score is at least this member's score minus this much. */
  floorBelow?: number;
}

/**
 * The single detectors a detector id runs: itself, or the ensemble's members: only those `has`
 * accepts when given (a trained ensemble keeps the members it was trained with), and without the
 * slow ones when `quick`.
 */
export function membersOf(
  id: DetectorId,
  {
    has = () => true,
    quick = false,
  }: { has?: (member: DetectorEntry['id']) => boolean; quick?: boolean } = {},
): Member[] {
  if (id !== 'ensemble') return [{ entry: detectorEntry(id), weight: 1 }];
  const wanted = (m: (typeof ENSEMBLE_MEMBERS)[number]) =>
    entries.has(m.id) && has(m.id) && !(quick && m.slow);
  return ENSEMBLE_MEMBERS.filter(wanted).map((m) => ({
    entry: detectorEntry(m.id),
    weight: m.weight,
    ...(m.floorBelow !== undefined ? { floorBelow: m.floorBelow } : {}),
  }));
}
