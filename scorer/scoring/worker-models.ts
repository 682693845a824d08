import { type Detector, type DetectorState, loadMember, type TrainedModel } from '@tidemark/core/engine';
import { LruMap } from './lru-map';

/** What a worker keeps of one model: the model when it was sent whole, and the members loaded. */
interface KeptModel {
  model?: TrainedModel;
  /** Loaded members by detector id (a model has one state per member detector). */
  loaded: Map<string, Detector>;
}

/**
 * The models an engine worker keeps, by the key the main thread gives each: one cache with one
 * bound. A member is loaded once per worker, whether its model was sent to be scored here or
 * only the member was handed over by another worker (and in either order).
 */
export class WorkerModels {
  private readonly entries: LruMap<string, KeptModel>;

  constructor(
    capacity: number,
    /** Hears of each member loaded (the pool counts them). */
    private readonly onLoad: (detector: DetectorState['detector']) => void = () => {},
    private readonly load: (state: DetectorState) => Detector = loadMember,
  ) {
    this.entries = new LruMap(capacity, (kept) => {
      for (const detector of kept.loaded.values()) detector.dispose();
    });
  }

  /** Models (or handed-over members of models) kept. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The model kept by `key` (now the most recently used), or `sent` kept from now on with any
   * members of it loaded already; undefined when neither (the main thread sends it again).
   */
  model(key: string, sent?: TrainedModel): TrainedModel | undefined {
    const kept = this.entries.get(key);
    if (kept?.model) return kept.model;
    if (!sent) return undefined;
    if (kept) {
      kept.model = sent;
      for (const detector of kept.loaded.keys()) shedBlobs(sent, detector);
    } else this.entries.set(key, { model: sent, loaded: new Map() });
    return sent;
  }

  /**
   * Member `state.detector` of model `key`, loaded from `state` the first time (a key stands for
   * one model: what is held is what was sent).
   */
  member(key: string, state: DetectorState): Detector {
    let kept = this.entries.get(key);
    if (!kept) {
      kept = { loaded: new Map() };
      this.entries.set(key, kept);
    }
    let detector = kept.loaded.get(state.detector);
    if (!detector) {
      detector = this.load(state);
      this.onLoad(state.detector);
      kept.loaded.set(state.detector, detector);
      if (kept.model) shedBlobs(kept.model, state.detector);
    }
    return detector;
  }

  /** Member `detector` of model `key` when this worker holds it or its model, else undefined. */
  memberIfHeld(key: string, detector: string): Detector | undefined {
    const kept = this.entries.get(key);
    const loaded = kept?.loaded.get(detector);
    if (loaded) return loaded;
    const state = kept?.model?.states.find((s) => s.detector === detector);
    return state ? this.member(key, state) : undefined;
  }
}

/**
 * Drops the blobs (an isolation forest's nodes, LSTM weights) of a member loaded from `model`:
 * the loaded member holds its own copy, and is dropped only with the model, so they are never
 * read again. About 200 kB of a default-detector model.
 */
function shedBlobs(model: TrainedModel, detector: string): void {
  const at = model.states.findIndex((state) => state.detector === detector);
  const state = model.states[at];
  if (!state?.blobs) return;
  const { blobs: _blobs, ...rest } = state;
  model.states[at] = rest;
}
