import { readFileSync } from 'node:fs';
import { parseSeriesCsv, type SeriesCsv } from './csv';

/** A problem with an input file's content or access (exit code 3). */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

/** Reads and parses a timestamp,value CSV; a clear error when it cannot be read. */
export function readSeriesCsv(path: string): SeriesCsv {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return parseSeriesCsv(text);
}
