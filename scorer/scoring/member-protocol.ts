import type { DetectorState, MemberOutcome, MemberTask } from '@tidemark/core/engine';

/** Main thread → engine worker: a member task; `state` only when the worker may not hold `key`. */
export interface WorkerRequest {
  id: number;
  key: number;
  state?: DetectorState;
  task: MemberTask;
}

/** Engine worker → main thread. */
export type WorkerReply =
  | { ready: true }
  | { id: number; outcome: MemberOutcome }
  | { id: number; missing: true }
  | { id: number; error: string };
