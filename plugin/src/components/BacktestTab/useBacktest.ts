import type { Backtest, BacktestRequest } from '@tidemark/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ScorerClient } from '../../datasource/api';

const POLL_MS = 1_000;
const isDone = (backtest: Backtest) => !['queued', 'running'].includes(backtest.status);

export interface BacktestRun {
  backtest?: Backtest;
  error?: string;
  start: (request: BacktestRequest) => void;
  cancel: () => void;
}

/** One backtest job: started, polled until it ends, cancellable. */
export function useBacktest(client: ScorerClient): BacktestRun {
  const [backtest, setBacktest] = useState<Backtest>();
  const [error, setError] = useState<string>();
  const generation = useRef(0);

  const start = useCallback(
    (request: BacktestRequest) => {
      const mine = ++generation.current;
      setError(undefined);
      setBacktest(undefined);
      client.startBacktest(request).then(
        (started) => mine === generation.current && setBacktest(started),
        (failure: Error) => mine === generation.current && setError(failure.message),
      );
    },
    [client],
  );

  useEffect(() => {
    if (!backtest || isDone(backtest)) return;
    const mine = generation.current;
    const timer = setTimeout(() => {
      client.backtest(backtest.id).then(
        (next) => mine === generation.current && setBacktest(next),
        (failure: Error) => mine === generation.current && setError(failure.message),
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [backtest, client]);

  const cancel = useCallback(() => {
    if (!backtest) return;
    client.cancelBacktest(backtest.id).then(setBacktest, (failure: Error) => setError(failure.message));
  }, [backtest, client]);

  return { backtest, error, start, cancel };
}
