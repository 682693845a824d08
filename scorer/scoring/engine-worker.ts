/**
 * The loop of an engine worker thread: runs engine calls for the main thread (see `EnginePool`).
 * Models are kept, with their loaded members, by the key the main thread gives each (one cache,
 * `WorkerModels`), so a model's forest crosses the thread boundary and is loaded once, not with
 * every request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type Detector,
  type DetectorState,
  decodeModel,
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
  type ModelPayload,
  type RelayAnswer,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSetup,
} from './engine-protocol';
import { scorePointsBody } from './points-body';
import { ensureTfBackend } from './tf-backend';
import { WorkerModels } from './worker-models';

const port = parentPort!;
const { keep } = workerData as WorkerSetup;
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
const models = new WorkerModels(keep, (detector) => post({ loaded: detector }));
const relays = new Map<number, (answer: RelayAnswer) => void>();
const aborts = new Map<number, AbortController>();
let nextRelay = 1;

const buffersOf = (outcome: MemberOutcome) => [
  outcome.raw.buffer as ArrayBuffer,
  outcome.probabilities.buffer as ArrayBuffer,
];

/**
 * Hands a member of call `id`'s model (kept by `key`) back to the main thread, which gives it to
 * an idle worker; told to run it here, this worker loads it into its own cache, once.
 */
function relayFor(id: number, key: string): MemberOffload {
  return (task, state) =>
    new Promise((resolve, reject) => {
      const relay = nextRelay++;
      relays.set(relay, (reply) => {
        try {
          if ('outcome' in reply) resolve(reply.outcome);
          else if ('runHere' in reply) resolve(runMemberTask(models.member(key, state), task));
          else reject(new Error(reply.error));
        } catch (error) {
          reject(error);
        }
      });
      post({ id, relay, detector: state.detector, task });
    });
}

/** The model kept by `key`, or the one the call brings (decoded here from its bytes), kept from now on. */
function modelFor(key: string, call: ModelPayload): TrainedModel | undefined {
  const sent = call.model ?? (call.modelBytes ? decodeModel(call.modelBytes) : undefined);
  return models.model(key, sent);
}

/** Member `detector` of model `key`: loaded already, or from the state or model the call brings. */
function memberFor(call: Extract<EngineCall, { kind: 'member' }>): Detector | undefined {
  const held = models.memberIfHeld(call.key, call.detector);
  if (held) return held;
  if (call.state) return models.member(call.key, call.state);
  const model = modelFor(call.key, call);
  const state = model?.states.find((s) => s.detector === call.detector);
  return state ? models.member(call.key, state) : undefined;
}

async function run(id: number, call: EngineCall): Promise<void> {
  if (call.kind === 'member') {
    const detector = memberFor(call);
    if (!detector) return post({ id, missing: true });
    const outcome = runMemberTask(detector, call.task);
    return post({ id, result: outcome }, buffersOf(outcome));
  }
  if (call.kind === 'score') {
    const key = call.modelKey;
    const model = key === undefined ? undefined : modelFor(key, call);
    if (key !== undefined && !model) return post({ id, missing: true });
    if (model?.states.some((state) => state.detector === 'lstm')) await ensureTfBackend();
    const result = await scoreSeries(fromColumns(call.points), {
      ...call.options,
      ...(model && key !== undefined
        ? { model, loadMember: (state: DetectorState) => models.member(key, state) }
        : {}),
      ...(call.relay && key !== undefined ? { offload: relayFor(id, key) } : {}),
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
