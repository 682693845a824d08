import * as tf from '@tensorflow/tfjs';

type Initializer = ReturnType<typeof tf.initializers.zeros>;

import {
  type LstmDims,
  type LstmTrace,
  type LstmWeights,
  lstmBackward,
  lstmForward,
  traceFor,
} from './lstm-kernel';

export interface FusedLstmArgs {
  name: string;
  units: number;
  inputShape: [number, number];
  kernelInitializer: Initializer;
  recurrentInitializer: Initializer;
}

/**
 * A TensorFlow.js layer computing `tf.layers.lstm({ units })` with its defaults (last output only)
 * through the fused WebAssembly SIMD loops of `lstm-kernel.ts`. Its weights have the same names, shapes and
 * initialisers, so a model built with it trains with tfjs's optimisers and saves and loads
 * through tfjs's weight format like one built with `tf.layers.lstm`.
 */
export class FusedLstm extends tf.layers.Layer {
  static readonly className = 'TidemarkFusedLstm';
  private readonly units: number;
  private readonly kernelInitializer: Initializer;
  private readonly recurrentInitializer: Initializer;
  private kernel: tf.LayerVariable | null = null;
  private recurrentKernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  /** The last backward pass's trace, for the next batch's forward pass to reuse. */
  private spareTrace: LstmTrace | null = null;

  constructor(args: FusedLstmArgs) {
    super({ name: args.name, inputShape: args.inputShape });
    this.units = args.units;
    this.kernelInitializer = args.kernelInitializer;
    this.recurrentInitializer = args.recurrentInitializer;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1] as number;
    const width = 4 * this.units;
    this.kernel = this.addWeight('kernel', [channels, width], 'float32', this.kernelInitializer);
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [this.units, width],
      'float32',
      this.recurrentInitializer,
    );
    this.bias = this.addWeight('bias', [width], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    const kernel = this.kernel!.read();
    const recurrent = this.recurrentKernel!.read();
    const bias = this.bias!.read();
    if (!kwargs.training)
      return tf.tensor2d(this.forward(x, kernel, recurrent, bias), [x.shape[0], this.units]);
    return this.trainingOp()(x, kernel, recurrent, bias);
  }

  /** The layer's weights as the kernel reads them (copies out of the backend). */
  kernelWeights(): LstmWeights {
    return readWeights(this.kernel!.read(), this.recurrentKernel!.read(), this.bias!.read());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }

  private forward(x: tf.Tensor, kernel: tf.Tensor, recurrent: tf.Tensor, bias: tf.Tensor) {
    return lstmForward(
      x.dataSync() as Float32Array,
      readWeights(kernel, recurrent, bias),
      dimsOf(x, this.units),
    );
  }

  /** The forward pass as a tfjs op whose gradient is the kernel's backward pass. */
  private trainingOp() {
    return tf.customGrad((...args) => {
      const [x, kernel, recurrent, bias] = args as tf.Tensor[];
      const weights = readWeights(kernel!, recurrent!, bias!);
      const dims = dimsOf(x!, this.units);
      const inputs = x!.dataSync() as Float32Array;
      const trace = traceFor(dims, this.spareTrace);
      this.spareTrace = null;
      const last = lstmForward(inputs, weights, dims, trace);
      return {
        value: tf.tensor2d(last, [dims.batch, this.units]),
        gradFunc: (dy: tf.Tensor) => {
          const gradients = lstmBackward(trace, weights, dy.dataSync() as Float32Array);
          this.spareTrace = trace;
          return [
            tf.zerosLike(x!),
            tf.tensor(gradients.kernel, kernel!.shape),
            tf.tensor(gradients.recurrentKernel, recurrent!.shape),
            tf.tensor(gradients.bias, bias!.shape),
          ];
        },
      };
    });
  }
}
tf.serialization.registerClass(FusedLstm);

/**
 * For a model made of a FusedLstm and a one-unit dense head (the forecaster), a function that
 * predicts windows [count, steps, channels] straight through the kernel, without tensors: the same
 * numbers as `model.predict`, without the cost of moving every batch in and out of the backend.
 * Null for any other model.
 */
export function directForecast(
  model: tf.LayersModel,
): ((xs: Float32Array, count: number, steps: number, channels: number) => Float32Array) | null {
  const [lstm, head, ...rest] = model.layers;
  if (!(lstm instanceof FusedLstm) || head?.getClassName() !== 'Dense' || rest.length > 0) return null;
  const [kernel, bias] = head.getWeights();
  if (kernel?.shape[1] !== 1 || !bias) return null;
  const weights = lstm.kernelWeights();
  const headKernel = kernel.dataSync() as Float32Array;
  const headBias = bias.dataSync()[0]!;
  return (xs, count, steps, channels) => {
    const units = headKernel.length;
    const last = lstmForward(xs, weights, { batch: count, steps, channels, units });
    const out = new Float32Array(count);
    for (let b = 0; b < count; b++) {
      let sum = headBias;
      for (let u = 0; u < units; u++) sum += last[b * units + u]! * headKernel[u]!;
      out[b] = sum;
    }
    return out;
  };
}

function readWeights(kernel: tf.Tensor, recurrent: tf.Tensor, bias: tf.Tensor): LstmWeights {
  return {
    kernel: kernel.dataSync() as Float32Array,
    recurrentKernel: recurrent.dataSync() as Float32Array,
    bias: bias.dataSync() as Float32Array,
  };
}

function dimsOf(x: tf.Tensor, units: number): LstmDims {
  const [batch, steps, channels] = x.shape as [number, number, number];
  return { batch, steps, channels, units };
}
