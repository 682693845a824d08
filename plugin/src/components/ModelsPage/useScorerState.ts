import type { ContinuousDetector, Job, ModelSummary } from '@tidemark/core';
import { useCallback, useEffect, useState } from 'react';
import type { ScorerClient } from '../../datasource/api';

export interface ScorerState {
  models: ModelSummary[];
  jobs: Job[];
  detectors: ContinuousDetector[];
  loading: boolean;
  error?: string;
}

const POLL_MS = 2_000;

export const isActiveJob = (job: Job) => job.status === 'queued' || job.status === 'running';

/** Loads models, jobs and detectors, and polls again while a training job or detector run is in progress. */
export function useScorerState(client: ScorerClient | undefined): ScorerState & { reload: () => void } {
  const [state, setState] = useState<ScorerState>({ models: [], jobs: [], detectors: [], loading: false });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is the reload trigger
  useEffect(() => {
    if (!client) return;
    let cancelled = false;
    setState((previous) => ({ ...previous, loading: true }));
    Promise.all([client.models(), client.jobs(), client.detectors()])
      .then(([models, jobs, detectors]) => {
        if (!cancelled) setState({ models, jobs, detectors, loading: false });
      })
      .catch((error: Error) => {
        if (!cancelled) setState((previous) => ({ ...previous, loading: false, error: error.message }));
      });
    return () => {
      cancelled = true;
    };
  }, [client, tick]);

  const busy = state.jobs.some(isActiveJob) || state.detectors.some((d) => d.status === 'running');
  // biome-ignore lint/correctness/useExhaustiveDependencies: poll again after every load while work runs
  useEffect(() => {
    if (!busy) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [busy, state, reload]);

  return { ...state, reload };
}
