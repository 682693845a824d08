import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type DetectorState,
  type MemberOutcome,
  type MemberTask,
  type Point,
  scoreSeries,
  type TrainedModel,
  trainModel,
} from '@tidemark/core/engine';
import type { Logger } from '../log';
import {
  type EngineCall,
  type EngineResult,
  isStoredModel,
  type ModelInput,
  type ScoreCallOptions,
  type ScoreOutcome,
  type StoredModel,
  type TrainCallOptions,
  type TrainProgress,
  toColumns,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSetup,
} from './engine-protocol';
import { type PointsBodyLimits, type PointsBodyOutcome, scorePointsBody } from './points-body';

export type EngineThread = 'worker' | 'main';

export interface EnginePoolOptions {
  /** Worker threads; 0 runs every call on the calling thread. */
  size: number;
  logger: Logger;
  /** Counts each engine call by kind and by where it ran. */
  onCall?: (kind: EngineCall['kind'], thread: EngineThread) => void;
  /** The worker's script (tests start misbehaving ones); default `engine-worker.cjs`. */
  entry?: string;
  /**
   * Models each worker keeps decoded, with their loaded members (or only the members another
   * worker handed over), least recently used dropped; default 32. Below the series a continuous
   * run scores, every series' model crosses to the worker again each run (the scorer sizes it
   * from MODEL_CACHE_SIZE).
   */
  keep?: number;
  /** Hears of each model or member state sent to a worker (again, once it let one go). */
  onSend?: (what: 'model' | 'state') => void;
  /** Hears of each member a worker loaded from its state (once per model and worker while kept). */
  onLoad?: (detector: string) => void;
}

/** Models a worker keeps unless told otherwise. */
export const DEFAULT_WORKER_KEEP = 32;

/** The engine's two entry points with plain options, wherever the engine runs. */
export interface Engine {
  scoreSeries(
    points: readonly Point[],
    options: ScoreCallOptions & { model?: ModelInput },
  ): Promise<ScoreOutcome>;
  trainModel(points: readonly Point[], options: TrainCallOptions & Listeners): Promise<TrainedModel>;
}

/** What a training call hears of while it runs in a worker. */
interface Listeners {
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
}

/** The engine on this thread, a stored model decoded here (the pool's fallback, or no pool). */
export const localEngine: Engine = {
  scoreSeries: async (points, { model, ...options }) =>
    scoreSeries(points, {
      ...options,
      ...(model ? { model: isStoredModel(model) ? await model.decoded() : model } : {}),
    }),
  trainModel,
};

interface Pending {
  call: EngineCall;
  /**
   * The model a call needs, by its key (for a member call, with the member's detector): sent
   * with it (decoded, as bytes, or the member's state) when the worker does not hold it.
   */
  payload?: { key: string; model: ModelInput; detector?: DetectorState['detector'] };
  /** What to do when the worker is lost before it answers (run the call here). */
  rerun(): void;
  onProgress?: (progress: TrainProgress) => void;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /**
   * Keys of the models this worker was sent, and `key#detector` of members sent alone (it may
   * have dropped some: it then asks again).
   */
  sent: Set<string>;
  pending: Map<number, Pending>;
}

const WORKER_ENTRY = join(__dirname, 'engine-worker.cjs');

/** An error a worker reported, with the name it had there (`EngineInputError` answers 422). */
function workerError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * Engine worker threads: every engine call of a request or a continuous run (a series scored,
 * a body of points parsed, scored and encoded) runs in a worker, so the main thread only does
 * I/O and health, metrics and small requests answer while big ones run. With a trained model,
 * the ensemble's second member goes to another idle worker while the first scores the band, so
 * one request uses two cores. Until a worker is up calls wait for it; with no workers (size 0,
 * or none could start), and for the calls of a worker that died, the work runs on this thread:
 * a request never fails because of the pool. The numbers are the same wherever a call runs.
 */
export class EnginePool {
  private readonly slots: Slot[] = [];
  private readonly keys = new WeakMap<TrainedModel, string>();
  private nextKey = 1;
  private nextId = 1;
  private started = false;
  private closed = false;
  private readyWaiters: (() => void)[] = [];

  constructor(private readonly options: EnginePoolOptions) {}

  /** Starts the workers (in the background); the first call starts them too when nobody did. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    for (let k = 0; k < this.options.size; k++) this.slots.push(this.spawn());
  }

  /** Resolves once every worker has started (at once when the pool has none). */
  ready(): Promise<void> {
    this.start();
    if (this.slots.every((slot) => slot.ready)) return Promise.resolve();
    const up = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    for (const slot of this.slots) this.holdOpen(slot);
    return up;
  }

