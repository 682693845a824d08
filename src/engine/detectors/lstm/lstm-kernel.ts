/**
 * The LSTM layer's arithmetic in plain typed-array loops: a forward pass over whole sequences that
 * returns the last hidden state, and its backward pass (backpropagation through time).
 *
 * It computes exactly what TensorFlow.js's `tf.layers.lstm` computes with its defaults (gates in
 * the order input, forget, cell, output; hard-sigmoid gates, tanh cell; zero initial state), so the
 * weights keep tfjs's layout and names. One fused loop per sequence replaces the hundreds of small
 * tensor operations tfjs runs per batch, whose per-operation overhead dominated training and
 * prediction time for a model this small (see docs/benchmarks.md).
 */

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
 * What the backward pass needs from the forward pass: the gate activations and cell states. The
 * rest (activation slopes, tanh of the cells, hidden states) is recomputed from them, which costs
 * less than the memory traffic of storing it.
 */
export interface LstmTrace {
  dims: LstmDims;
  inputs: Float32Array;
  /** Gate activations per (sample, step): [batch, steps, 4·units]. */
  gates: Float64Array;
  /** Cell states [batch, steps + 1, units], the zero initial state first. */
  cells: Float64Array;
}

export interface LstmGradients {
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array;
}

const HARD_SIGMOID_SLOPE = 0.2;

/** Samples computed together, so each weight read from memory serves this many products. */
const LANES = 4;

/**
 * A trace for `dims`, reusing `spare`'s memory when it is large enough (training runs batch after
 * batch of one shape, and allocating a trace per batch kept the garbage collector busy).
 */
export function traceFor(dims: LstmDims, inputs: Float32Array, spare: LstmTrace | null = null): LstmTrace {
  const { batch, steps, units } = dims;
  const gates = batch * steps * 4 * units;
  const cells = batch * (steps + 1) * units;
  if (spare && spare.gates.length >= gates && spare.cells.length >= cells && spare.dims.steps === steps) {
    return { dims, inputs, gates: spare.gates, cells: spare.cells };
  }
  return { dims, inputs, gates: new Float64Array(gates), cells: new Float64Array(cells) };
}

/**
 * The last hidden state [batch, units] of each sequence in `inputs` ([batch, steps, channels]).
 * With a `trace` (from `traceFor` with the same dims and inputs), also records in it what
 * `lstmBackward` needs.
 */
export function lstmForward(
  inputs: Float32Array,
  weights: LstmWeights,
  dims: LstmDims,
  trace: LstmTrace | null = null,
): Float32Array {
  const { batch, steps, channels, units } = dims;
  const width = 4 * units;
  const depth = channels + units;
  const joined = joinedTransposed(weights, channels, units);
  const bias = Float64Array.from(weights.bias);
  const last = new Float32Array(batch * units);
  // per lane: the step's input [x_t, h_(t−1)], its pre-activations, and the cell state
  const step = new Float64Array(LANES * depth);
  const z = new Float64Array(LANES * width);
  const cell = new Float64Array(LANES * units);
  for (let first = 0; first < batch; first += LANES) {
    const lanes = Math.min(LANES, batch - first);
    step.fill(0);
    cell.fill(0);
    for (let l = 0; l < lanes; l++)
      trace?.cells.fill(0, (first + l) * (steps + 1) * units, ((first + l) * (steps + 1) + 1) * units);
    for (let t = 0; t < steps; t++) {
      for (let l = 0; l < lanes; l++) {
        const x = ((first + l) * steps + t) * channels;
        for (let k = 0; k < channels; k++) step[l * depth + k] = inputs[x + k]!;
      }
      preActivations(joined, bias, step, z, width, depth);
      for (let l = 0; l < lanes; l++) {
        const b = first + l;
        const at = (b * steps + t) * width;
        const zl = l * width;
        for (let u = 0; u < units; u++) {
          const input = hardSigmoid(z[zl + u]!);
          const forget = hardSigmoid(z[zl + units + u]!);
          const candidate = tanh(z[zl + 2 * units + u]!);
          const output = hardSigmoid(z[zl + 3 * units + u]!);
          const c = forget * cell[l * units + u]! + input * candidate;
          const cellTanh = tanh(c);
          cell[l * units + u] = c;
          step[l * depth + channels + u] = output * cellTanh;
          if (!trace) continue;
          trace.gates[at + u] = input;
          trace.gates[at + units + u] = forget;
          trace.gates[at + 2 * units + u] = candidate;
          trace.gates[at + 3 * units + u] = output;
        }
        trace?.cells.set(cell.subarray(l * units, (l + 1) * units), (b * (steps + 1) + t + 1) * units);
      }
    }
    for (let l = 0; l < lanes; l++) {
      for (let u = 0; u < units; u++) last[(first + l) * units + u] = step[l * depth + channels + u]!;
    }
  }
  return last;
}

