import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

/** Version of the LSTM detector's state layout (DetectorState.stateVersion). */
export const LSTM_STATE_VERSION = 1;

const finite = z.number().finite();

/** What scoring needs besides the weights. Everything in series units unless it says otherwise. */
export const lstmParamsSchema = z
  .object({
    /** False when fit had too little data: the detector then scores every point NaN. */
    trained: z.boolean(),
    window: z.number().int().min(1),
    channels: z.union([z.literal(1), z.literal(2)]),
    period: z.number().int().min(2).nullable(),
    units: z.number().int().min(1),
    clip: z.number().positive(),
    /** Whether forecasts are changes from the seasonal-naive forecast; states saved before it existed did not. */
    seasonalBaseline: z.boolean().default(false),
    /**
     * With `forecastRemainder`: the baseline whose remainder the model forecasts (remainder.ts);
     * null for a model of the series itself (and for states saved before it existed).
     */
    baseline: z
      .object({
        period: z.number().int().min(2).nullable(),
        seasons: z.number().int().min(1),
        levelWindow: z.number().int().min(1),
      })
      .strict()
      .nullable()
      .default(null),
    normalisation: z.object({ center: finite, scale: finite.positive() }).strict(),
    /** Held-out residual σ in normalised units (multiply by the scale for series units). */
    residualScale: finite.min(0),
    residualWindow: z.number().int().min(1),
    priorWeight: z.number().min(0),
    smoothingSpan: z.number().int().min(1),
    minSpreadFraction: z.number().min(0),
    /** States saved before it existed had none (their spread came from the median alone). */
    meanSpreadShare: z.number().min(0).default(0),
    /** The dynamic threshold's settings, or null for |residual| / spread (states saved before it). */
    threshold: z
      .object({
        history: z.number().int().min(16),
        step: z.number().int().min(1),
        pruneFraction: z.number().min(0).max(1),
        belowShare: z.number().min(0).max(1),
        mode: z.enum(['ratio', 'gate']),
      })
      .strict()
      .nullable()
      .default(null),
    predictBatchSize: z.number().int().min(1),
    /** How the fit went, for people and logs; scoring ignores it. */
    training: z
      .object({
        points: z.number().int().min(0),
        windows: z.number().int().min(0),
        epochsRun: z.number().int().min(0),
        trainLoss: z.number().nullable(),
        validationLoss: z.number().nullable(),
        backend: z.string(),
      })
      .strict(),
  })
  .strict();
export type LstmParams = z.infer<typeof lstmParamsSchema>;

/** The blobs of a trained model: tfjs's own model.json (topology + weights manifest) and weights.bin. */
export type ModelBlobs = { 'model.json': Uint8Array; 'weights.bin': Uint8Array };

/** Serialises a model through tfjs's save path (tf.io.withSaveHandler) into the two blobs. */
export async function modelToBlobs(model: tf.LayersModel): Promise<ModelBlobs> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(saved) };
    }),
  );
  const { modelTopology, weightSpecs, weightData, format, generatedBy, convertedBy } =
    artifacts as unknown as tf.io.ModelArtifacts;
  const modelJson: tf.io.ModelJSON = {
    modelTopology: modelTopology as object,
    format,
    generatedBy,
    convertedBy,
    weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs ?? [] }],
  };
  return {
    'model.json': new TextEncoder().encode(JSON.stringify(modelJson)),
    'weights.bin': new Uint8Array(joinWeightData(weightData)),
  };
}

function joinWeightData(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

/**
 * Copies the weights in the blobs into `model`, whose architecture must match: every weight is
 * matched by name and shape, so blobs from another architecture are rejected, not half-loaded.
 */
export function loadBlobsInto(model: tf.LayersModel, blobs: Record<string, Uint8Array> | undefined): void {
  const json = blobs?.['model.json'];
  const bin = blobs?.['weights.bin'];
  if (!json || !bin)
    throw new Error('lstm state: a trained model needs the model.json and weights.bin blobs');
  const manifest = (JSON.parse(new TextDecoder().decode(json)) as tf.io.ModelJSON).weightsManifest;
  const specs = manifest?.flatMap((group) => group.weights) ?? [];
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  const decoded = tf.io.decodeWeights(buffer, specs);
  try {
    const values = model.weights.map((weight) => {
      const tensor = decoded[weight.originalName];
      if (!tensor || tensor.shape.join() !== weight.shape.join()) {
        throw new Error(`lstm state: weight ${weight.originalName} is missing or has another shape`);
      }
      return tensor;
    });
    if (specs.length !== values.length) throw new Error('lstm state: weights.bin holds unexpected weights');
    model.setWeights(values);
  } finally {
    tf.dispose(Object.values(decoded));
  }
}