  readonly engine: Engine = {
    scoreSeries: (points, { model, ...options }) =>
      this.call(
        { kind: 'score', points: toColumns(points), options, relay: false },
        () => localEngine.scoreSeries(points, { ...options, ...(model ? { model } : {}) }),
        model && { key: this.keyOf(model), model },
      ),
    trainModel: (points, { signal, onProgress, ...options }) => {
      const listeners = { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) };
      return this.call(
        { kind: 'train', points: toColumns(points), options },
        () => trainModel(points, { ...options, ...listeners }),
        undefined,
        listeners,
      );
    },
  };

  /** `scorePointsBody` in a worker: the body is parsed there, not here. */
  scorePointsBody(body: Uint8Array, limits: PointsBodyLimits): Promise<PointsBodyOutcome> {
    return this.call({ kind: 'points-body', body, limits }, () => scorePointsBody(body, limits));
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const slot of slots) this.rerunHere(slot);
    this.wakeIfAllReady();
  }

  private async call<K extends EngineCall['kind']>(
    call: EngineCall & { kind: K },
    here: () => Promise<EngineResult<K>>,
    payload?: Pending['payload'],
    { signal, onProgress }: Listeners = {},
  ): Promise<EngineResult<K>> {
    this.start();
    if (!this.slots.some((slot) => slot.ready)) await this.ready();
    signal?.throwIfAborted();
    const slot = this.pick(undefined, payload);
    if (!slot) return this.runHere(call.kind, here);
    const id = this.nextId++;
    const abort = () => slot.worker.postMessage({ abort: id, reason: String(signal?.reason) });
    signal?.addEventListener('abort', abort, { once: true });
    return new Promise<EngineResult<K>>((resolve, reject) => {
      const pending: Pending = {
        call,
        rerun: () => this.runHere(call.kind, here).then(resolve, reject),
        resolve: resolve as (result: unknown) => void,
        reject,
        ...(payload ? { payload } : {}),
        ...(onProgress ? { onProgress } : {}),
      };
      this.send(slot, id, pending);
    }).finally(() => signal?.removeEventListener('abort', abort));
  }

  private runHere<T>(kind: EngineCall['kind'], here: () => Promise<T>): Promise<T> {
    this.options.onCall?.(kind, 'main');
    return new Promise<T>((resolve) => resolve(here()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.entry ?? WORKER_ENTRY, {
      execArgv: [],
      workerData: { keep: this.options.keep ?? DEFAULT_WORKER_KEEP } satisfies WorkerSetup,
    });
    const slot: Slot = { worker, ready: false, sent: new Set(), pending: new Map() };
    worker.on('message', (reply: WorkerReply) => this.receive(slot, reply));
    worker.on('error', (error) => {
      this.options.logger.warn('engine worker failed; its calls run on the main thread', { error });
    });
    worker.on('exit', (code) => this.lost(slot, code));
    this.holdOpen(slot);
    return slot;
  }

  /**
   * A worker keeps the process alive only while someone waits on it (a call, or `ready()`), so an
   * idle pool never holds up an exit. Called after the listeners are set (they ref the worker).
   */
  private holdOpen(slot: Slot): void {
    if (slot.pending.size > 0 || (!slot.ready && this.readyWaiters.length > 0)) slot.worker.ref();
    else slot.worker.unref();
  }

  /**
   * The ready worker with the fewest calls, other than `not`; for a call with a model (`payload`),
   * the one holding it (or, for a member call, that member) already unless that has more than
   * one call more, so a model is kept by one worker, not by every one (memory), and not sent again.
   */
  private pick(not?: Slot, payload?: Pending['payload']): Slot | undefined {
    let best: Slot | undefined;
    let holder: Slot | undefined;
    for (const slot of this.slots) {
      if (slot === not || !slot.ready) continue;
      if (!best || slot.pending.size < best.pending.size) best = slot;
      if (payload && holds(slot, payload) && (!holder || slot.pending.size < holder.pending.size))
        holder = slot;
    }
    return holder && best && holder.pending.size <= best.pending.size + 1 ? holder : best;
  }

  /** A stored model's key is its version's; a decoded one (a fit) gets one for as long as it lives. */
  private keyOf(model: ModelInput): string {
    if (isStoredModel(model)) return `stored:${model.key}`;
    let key = this.keys.get(model);
    if (key === undefined) {
      key = `fit:${this.nextKey++}`;
      this.keys.set(model, key);
    }
    return key;
  }

  private send(slot: Slot, id: number, pending: Pending): void {
    slot.pending.set(id, pending);
    this.holdOpen(slot);
    let call = pending.call;
    if (call.kind === 'score') {
      // Worth handing a member back only when another worker has nothing to do.
      const idle = this.slots.some((other) => other !== slot && other.ready && other.pending.size === 0);
      call = { ...call, relay: pending.payload !== undefined && idle };
    }
    const { payload } = pending;
    const post = (extra: object = {}, transfer: ArrayBuffer[] = []) =>
      slot.worker.postMessage({ id, ...call, ...extra } as WorkerRequest, transfer);
    if (!payload) {
      post();
      return;
    }
    call = { ...call, ...(call.kind === 'score' ? { modelKey: payload.key } : { key: payload.key }) };
    if (holds(slot, payload)) {
      post();
      return;
    }
    const { model, detector } = payload;
    const state =
      detector && !isStoredModel(model) ? model.states.find((s) => s.detector === detector) : undefined;
    this.options.onSend?.(state ? 'state' : 'model');
    slot.sent.add(state ? `${payload.key}#${detector}` : payload.key);
    if (state) post({ state });
    else if (!isStoredModel(model)) post({ model });
    else this.sendBytes(slot, id, pending, model, post);
  }

  /** A stored model's bytes, read now (this thread keeps no copy) and handed over, not copied. */
  private sendBytes(
    slot: Slot,
    id: number,
    pending: Pending,
    model: StoredModel,
    post: (extra: object, transfer: ArrayBuffer[]) => void,
  ): void {
    model.bytes().then(
      (bytes) => {
        if (slot.pending.get(id) !== pending) return; // the worker was lost meanwhile: rerun here
        const own = bytes.slice();
        post({ modelBytes: own }, [own.buffer]);
      },
      (error: unknown) => {
        slot.sent.delete(pending.payload!.key);
        if (!slot.pending.delete(id)) return;
        this.holdOpen(slot);
        pending.reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  private receive(slot: Slot, reply: WorkerReply): void {
    if ('ready' in reply) {
      slot.ready = true;
      this.wakeIfAllReady();
      return;
    }
    if ('loaded' in reply) {
      this.options.onLoad?.(reply.loaded);
      return;
    }
    if ('relay' in reply) {
      this.relay(slot, reply);
      return;
    }
    if ('progress' in reply) {
      slot.pending.get(reply.id)?.onProgress?.(reply.progress);
      return;
    }
    const pending = slot.pending.get(reply.id);
    if (!pending) return;
    slot.pending.delete(reply.id);
    this.holdOpen(slot);
    if ('missing' in reply) {
      const { key, detector } = pending.payload!;
      slot.sent.delete(key);
      slot.sent.delete(`${key}#${detector}`);
      this.send(slot, reply.id, pending);
    } else if ('error' in reply) {
      pending.reject(workerError(reply.name, reply.error));
    } else {
      this.options.onCall?.(pending.call.kind, 'worker');
      pending.resolve(reply.result);
    }
  }

  /**
   * A score call hands the ensemble's second member back: it goes to another worker, and its
   * outcome to the call's worker. With no other worker (or if it is lost), the call's worker runs it.
   */
  private relay(from: Slot, reply: Extract<WorkerReply, { relay: number }>): void {
    const answer = (message: WorkerRequest, transfer: ArrayBuffer[] = []) => {
      if (this.slots.includes(from)) from.worker.postMessage(message, transfer);
    };
    const model = from.pending.get(reply.id)?.payload;
    const payload = model && { ...model, detector: reply.detector };
    const target = payload && this.pick(from, payload);
    if (!payload || !target) {
      answer({ relayed: reply.relay, runHere: true });
      return;
    }
    const task: MemberTask = reply.task;
    const member: Pending = {
      call: { kind: 'member', key: payload.key, detector: reply.detector, task },
      payload,
      // Lost with its worker: the call's worker runs it instead of this thread.
      rerun: () => answer({ relayed: reply.relay, runHere: true }),
      resolve: (outcome) => {
        const { raw, probabilities } = outcome as MemberOutcome;
        answer({ relayed: reply.relay, outcome: { raw, probabilities } }, [
          raw.buffer as ArrayBuffer,
          probabilities.buffer as ArrayBuffer,
        ]);
      },
      reject: (error) => answer({ relayed: reply.relay, error: error.message }),
    };
    this.send(target, this.nextId++, member);
  }

  /** A worker exited: its calls run here, and a new worker takes its place. */
  private lost(slot: Slot, code: number): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.options.logger.warn('engine worker exited; starting another', { code });
    const wasReady = slot.ready;
    this.slots.splice(at, 1);
    this.rerunHere(slot);
    // A worker that never came up would fail again: the pool stays smaller rather than loop.
    if (wasReady && !this.closed) this.slots.push(this.spawn());
    this.wakeIfAllReady();
  }

  private wakeIfAllReady(): void {
    if (!this.slots.every((slot) => slot.ready)) return;
    for (const wake of this.readyWaiters.splice(0)) wake();
    for (const slot of this.slots) this.holdOpen(slot);
  }

  private rerunHere(slot: Slot): void {
    for (const pending of slot.pending.values()) pending.rerun();
    slot.pending.clear();
  }
}

/** Whether `slot` holds the payload's model (or, for a member call, that member alone). */
function holds(slot: Slot, { key, detector }: NonNullable<Pending['payload']>): boolean {
  return slot.sent.has(key) || (detector !== undefined && slot.sent.has(`${key}#${detector}`));
}
