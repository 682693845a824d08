export const ExitCode = { Ok: 0, Failure: 1, Usage: 2, BadInput: 3 } as const;

/** Wrong flags or arguments (exit code 2); the message says what to do instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The scorer refused a request (exit code 3); the message carries its problem's detail. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
}
