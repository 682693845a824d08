/**
 * Redis (the shared store of a scaled-out scorer) did not answer or refused the command: the
 * request was not carried out. `url` has no password.
 */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';

  constructor(
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(`Redis at ${url} is unreachable${reason}`, options);
  }
}
