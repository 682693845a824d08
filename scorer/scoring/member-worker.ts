/**
 * The loop of an engine worker thread: runs handed-over ensemble members (`runMemberTask`) for
 * the main thread. Loaded detectors are kept by the key the main thread gives each model state,
 * so a model's forest crosses the thread boundary once, not with every request.
 */
import { parentPort } from 'node:worker_threads';
import { type Detector, loadMember, runMemberTask } from '@tidemark/core/engine';
import type { WorkerReply, WorkerRequest } from './member-protocol';

const LOADED_CAPACITY = 32;
const loaded = new Map<number, Detector>();

function detectorFor(request: WorkerRequest): Detector | undefined {
  const hit = loaded.get(request.key);
  if (hit) {
    loaded.delete(request.key);
    loaded.set(request.key, hit);
    return hit;
  }
  if (!request.state) return undefined;
  const detector = loadMember(request.state);
  loaded.set(request.key, detector);
  if (loaded.size > LOADED_CAPACITY) {
    const [oldestKey, oldest] = loaded.entries().next().value as [number, Detector];
    oldest.dispose();
    loaded.delete(oldestKey);
  }
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
