import * as tf from '@tensorflow/tfjs';
import { directForecast, FusedLstm } from './fused-lstm-layer';

export interface ModelShape {
  window: number;
  channels: number;
  units: number;
}

/**
 * The forecaster: input [batch, W, channels] → LSTM(units) → Dense(1) → output [batch, 1], the
 * normalised change from the last known value. Initialisers are seeded, so the same seed builds the
 * same weights. Names are fixed: saved weights are matched by name, and a saved model.json is
 * the same bytes whichever models were built before it.
 */
export function buildForecaster(shape: ModelShape, seed: number): tf.Sequential {
  const model = tf.sequential({ name: 'forecaster' });
  model.add(
    new FusedLstm({
      name: 'lstm',
      units: shape.units,
      inputShape: [shape.window, shape.channels],
      kernelInitializer: tf.initializers.glorotUniform({ seed: derivedSeed(seed, 1) }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: derivedSeed(seed, 2) }),
    }),
  );
  model.add(
    tf.layers.dense({
      name: 'forecast',
      units: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: derivedSeed(seed, 3) }),
    }),
  );
  return model;
}

/** A distinct, reproducible seed per initialiser (tfjs seeds are plain numbers). */
function derivedSeed(seed: number, salt: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 31) + salt * 0x85ebca6b) >>> 0;
}

/**
 * Forecasts for `count` windows laid out as [count, W, channels] in `xs`: [count] normalised
 * changes. The forecaster runs straight through its kernel; any other model is predicted in
 * batches of `batchSize` inside one tidy, so no tensor outlives the call.
 */
export function predictWindows(
  model: tf.LayersModel,
  xs: Float32Array,
  count: number,
  shape: ModelShape,
  batchSize: number,
): Float32Array {
  if (count === 0) return new Float32Array(0);
  const direct = directForecast(model);
  if (direct)
    return direct(xs.subarray(0, count * shape.window * shape.channels), count, shape.window, shape.channels);
  return tf.tidy(() => {
    const input = tf.tensor3d(xs.subarray(0, count * shape.window * shape.channels), [
      count,
      shape.window,
      shape.channels,
    ]);
    const output = model.predict(input, { batchSize }) as tf.Tensor;
    return output.dataSync() as Float32Array;
  });
}
