import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type TfBackendName = 'wasm' | 'cpu';

let initialising: Promise<TfBackendName> | null = null;
let ready: TfBackendName | null = null;

/**
 * Initialises TensorFlow.js once per process: the wasm backend (SIMD, no threads: tfjs has no
 * thread support in Node) with its .wasm files read from the installed package, falling back to
 * the pure-JS cpu backend (6–40× slower) with a warning if wasm cannot start. Idempotent.
 */
export function ensureTfBackend(): Promise<TfBackendName> {
  initialising ??= initialise().then((name) => {
    ready = name;
    return name;
  });
  return initialising;
}

/** The backend in use once `ensureTfBackend` has resolved, else null (model code must not run yet). */
export function readyTfBackend(): TfBackendName | null {
  return ready;
}

async function initialise(): Promise<TfBackendName> {
  tf.enableProdMode();
  try {
    const distFolder = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(distFolder + path.sep);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
    await tf.ready();
    return 'wasm';
  } catch (error) {
    console.warn(`tidemark lstm: wasm backend unavailable (${describe(error)}); using the slow cpu backend`);
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
