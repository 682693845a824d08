import { useCallback, useEffect, useState } from 'react';
import type { ContinuousDetector, Model, ScorerClient } from '../../datasource/api';

export interface ScorerState {
  models: Model[];
  detectors: ContinuousDetector[];
  loading: boolean;
  error?: string;
}

const POLL_MS = 2_000;
const RUNNING = new Set(['queued', 'running', 'training', 'pending']);

export const isRunning = (status?: string) => status !== undefined && RUNNING.has(status);

/** Loads models and detectors, and polls again while any training job is still running. */
export function useScorerState(client: ScorerClient | undefined): ScorerState & { reload: () => void } {
  const [state, setState] = useState<ScorerState>({ models: [], detectors: [], loading: false });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is the reload trigger
  useEffect(() => {
    if (!client) return;
    let cancelled = false;
    setState((previous) => ({ ...previous, loading: true }));
    Promise.all([client.models(), client.detectors()])
      .then(([models, detectors]) => {
        if (!cancelled) setState({ models, detectors, loading: false });
      })
      .catch((error: Error) => {
        if (!cancelled) setState((previous) => ({ ...previous, loading: false, error: error.message }));
      });
    return () => {
      cancelled = true;
    };
  }, [client, tick]);

  const anyRunning =
    state.models.some((m) => isRunning(m.status) || isRunning(m.job?.status)) ||
    state.detectors.some((d) => isRunning(d.job?.status));
  // biome-ignore lint/correctness/useExhaustiveDependencies: poll again after every load while jobs run
  useEffect(() => {
    if (!anyRunning) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [anyRunning, state, reload]);

  return { ...state, reload };
}
