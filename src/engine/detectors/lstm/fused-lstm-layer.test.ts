import * as tf from '@tensorflow/tfjs';
import { ensureTfBackend } from './backend';
import { directForecast, FusedLstm } from './fused-lstm-layer';

beforeAll(async () => {
  await ensureTfBackend();
});

/** LSTM(units) → Dense(1), with tfjs's own LSTM layer or the fused one, sharing initialisers. */
function forecaster(fused: boolean, steps: number, channels: number, units: number): tf.Sequential {
  const model = tf.sequential();
  const args = {
    name: 'lstm',
    units,
    inputShape: [steps, channels] as [number, number],
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }),
  };
  model.add(fused ? new FusedLstm(args) : tf.layers.lstm(args));
  model.add(tf.layers.dense({ name: 'forecast', units: 1 }));
  return model;
}

/** Both models with the same weights: tfjs's initial ones shifted by seeded noise, bias included. */
function twins(steps: number, channels: number, units: number): [tf.Sequential, tf.Sequential] {
  const reference = forecaster(false, steps, channels, units);
  const fused = forecaster(true, steps, channels, units);
  const weights = reference.getWeights().map((w, k) => w.add(tf.randomNormal(w.shape, 0, 0.4, 'float32', k)));
  reference.setWeights(weights);
  fused.setWeights(weights);
  tf.dispose(weights);
  return [reference, fused];
}

function largestDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

function weightGradients(model: tf.Sequential, xs: tf.Tensor, ys: tf.Tensor): tf.Tensor[] {
  const { value, grads } = tf.variableGrads(
    () => tf.losses.huberLoss(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
    model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
  );
  value.dispose();
  return model.trainableWeights.map((w) => grads[(w as unknown as { val: tf.Variable }).val.name]!);
}

describe('FusedLstm', () => {
  it.each([
    { batch: 37, steps: 12, channels: 2, units: 16 },
    { batch: 5, steps: 32, channels: 1, units: 3 },
    // more sequences than one kernel call takes (256), the last group of four not full
    { batch: 603, steps: 7, channels: 2, units: 5 },
  ])(
    'predicts what tf.layers.lstm predicts with the same weights ($batch × $steps × $channels, $units units)',
    ({ batch, steps, channels, units }) => {
      const [reference, fused] = twins(steps, channels, units);
      const xs = tf.randomNormal([batch, steps, channels], 0, 2, 'float32', 9);
      const expected = reference.predict(xs) as tf.Tensor;
      const actual = fused.predict(xs) as tf.Tensor;
      expect(actual.shape).toEqual([batch, 1]);
      expect(largestDifference(actual, expected)).toBeLessThan(1e-5);
      tf.dispose([xs, expected, actual]);
      reference.dispose();
      fused.dispose();
    },
  );

  it('forecasts straight through the kernel what model.predict gives, and only for the forecaster', () => {
    const [reference, fused] = twins(9, 2, 5);
    const xs = tf.randomNormal([11, 9, 2], 0, 2, 'float32', 8);
    const expected = (fused.predict(xs) as tf.Tensor).dataSync();
    const direct = directForecast(fused);
    expect(direct).not.toBeNull();
    const actual = direct!(xs.dataSync() as Float32Array, 11, 9, 2);
    expect(actual).toHaveLength(11);
    actual.forEach((value, k) => {
      expect(value).toBeCloseTo(expected[k]!, 5);
    });
    expect(directForecast(reference)).toBeNull();
    tf.dispose(xs);
    reference.dispose();
    fused.dispose();
  });

  it.each([
    { batch: 7, steps: 10, channels: 2, units: 6 },
    { batch: 301, steps: 6, channels: 1, units: 4 },
  ])(
    'has the gradients tf.layers.lstm has, for every weight ($batch × $steps × $channels, $units units)',
    ({ batch, steps, channels, units }) => {
      const [reference, fused] = twins(steps, channels, units);
      const xs = tf.randomNormal([batch, steps, channels], 0, 2, 'float32', 3);
      const ys = tf.randomNormal([batch, 1], 0, 1, 'float32', 4);
      const expected = weightGradients(reference, xs, ys);
      const actual = weightGradients(fused, xs, ys);
      expect(fused.trainableWeights.map((w) => w.originalName)).toEqual(
        reference.trainableWeights.map((w) => w.originalName),
      );
      expected.forEach((gradient, k) => {
        const scale = tf.tidy(() => tf.max(tf.abs(gradient)).dataSync()[0]!);
        expect(scale).toBeGreaterThan(0);
        expect(largestDifference(actual[k]!, gradient)).toBeLessThan(1e-4 * scale + 1e-7);
      });
      tf.dispose([xs, ys, ...expected, ...actual]);
      reference.dispose();
      fused.dispose();
    },
  );

  it('trains and predicts without leaving tensors behind', async () => {
    const model = forecaster(true, 8, 2, 4);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const xs = tf.randomNormal([16, 8, 2], 0, 1, 'float32', 5);
    const ys = tf.randomNormal([16, 1], 0, 1, 'float32', 6);
    await model.trainOnBatch(xs, ys);
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let k = 0; k < 5; k++) losses.push((await model.trainOnBatch(xs, ys)) as number);
    tf.dispose(model.predict(xs) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[4]!).toBeLessThan(losses[0]!);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
