import { z } from 'zod';
import { detectorIdSchema } from '../contract';
import type { DetectorState } from './detector';
import { EngineInputError } from './errors';
import { MODEL_FORMAT_VERSION, type TrainedModel } from './model';

const FORMAT = 'tidemark-model';

const encodedStateSchema = z.object({
  detector: detectorIdSchema,
  stateVersion: z.number().int(),
  params: z.unknown(),
  blobs: z.record(z.string(), z.string()).optional(),
});

const encodedModelSchema = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.number().int(),
  detector: detectorIdSchema,
  params: z.record(z.string(), z.unknown()),
  intervalMs: z.number().positive(),
  period: z.number().int().positive().nullable(),
  trainedFrom: z.number(),
  trainedTo: z.number(),
  trainedPoints: z.number().int().nonnegative(),
  states: z.array(encodedStateSchema),
  calibration: z.record(z.string(), z.array(z.number())),
});

/** A trained model as bytes: UTF-8 JSON, binary blobs (model weights) in base64. */
export function encodeModel(model: TrainedModel): Uint8Array {
  const document = {
    format: FORMAT,
    ...model,
    states: model.states.map(encodeState),
  };
  return new TextEncoder().encode(JSON.stringify(document));
}

/** Reads bytes written by `encodeModel`; a clear error for anything else or a newer format. */
export function decodeModel(bytes: Uint8Array): TrainedModel {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new EngineInputError('not a Tidemark model: the bytes are not JSON');
  }
  const parsed = encodedModelSchema.safeParse(json);
  if (!parsed.success) {
    throw new EngineInputError(
      `not a Tidemark model: ${parsed.error.issues[0]?.message ?? 'unexpected layout'}`,
    );
  }
  const { format: _format, ...model } = parsed.data;
  if (model.formatVersion > MODEL_FORMAT_VERSION) {
    throw new EngineInputError(
      `the model has format version ${model.formatVersion}; this engine reads up to ${MODEL_FORMAT_VERSION}: upgrade Tidemark`,
    );
  }
  return { ...model, states: model.states.map(decodeState) } as TrainedModel;
}

function encodeState(state: DetectorState) {
  const blobs = state.blobs
    ? Object.fromEntries(
        Object.entries(state.blobs).map(([name, b]) => [name, Buffer.from(b).toString('base64')]),
      )
    : undefined;
  return { ...state, blobs };
}

function decodeState({ blobs, ...state }: z.infer<typeof encodedStateSchema>): DetectorState {
  if (!blobs) return state;
  const bytes = Object.entries(blobs).map(([name, b]) => [name, new Uint8Array(Buffer.from(b, 'base64'))]);
  return { ...state, blobs: Object.fromEntries(bytes) };
}
