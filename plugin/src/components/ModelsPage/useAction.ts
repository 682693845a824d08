import { useCallback, useState } from 'react';

export interface Action {
  /** Runs one change against the scorer; on success reloads the page's state, on failure keeps the message. */
  run: (what: string, change: () => Promise<unknown>) => Promise<boolean>;
  busy: string | null;
  error: string | null;
  clearError: () => void;
}

/** One change at a time, with its error kept for the page to show (the scorer's problem detail). */
export function useAction(reload: () => void): Action {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (what: string, change: () => Promise<unknown>) => {
      setBusy(what);
      setError(null);
      try {
        await change();
        reload();
        return true;
      } catch (failure) {
        setError(`${what}: ${failure instanceof Error ? failure.message : String(failure)}`);
        return false;
      } finally {
        setBusy(null);
      }
    },
    [reload],
  );
  return { run, busy, error, clearError: useCallback(() => setError(null), []) };
}
