import { LSTM_KERNEL_WASM } from './lstm-kernel-wasm';

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmRuntime {
  validate(binary: Uint8Array): boolean;
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WasmRuntime };

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The exports of `lstm-kernel.wat` (pointers are byte offsets into the instance's memory). */
interface KernelExports {
  memory: WasmMemory;
  forward(
    groups: number,
    steps: number,
    channels: number,
    units: number,
    wq: number,
    x: number,
    out: number,
    s: number,
    z: number,
    c: number,
    tracing: number,
    records: number,
    states: number,
  ): void;
  backward(
    groups: number,
    steps: number,
    channels: number,
    units: number,
    wb: number,
    records: number,
    states: number,
    dlast: number,
    zero: number,
    dz: number,
    dh: number,
    dc: number,
    dacc: number,
  ): void;
}

const PAGE_BYTES = 65_536;

let kernel: KernelExports | null = null;
let view: Float32Array | null = null;

/**
 * The process's one kernel instance, compiled on first use. Its memory only grows, to the largest
 * layout a call has needed, and is reused by every later call. Needs WebAssembly SIMD (Node ≥ 16.4).
 */
export function kernelInstance(): KernelExports {
  if (kernel) return kernel;
  const binary = Buffer.from(LSTM_KERNEL_WASM, 'base64');
  if (!wasm.validate(binary))
    throw new Error('tidemark lstm: this runtime lacks WebAssembly SIMD, which the LSTM kernel needs');
  kernel = new wasm.Instance(new wasm.Module(binary), {}).exports as KernelExports;
  return kernel;
}

/** The kernel's memory as f32, at least `bytes` long (grown if a call needs more than any before). */
export function kernelHeap(bytes: number): Float32Array {
  const { memory } = kernelInstance();
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / PAGE_BYTES));
  if (view?.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
  return view!;
}

/** The kernel memory's size in bytes (for tests: it must not grow call after call). */
export function kernelHeapBytes(): number {
  return kernelInstance().memory.buffer.byteLength;
}
