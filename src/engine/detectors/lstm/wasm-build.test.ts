import { readFileSync } from 'node:fs';
import { assembleKernel, KERNEL_MODULE, kernelModuleText } from './wasm-build';

describe('the committed LSTM kernel module', () => {
  it('is lstm-kernel.wat as assembled now (else run: npx tsx src/engine/detectors/lstm/wasm-build.ts)', async () => {
    const binary = await assembleKernel();
    expect(binary.length).toBeGreaterThan(0);
    expect(readFileSync(KERNEL_MODULE, 'utf8')).toBe(kernelModuleText(binary));
  });
});