/**
 * z[l, j] = bias[j] + Σ_k step[l, k]·joined[j, k] for the four lanes, two rows j at a time, so each
 * value read serves several products (`width` is even: 4·units).
 */
function preActivations(
  joined: Float64Array,
  bias: Float64Array,
  step: Float64Array,
  z: Float64Array,
  width: number,
  depth: number,
): void {
  const d2 = 2 * depth;
  const d3 = 3 * depth;
  for (let j = 0; j < width; j += 2) {
    const row = j * depth;
    const next = row + depth;
    let a0 = bias[j]!;
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let b0 = bias[j + 1]!;
    let b1 = b0;
    let b2 = b0;
    let b3 = b0;
    for (let k = 0; k < depth; k++) {
      const w = joined[row + k]!;
      const v = joined[next + k]!;
      const s0 = step[k]!;
      const s1 = step[depth + k]!;
      const s2 = step[d2 + k]!;
      const s3 = step[d3 + k]!;
      a0 += s0 * w;
      a1 += s1 * w;
      a2 += s2 * w;
      a3 += s3 * w;
      b0 += s0 * v;
      b1 += s1 * v;
      b2 += s2 * v;
      b3 += s3 * v;
    }
    z[j] = a0;
    z[width + j] = a1;
    z[2 * width + j] = a2;
    z[3 * width + j] = a3;
    z[j + 1] = b0;
    z[width + j + 1] = b1;
    z[2 * width + j + 1] = b2;
    z[3 * width + j + 1] = b3;
  }
}

/** The kernel and recurrent kernel as one [4·units, channels + units] matrix, rows contiguous. */
function joinedTransposed(weights: LstmWeights, channels: number, units: number): Float64Array {
  const width = 4 * units;
  const depth = channels + units;
  const joined = new Float64Array(width * depth);
  for (let j = 0; j < width; j++) {
    for (let k = 0; k < channels; k++) joined[j * depth + k] = weights.kernel[k * width + j]!;
    for (let k = 0; k < units; k++)
      joined[j * depth + channels + k] = weights.recurrentKernel[k * width + j]!;
  }
  return joined;
}

/**
 * Gradients of a loss with respect to the weights, given its gradient `dLast` with respect to the
 * last hidden states [batch, units]. The inputs are data, so their gradient is not computed.
 */
export function lstmBackward(trace: LstmTrace, weights: LstmWeights, dLast: Float32Array): LstmGradients {
  const { batch, steps, channels, units } = trace.dims;
  const width = 4 * units;
  const recurrent = Float64Array.from(weights.recurrentKernel);
  const dKernel = new Float64Array(channels * width);
  const dRecurrent = new Float64Array(units * width);
  const dBias = new Float64Array(width);
  const { gates, cells, inputs } = trace;
  // per lane: gradients of the pre-activations, hidden and cell state; tanh of the cell state at
  // the step and the hidden state before it
  const dz = new Float64Array(LANES * width);
  const dh = new Float64Array(LANES * units);
  const dc = new Float64Array(LANES * units);
  const cellTanh = new Float64Array(LANES * units);
  const h = new Float64Array(LANES * units);
  for (let first = 0; first < batch; first += LANES) {
    const lanes = Math.min(LANES, batch - first);
    dz.fill(0);
    dh.fill(0);
    dc.fill(0);
    h.fill(0);
    for (let l = 0; l < lanes; l++) {
      const lastCell = ((first + l) * (steps + 1) + steps) * units;
      for (let u = 0; u < units; u++) {
        dh[l * units + u] = dLast[(first + l) * units + u]!;
        cellTanh[l * units + u] = tanh(cells[lastCell + u]!);
      }
    }
    for (let t = steps - 1; t >= 0; t--) {
      for (let l = 0; l < lanes; l++) {
        const b = first + l;
        const at = (b * steps + t) * width;
        const before = (b * steps + t - 1) * width;
        const previous = (b * (steps + 1) + t) * units;
        const zl = l * width;
        const ul = l * units;
        for (let u = 0; u < units; u++) {
          const tc = cellTanh[ul + u]!;
          const input = gates[at + u]!;
          const forget = gates[at + units + u]!;
          const candidate = gates[at + 2 * units + u]!;
          const output = gates[at + 3 * units + u]!;
          const cellBefore = cells[previous + u]!;
          const cellGrad = dc[ul + u]! + dh[ul + u]! * output * (1 - tc * tc);
          dz[zl + u] = cellGrad * candidate * hardSigmoidSlope(input);
          dz[zl + units + u] = cellGrad * cellBefore * hardSigmoidSlope(forget);
          dz[zl + 2 * units + u] = cellGrad * input * (1 - candidate * candidate);
          dz[zl + 3 * units + u] = dh[ul + u]! * tc * hardSigmoidSlope(output);
          dc[ul + u] = cellGrad * forget;
          const tanhBefore = t > 0 ? tanh(cellBefore) : 0;
          cellTanh[ul + u] = tanhBefore;
          h[ul + u] = t > 0 ? gates[before + 3 * units + u]! * tanhBefore : 0;
        }
        for (let j = 0; j < width; j++) dBias[j] = dBias[j]! + dz[zl + j]!;
        const x = (b * steps + t) * channels;
        for (let k = 0; k < channels; k++) {
          const v = inputs[x + k]!;
          const row = k * width;
          for (let j = 0; j < width; j++) dKernel[row + j] = dKernel[row + j]! + v * dz[zl + j]!;
        }
      }
      recurrentGradients(recurrent, dRecurrent, h, dz, dh, units, width);
    }
  }
  return {
    kernel: Float32Array.from(dKernel),
    recurrentKernel: Float32Array.from(dRecurrent),
    bias: Float32Array.from(dBias),
  };
}

