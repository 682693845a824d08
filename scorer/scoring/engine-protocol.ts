import type { ScoredSeries } from '@tidemark/core';
import type {
  DetectorState,
  EngineOptions,
  MemberOutcome,
  MemberTask,
  Point,
  scoreSeries,
  TrainedModel,
} from '@tidemark/core/engine';
import type { PointsBodyLimits, PointsBodyOutcome } from './points-body';

/** Points as two columns that cross threads without a copy (NaN = a point without a value). */
export interface PointColumns {
  times: Float64Array;
  values: Float64Array;
}

export function toColumns(points: readonly Point[]): PointColumns {
  const times = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  points.forEach(([time, value], k) => {
    times[k] = time;
    values[k] = value ?? Number.NaN;
  });
  return { times, values };
}

export function fromColumns({ times, values }: PointColumns): Point[] {
  return Array.from(times, (time, k) => [time, Number.isNaN(values[k]!) ? null : values[k]!] as const);
}

/** What `scoreSeries` takes besides the points and a model, as plain data. */
export type ScoreCallOptions = Omit<
  NonNullable<Parameters<typeof scoreSeries>[1]>,
  'model' | 'offload' | 'signal' | 'onProgress' | 'loadMember'
>;

/** What `trainModel` takes besides the points, as plain data (progress and abort go as messages). */
export type TrainCallOptions = Omit<
  EngineOptions,
  'model' | 'offload' | 'signal' | 'onProgress' | 'loadMember'
>;

export type TrainProgress = Parameters<NonNullable<EngineOptions['onProgress']>>[0];

export interface ScoreOutcome {
  series: ScoredSeries;
  model: TrainedModel | null;
}

/**
 * A stored model by its version: the main thread keeps only this (no decoded copy), and a worker
 * that does not hold `key` is sent the bytes, which it decodes and keeps.
 */
export interface StoredModel {
  /** Org, model id, version and checksum: one key, one model, for good. */
  readonly key: string;
  readonly detector: TrainedModel['detector'];
  readonly period: number | null;
  /** The encoded model (read from the store when not at hand). */
  bytes(): Promise<Uint8Array>;
  /** The model decoded, for the engine on the main thread (no workers, or one lost). */
  decoded(): Promise<TrainedModel>;
}

/** A model as the engine's callers hand it over: decoded (a fit), or stored (see `StoredModel`). */
export type ModelInput = TrainedModel | StoredModel;

export const isStoredModel = (model: ModelInput): model is StoredModel =>
  typeof (model as StoredModel).bytes === 'function';

/**
 * What goes with a call that needs a model a worker may not hold: nothing when it does (`key`
 * only), the decoded model, or a stored model's bytes (the worker decodes them); a member call
 * takes the member's state instead of a decoded model. A worker answers `missing` once it let
 * the model go.
 */
export interface ModelPayload {
  model?: TrainedModel;
  modelBytes?: Uint8Array;
}

/** One piece of engine work. Models are kept by a worker under the key the main thread gives. */
export type EngineCall =
  | ({
      kind: 'member';
      /** The key of the member's model, and the member's detector in it. */
      key: string;
      detector: DetectorState['detector'];
      state?: DetectorState;
      task: MemberTask;
    } & ModelPayload)
  | ({
      kind: 'score';
      points: PointColumns;
      options: ScoreCallOptions;
      modelKey?: string;
      /** Hand the ensemble's second member back to the pool (another worker is idle). */
      relay: boolean;
    } & ModelPayload)
  | { kind: 'train'; points: PointColumns; options: TrainCallOptions }
  | { kind: 'points-body'; body: Uint8Array; limits: PointsBodyLimits };

export type EngineResult<K extends EngineCall['kind']> = K extends 'member'
  ? MemberOutcome
  : K extends 'score'
    ? ScoreOutcome
    : K extends 'train'
      ? TrainedModel
      : PointsBodyOutcome;

/** What a worker is started with (`workerData`). */
export interface WorkerSetup {
  /** Models it keeps, with their loaded members (see `EnginePoolOptions.keep`). */
  keep: number;
}

/** The answer to a member a worker handed back: its outcome, or run it yourself, or what failed. */
export type RelayAnswer =
  | { relayed: number; outcome: MemberOutcome }
  | { relayed: number; runHere: true }
  | { relayed: number; error: string };

/** Main thread → engine worker: a call, the answer to a member it handed back, or a call aborted. */
export type WorkerRequest = ({ id: number } & EngineCall) | RelayAnswer | { abort: number; reason: string };

/** Engine worker → main thread. */
export type WorkerReply =
  | { ready: true }
  /** A member was loaded (from its state) in this worker. */
  | { loaded: DetectorState['detector'] }
  | { id: number; result: EngineResult<EngineCall['kind']> }
  | { id: number; missing: true }
  | { id: number; error: string; name: string }
  | { id: number; progress: TrainProgress }
  /** The `score` call `id` hands member `detector` of its model to the pool as `relay`. */
  | { id: number; relay: number; detector: DetectorState['detector']; task: MemberTask };
