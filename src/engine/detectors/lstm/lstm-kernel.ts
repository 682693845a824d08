/**
 * The LSTM layer's arithmetic: a forward pass over whole sequences that returns the last hidden
 * state, and its backward pass (backpropagation through time), in WebAssembly SIMD
 * (`lstm-kernel.wat`, four sequences per f32x4 vector). This file lays out the kernel's memory,
 * packs the weights and copies sequences in and out, a chunk of sequences at a time so the kernel's
 * memory stays small and is reused call after call.
 *
 * It computes what TensorFlow.js's `tf.layers.lstm` computes with its defaults (gates in the order
 * input, forget, cell, output; hard-sigmoid gates, tanh cell; zero initial state), in float32 as
 * tfjs does, so the weights keep tfjs's layout and names. One fused loop per sequence replaces the
 * hundreds of small tensor operations tfjs runs per batch, whose per-operation overhead dominated
 * training and prediction time for a model this small (see docs/benchmarks.md).
 */
import { kernelHeap, kernelInstance } from './lstm-kernel-instance';

export interface LstmDims {
  batch: number;
  steps: number;
  channels: number;
  units: number;
}

export interface LstmWeights {
  /** [channels, 4·units], row-major. */
  kernel: Float32Array;
  /** [units, 4·units], row-major. */
  recurrentKernel: Float32Array;
  /** [4·units]. */
  bias: Float32Array;
}

/**
 * What the backward pass needs from the forward pass, in the kernel's layout (groups of four
 * sequences, one vector lane each): per (group, step) the gates, cell state and its tanh
 * (`records`) and the step's input [x_t, h_(t−1), 1] (`states`).
 */
export interface LstmTrace {
  dims: LstmDims;
  records: Float32Array;
  states: Float32Array;
}

export interface LstmGradients {
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array;
}

/** Sequences per vector. */
const LANES = 4;
/** Groups of four sequences per kernel call: bounds the kernel's memory whatever the batch. */
const CHUNK_GROUPS = 64;
const VECTOR = 4; // floats per vector

/** Float offsets into the kernel's memory for one shape of call. */
interface Layout {
  chunkGroups: number;
  depth1: number;
  recordFloats: number;
  stateFloats: number;
  wq: number;
  wb: number;
  x: number;
  out: number;
  s: number;
  z: number;
  c: number;
  records: number;
  states: number;
  zero: number;
  dz: number;
  dh: number;
  dc: number;
  dacc: number;
  floats: number;
}

function layoutFor({ batch, steps, channels, units }: LstmDims): Layout {
  const chunkGroups = Math.min(CHUNK_GROUPS, Math.ceil(batch / LANES));
  const depth1 = channels + units + 1;
  const width = 4 * units;
  const units4 = Math.ceil(units / 4) * 4;
  const recordFloats = steps * 6 * units * VECTOR;
  const stateFloats = steps * depth1 * VECTOR;
  let at = VECTOR; // offset 0 left unused
  const take = (floats: number) => {
    const start = at;
    at += Math.ceil(floats / VECTOR) * VECTOR;
    return start;
  };
  return {
    chunkGroups,
    depth1,
    recordFloats,
    stateFloats,
    wq: take(width * depth1),
    wb: take(units4 * width),
    x: take(chunkGroups * LANES * steps * channels),
    out: take(chunkGroups * LANES * units),
    s: take(depth1 * VECTOR),
    z: take(width * VECTOR),
    c: take(units * VECTOR),
    records: take(chunkGroups * recordFloats),
    states: take(chunkGroups * stateFloats),
    zero: take(6 * units * VECTOR),
    dz: take(steps * width * VECTOR),
    dh: take(units4 * VECTOR),
    dc: take(units * VECTOR),
    dacc: take(width * depth1 * VECTOR),
    floats: at,
  };
}

/** A trace for `dims`, reusing `spare`'s memory when it is large enough (training runs batch after batch of one shape). */
export function traceFor(dims: LstmDims, spare: LstmTrace | null = null): LstmTrace {
  const { recordFloats, stateFloats } = layoutFor(dims);
  const groups = Math.ceil(dims.batch / LANES);
  const records = groups * recordFloats;
  const states = groups * stateFloats;
  if (spare && spare.records.length >= records && spare.states.length >= states) {
    return { dims, records: spare.records, states: spare.states };
  }
  return { dims, records: new Float32Array(records), states: new Float32Array(states) };
}

/**
 * The last hidden state [batch, units] of each sequence in `inputs` ([batch, steps, channels]).
 * With a `trace` (from `traceFor` with the same dims), also records in it what `lstmBackward` needs.
 */
