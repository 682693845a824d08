import { type LstmDims, type LstmWeights, lstmBackward, lstmForward, traceFor } from './lstm-kernel';
import { kernelHeapBytes } from './lstm-kernel-instance';

/** Seeded uniform values in [−scale, scale). */
function values(length: number, seed: number, scale: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * scale;
  });
}

function weightsFor({ channels, units }: LstmDims, seed: number): LstmWeights {
  return {
    kernel: values(channels * 4 * units, seed, 0.6),
    recurrentKernel: values(units * 4 * units, seed + 1, 0.6),
    bias: values(4 * units, seed + 2, 0.3),
  };
}

/** Forward with a trace, then backward for dLast = 1 everywhere. */
function pass(dims: LstmDims, seed: number) {
  const inputs = values(dims.batch * dims.steps * dims.channels, seed, 2);
  const weights = weightsFor(dims, seed + 10);
  const trace = traceFor(dims);
  const last = lstmForward(inputs, weights, dims, trace);
  const gradients = lstmBackward(trace, weights, new Float32Array(dims.batch * dims.units).fill(1));
  return { last, gradients };
}

const TRAINING: LstmDims = { batch: 64, steps: 32, channels: 2, units: 16 };
const OTHER: LstmDims = { batch: 300, steps: 9, channels: 1, units: 7 };

describe('lstm kernel', () => {
  it('gives bit-identical results run to run, whatever ran in between', () => {
    const first = pass(TRAINING, 1);
    pass(OTHER, 2);
    const again = pass(TRAINING, 1);
    expect(Buffer.from(again.last.buffer)).toEqual(Buffer.from(first.last.buffer));
    for (const name of ['kernel', 'recurrentKernel', 'bias'] as const) {
      expect(Buffer.from(again.gradients[name].buffer)).toEqual(Buffer.from(first.gradients[name].buffer));
    }
    expect(first.last.some((value) => value !== 0)).toBe(true);
  });

  it('predicts each sequence independently of the others in its batch', () => {
    const dims: LstmDims = { batch: 263, steps: 5, channels: 2, units: 6 };
    const inputs = values(dims.batch * dims.steps * dims.channels, 3, 2);
    const weights = weightsFor(dims, 4);
    const all = lstmForward(inputs, weights, dims);
    for (const b of [0, 3, 4, 255, 256, 262]) {
      const one = lstmForward(inputs.subarray(b * 10, (b + 1) * 10), weights, { ...dims, batch: 1 });
      expect(Array.from(one)).toEqual(Array.from(all.subarray(b * 6, (b + 1) * 6)));
    }
  });

  it('reuses its memory: calls of a shape already seen, or of more sequences, do not grow it', () => {
    const predict = (batch: number) =>
      lstmForward(values(batch * 64, 6, 2), weightsFor(TRAINING, 7), { ...TRAINING, batch });
    pass(TRAINING, 5);
    predict(1_000);
    const bytes = kernelHeapBytes();
    for (let k = 0; k < 30; k++) pass(TRAINING, 8 + k);
    predict(40_000);
    expect(kernelHeapBytes()).toBe(bytes);
  });
});
