import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type DetectorState,
  loadMember,
  type MemberOffload,
  type MemberOutcome,
  type MemberTask,
  runMemberTask,
} from '@tidemark/core/engine';
import type { Logger } from '../log';
import type { WorkerReply, WorkerRequest } from './member-protocol';

export interface MemberPoolOptions {
  /** Worker threads; 0 runs every member on the calling thread. */
  size: number;
  logger: Logger;
  /** Counts each member run by where it ran. */
  onRun?: (thread: 'worker' | 'main') => void;
  /** The worker's script (tests start misbehaving ones); default `member-worker.cjs`. */
  entry?: string;
}

interface Pending {
  request: WorkerRequest;
  state: DetectorState;
  resolve(outcome: MemberOutcome): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Model-state keys this worker was sent (it may have dropped some since: it then asks again). */
  sent: Set<number>;
  pending: Map<number, Pending>;
}

const WORKER_ENTRY = join(__dirname, 'member-worker.cjs');

/**
 * Engine worker threads for ensemble members (see `EngineOptions.offload`): while the request's
 * thread scores the member that gives the band, a worker scores another, so one request uses two
 * cores and concurrent requests share them all. Until a worker is up, and if one dies, members run
 * on the calling thread: a request never fails because of the pool.
 */
export class MemberPool {
  private readonly slots: Slot[] = [];
  private readonly keys = new WeakMap<DetectorState, number>();
  private nextKey = 1;
  private nextId = 1;
  private started = false;
  private closed = false;
  private readyWaiters: (() => void)[] = [];

  constructor(private readonly options: MemberPoolOptions) {}

  /** Starts the workers (in the background); `offload` starts them too when nobody did. */
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

  readonly offload: MemberOffload = (task, state) => {
    this.start();
    const slot = this.pick();
    if (!slot) return new Promise((resolve) => resolve(this.runHere(task, state)));
    return new Promise<MemberOutcome>((resolve, reject) => {
      const request: WorkerRequest = { id: this.nextId++, key: this.keyOf(state), task };
      this.send(slot, { request, state, resolve, reject });
    });
  };

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const slot of slots) this.rerunHere(slot);
    this.wakeIfAllReady();
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.entry ?? WORKER_ENTRY, { execArgv: [] });
    const slot: Slot = { worker, ready: false, sent: new Set(), pending: new Map() };
    worker.on('message', (reply: WorkerReply) => this.receive(slot, reply));
    worker.on('error', (error) => {
      this.options.logger.warn('engine worker failed; its members run on the main thread', { error });
    });
    worker.on('exit', (code) => this.lost(slot, code));
    this.holdOpen(slot);
    return slot;
  }

  /**
   * A worker keeps the process alive only while someone waits on it (a task, or `ready()`), so an
   * idle pool never holds up an exit. Called after the listeners are set (they ref the worker).
   */
  private holdOpen(slot: Slot): void {
    if (slot.pending.size > 0 || (!slot.ready && this.readyWaiters.length > 0)) slot.worker.ref();
    else slot.worker.unref();
  }

  private pick(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.ready && (!best || slot.pending.size < best.pending.size)) best = slot;
    }
    return best;
  }

  private keyOf(state: DetectorState): number {
    let key = this.keys.get(state);
    if (key === undefined) {
      key = this.nextKey++;
      this.keys.set(state, key);
    }
    return key;
  }

  private send(slot: Slot, pending: Pending): void {
    const { request } = pending;
    slot.pending.set(request.id, pending);
    this.holdOpen(slot);
    const withState = slot.sent.has(request.key) ? request : { ...request, state: pending.state };
    slot.sent.add(request.key);
    slot.worker.postMessage(withState);
  }

  private receive(slot: Slot, reply: WorkerReply): void {
    if ('ready' in reply) {
      slot.ready = true;
      this.wakeIfAllReady();
      return;
    }
    const pending = slot.pending.get(reply.id);
    if (!pending) return;
    slot.pending.delete(reply.id);
    this.holdOpen(slot);
    if ('missing' in reply) {
      slot.sent.delete(pending.request.key);
      this.send(slot, pending);
    } else if ('error' in reply) {
      pending.reject(new Error(reply.error));
    } else {
      this.options.onRun?.('worker');
      pending.resolve(reply.outcome);
    }
  }

  /** A worker exited: its members run here, and a new worker takes its place. */
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
    for (const pending of slot.pending.values()) {
      try {
        pending.resolve(this.runHere(pending.request.task, pending.state));
      } catch (error) {
        pending.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    slot.pending.clear();
  }

  private runHere(task: MemberTask, state: DetectorState): MemberOutcome {
    this.options.onRun?.('main');
    return runMemberTask(loadMember(state), task);
  }
}
