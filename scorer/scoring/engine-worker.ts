/**
 * The loop of an engine worker thread: runs engine calls for the main thread (see `EnginePool`).
 * Models and member states are kept by the key the main thread gives each, so a model's forest
 * crosses the thread boundary once, not with every request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type Detector,
  type DetectorState,
  loadMember,
  type MemberOffload,
  type MemberOutcome,
  runMemberTask,
  scoreSeries,
  type TrainedModel,
  trainModel,
} from '@tidemark/core/engine';
import {
  type EngineCall,
  fromColumns,
  type RelayAnswer,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSetup,
} from './engine-protocol';
import { LruMap } from './lru-map';
import { scorePointsBody } from './points-body';

/** A model sent here, with its members as loaded the first time it was scored. */
interface KeptModel {
  model: TrainedModel;
  loaded: Map<DetectorState, Detector>;
}

const port = parentPort!;
const { keep } = workerData as WorkerSetup;
const members = new LruMap<number, Detector>(keep, (detector) => detector.dispose());
const models = new LruMap<number, KeptModel>(keep, (kept) => {
  for (const detector of kept.loaded.values()) detector.dispose();
});
const relays = new Map<number, (answer: RelayAnswer) => void>();
const aborts = new Map<number, AbortController>();
let nextRelay = 1;

const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
const buffersOf = (outcome: MemberOutcome) => [
  outcome.raw.buffer as ArrayBuffer,
  outcome.probabilities.buffer as ArrayBuffer,
];

/** Hands a member of call `id`'s model back to the main thread, which gives it to an idle worker. */
function relayFor(id: number): MemberOffload {
  return (task, state) =>
    new Promise((resolve, reject) => {
      const relay = nextRelay++;
      relays.set(relay, (reply) => {
        try {
          if ('outcome' in reply) resolve(reply.outcome);
          else if ('runHere' in reply) resolve(runMemberTask(loadMember(state), task));
          else reject(new Error(reply.error));
        } catch (error) {
          reject(error);
        }
      });
      post({ id, relay, detector: state.detector, task });
    });
}

/** The model kept by `key` (now the most recently used), or `sent` kept from now on. */
function keptModel(key: number, sent: TrainedModel | undefined): KeptModel | undefined {
  // A key stands for one model (the main thread's object): what is held is what was sent.
  const held = models.get(key);
  if (held || !sent) return held;
  const kept: KeptModel = { model: sent, loaded: new Map() };
  models.set(key, kept);
  return kept;
}

function loadedMember(kept: KeptModel, state: DetectorState): Detector {
  let detector = kept.loaded.get(state);
  if (!detector) {
    detector = loadMember(state);
    kept.loaded.set(state, detector);
  }
  return detector;
}

async function run(id: number, call: EngineCall): Promise<void> {
  if (call.kind === 'member') {
    const detector = members.get(call.key) ?? (call.state ? loadMember(call.state) : undefined);
    if (!detector) return post({ id, missing: true });
    members.set(call.key, detector);
    const outcome = runMemberTask(detector, call.task);
    return post({ id, result: outcome }, buffersOf(outcome));
  }
  if (call.kind === 'score') {
    const kept = call.modelKey === undefined ? undefined : keptModel(call.modelKey, call.model);
    if (call.modelKey !== undefined && !kept) return post({ id, missing: true });
    const result = await scoreSeries(fromColumns(call.points), {
      ...call.options,
      ...(kept ? { model: kept.model, loadMember: (state) => loadedMember(kept, state) } : {}),
      ...(call.relay ? { offload: relayFor(id) } : {}),
    });
    return post({ id, result });
  }
  if (call.kind === 'train') {
    const controller = new AbortController();
    aborts.set(id, controller);
    try {
      const result = await trainModel(fromColumns(call.points), {
        ...call.options,
        signal: controller.signal,
        onProgress: (progress) => post({ id, progress }),
      });
      return post({ id, result });
    } finally {
      aborts.delete(id);
    }
  }
  const result = await scorePointsBody(call.body, call.limits);
  return post({ id, result }, result.ok ? [result.body.buffer as ArrayBuffer] : []);
}

port.on('message', (request: WorkerRequest) => {
  if ('abort' in request) {
    aborts.get(request.abort)?.abort(new Error(request.reason));
    return;
  }
  if ('relayed' in request) {
    relays.get(request.relayed)?.(request);
    relays.delete(request.relayed);
    return;
  }
  run(request.id, request).catch((error: unknown) => {
    const failure = error instanceof Error ? error : new Error(String(error));
    post({ id: request.id, error: failure.message, name: failure.name });
  });
});
post({ ready: true });