export function lstmForward(
  inputs: Float32Array,
  weights: LstmWeights,
  dims: LstmDims,
  trace: LstmTrace | null = null,
): Float32Array {
  const { batch, steps, channels, units } = dims;
  const layout = layoutFor(dims);
  const heap = kernelHeap(layout.floats * 4);
  const kernel = kernelInstance();
  packForwardWeights(heap, layout.wq, weights, channels, units);
  const last = new Float32Array(batch * units);
  const sequenceFloats = steps * channels;
  for (let first = 0; first < batch; first += layout.chunkGroups * LANES) {
    const count = Math.min(layout.chunkGroups * LANES, batch - first);
    const groups = Math.ceil(count / LANES);
    heap.set(inputs.subarray(first * sequenceFloats, (first + count) * sequenceFloats), layout.x);
    heap.fill(0, layout.x + count * sequenceFloats, layout.x + groups * LANES * sequenceFloats);
    kernel.forward(
      groups,
      steps,
      channels,
      units,
      layout.wq * 4,
      layout.x * 4,
      layout.out * 4,
      layout.s * 4,
      layout.z * 4,
      layout.c * 4,
      trace ? 1 : 0,
      layout.records * 4,
      layout.states * 4,
    );
    last.set(heap.subarray(layout.out, layout.out + count * units), first * units);
    if (!trace) continue;
    const group = first / LANES;
    trace.records.set(
      heap.subarray(layout.records, layout.records + groups * layout.recordFloats),
      group * layout.recordFloats,
    );
    trace.states.set(
      heap.subarray(layout.states, layout.states + groups * layout.stateFloats),
      group * layout.stateFloats,
    );
  }
  return last;
}

/**
 * Gradients of a loss with respect to the weights, given its gradient `dLast` with respect to the
 * last hidden states [batch, units]. The inputs are data, so their gradient is not computed.
 */
export function lstmBackward(trace: LstmTrace, weights: LstmWeights, dLast: Float32Array): LstmGradients {
  const { batch, steps, channels, units } = trace.dims;
  const layout = layoutFor(trace.dims);
  const heap = kernelHeap(layout.floats * 4);
  const kernel = kernelInstance();
  const width = 4 * units;
  packRecurrentWeights(heap, layout.wb, weights.recurrentKernel, units);
  heap.fill(0, layout.dacc, layout.dacc + width * layout.depth1 * VECTOR);
  heap.fill(0, layout.zero, layout.zero + 6 * units * VECTOR);
  for (let first = 0; first < batch; first += layout.chunkGroups * LANES) {
    const count = Math.min(layout.chunkGroups * LANES, batch - first);
    const groups = Math.ceil(count / LANES);
    const group = first / LANES;
    heap.set(
      trace.records.subarray(group * layout.recordFloats, (group + groups) * layout.recordFloats),
      layout.records,
    );
    heap.set(
      trace.states.subarray(group * layout.stateFloats, (group + groups) * layout.stateFloats),
      layout.states,
    );
    heap.set(dLast.subarray(first * units, (first + count) * units), layout.out);
    heap.fill(0, layout.out + count * units, layout.out + groups * LANES * units);
    kernel.backward(
      groups,
      steps,
      channels,
      units,
      layout.wb * 4,
      layout.records * 4,
      layout.states * 4,
      layout.out * 4,
      layout.zero * 4,
      layout.dz * 4,
      layout.dh * 4,
      layout.dc * 4,
      layout.dacc * 4,
    );
  }
  return gradientsFrom(heap, layout, channels, units);
}

/** wq[tile, k, i] = the weight of gate row 4·tile + i for column k (kernel, recurrent kernel, bias). */
function packForwardWeights(
  heap: Float32Array,
  at: number,
  { kernel, recurrentKernel, bias }: LstmWeights,
  channels: number,
  units: number,
): void {
  const width = 4 * units;
  let p = at;
  for (let tile = 0; tile < units; tile++) {
    for (let k = 0; k <= channels + units; k++) {
      for (let i = 0; i < 4; i++) {
        const j = 4 * tile + i;
        heap[p++] =
          k < channels
            ? kernel[k * width + j]!
            : k < channels + units
              ? recurrentKernel[(k - channels) * width + j]!
              : bias[j]!;
      }
    }
  }
}

/** wb[tile, j, i] = recurrentKernel[4·tile + i, j], zero for units past the last. */
function packRecurrentWeights(
  heap: Float32Array,
  at: number,
  recurrentKernel: Float32Array,
  units: number,
): void {
  const width = 4 * units;
  let p = at;
  for (let tile = 0; tile < units; tile += 4) {
    for (let j = 0; j < width; j++) {
      for (let i = 0; i < 4; i++) heap[p++] = tile + i < units ? recurrentKernel[(tile + i) * width + j]! : 0;
    }
  }
}

/** The accumulated (gate row, column) vectors, lanes summed, in tfjs's weight layouts. */
function gradientsFrom(heap: Float32Array, layout: Layout, channels: number, units: number): LstmGradients {
  const width = 4 * units;
  const kernel = new Float32Array(channels * width);
  const recurrentKernel = new Float32Array(units * width);
  const bias = new Float32Array(width);
  for (let j = 0; j < width; j++) {
    for (let k = 0; k < layout.depth1; k++) {
      const p = layout.dacc + (j * layout.depth1 + k) * VECTOR;
      const sum = heap[p]! + heap[p + 1]! + heap[p + 2]! + heap[p + 3]!;
      if (k < channels) kernel[k * width + j] = sum;
      else if (k < channels + units) recurrentKernel[(k - channels) * width + j] = sum;
      else bias[j] = sum;
    }
  }
  return { kernel, recurrentKernel, bias };
}
