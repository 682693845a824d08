import { EngineInputError } from '@tidemark/core/engine';
import { CsvError } from './csv';
import { InputFileError } from './input-file';

export const ExitCode = { Ok: 0, Failure: 1, Usage: 2, BadInput: 3 } as const;

/** Wrong flags or arguments (exit code 2); the message says what to do instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The scorer refused a request or could not be reached (exit code 3); the message says which and why. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || isParseArgsError(error)) return ExitCode.Usage;
  if (error instanceof CsvError || error instanceof InputFileError || error instanceof EngineInputError) {
    return ExitCode.BadInput;
  }
  if (error instanceof RefusedError) return ExitCode.BadInput;
  return ExitCode.Failure;
}

/** node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for bad flags. */
export function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
