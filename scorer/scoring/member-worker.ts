/**
 * The loop of an engine worker thread: runs handed-over ensemble members (`runMemberTask`) for
 * the main thread. Loaded detectors are kept by the key the main thread gives each model state,
 * so a model's forest crosses the thread boundary once, not with every request.
 */
import { parentPort } from 'node:worker_threads';
import { type Detector, loadMember, runMemberTask } from '@tidemark/core/engine';
import { LruMap } from './lru-map';
import type { WorkerReply, WorkerRequest } from './member-protocol';

const loaded = new LruMap<number, Detector>(32, (detector) => detector.dispose());

function detectorFor(request: WorkerRequest): Detector | undefined {
  const hit = loaded.get(request.key);
  if (hit || !request.state) return hit;
  const detector = loadMember(request.state);
  loaded.set(request.key, detector);
  return detector;
}

function handle(request: WorkerRequest): void {
  const port = parentPort!;
  try {
    const detector = detectorFor(request);
    if (!detector) {
      port.postMessage({ id: request.id, missing: true } satisfies WorkerReply);
      return;
    }
    const outcome = runMemberTask(detector, request.task);
    port.postMessage({ id: request.id, outcome } satisfies WorkerReply, [
      outcome.raw.buffer as ArrayBuffer,
      outcome.probabilities.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    port.postMessage({ id: request.id, error: message } satisfies WorkerReply);
  }
}

parentPort!.on('message', handle);
parentPort!.postMessage({ ready: true } satisfies WorkerReply);
