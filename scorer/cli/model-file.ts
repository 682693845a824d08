import { readFileSync, writeFileSync } from 'node:fs';
import { decodeModel, EngineInputError, encodeModel, type TrainedModel } from '@tidemark/core/engine';
import { InputFileError } from './input-file';

/** Reads a model file written by `tidemark train` or `tidemark models export`. */
export function readModelFile(path: string): TrainedModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputFileError(`cannot read the model ${path}: ${(error as Error).message}`);
  }
  try {
    return decodeModel(bytes);
  } catch (error) {
    if (!(error instanceof EngineInputError)) throw error;
    throw new InputFileError(`${path}: ${error.message}`);
  }
}

export function writeModelFile(path: string, model: TrainedModel): void {
  try {
    writeFileSync(path, encodeModel(model));
  } catch (error) {
    throw new InputFileError(`cannot write the model ${path}: ${(error as Error).message}`);
  }
}