/**
 * For the four lanes at once: dRecurrent[k, j] += Σ_l h[l, k]·dz[l, j], and the gradient of the
 * previous hidden state dh[l, k] = Σ_j recurrent[k, j]·dz[l, j]. Unused lanes hold zeros.
 */
function recurrentGradients(
  recurrent: Float64Array,
  dRecurrent: Float64Array,
  h: Float64Array,
  dz: Float64Array,
  dh: Float64Array,
  units: number,
  width: number,
): void {
  for (let k = 0; k < units; k++) {
    const row = k * width;
    const h0 = h[k]!;
    const h1 = h[units + k]!;
    const h2 = h[2 * units + k]!;
    const h3 = h[3 * units + k]!;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let b3 = 0;
    for (let j = 0; j < width; j++) {
      const d0 = dz[j]!;
      const d1 = dz[width + j]!;
      const d2 = dz[2 * width + j]!;
      const d3 = dz[3 * width + j]!;
      dRecurrent[row + j] = dRecurrent[row + j]! + h0 * d0 + h1 * d1 + h2 * d2 + h3 * d3;
      const r = recurrent[row + j]!;
      b0 += r * d0;
      b1 += r * d1;
      b2 += r * d2;
      b3 += r * d3;
    }
    dh[k] = b0;
    dh[units + k] = b1;
    dh[2 * units + k] = b2;
    dh[3 * units + k] = b3;
  }
}

/**
 * tanh as x·p(x²)/q(x²) with the coefficients of the float rational approximation Eigen and
 * XNNPACK use, within 3e-7 of Math.tanh over the whole line: far inside float32 weights' precision, and several times cheaper than the
 * library call, which dominated prediction time.
 */
function tanh(x: number): number {
  if (x > TANH_SATURATION) return 1;
  if (x < -TANH_SATURATION) return -1;
  const x2 = x * x;
  let p = -2.76076847742355e-16;
  p = p * x2 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = 1.19825839466702e-6;
  q = q * x2 + 1.18534705686654e-4;
  q = q * x2 + 2.268434632439e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (x * p) / q;
}
const TANH_SATURATION = 7.905311107635498;

function hardSigmoid(x: number): number {
  const y = HARD_SIGMOID_SLOPE * x + 0.5;
  return y <= 0 ? 0 : y >= 1 ? 1 : y;
}

/**
 * The hard sigmoid's slope, from its value: 0.2 inside (0, 1), 0 where it is clipped. (tfjs also
 * passes the gradient at exactly 0.2·x + 0.5 ∈ {0, 1}, a set of measure zero.)
 */
function hardSigmoidSlope(value: number): number {
  return value > 0 && value < 1 ? HARD_SIGMOID_SLOPE : 0;
}
