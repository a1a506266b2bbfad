// Compiles the wide-layer kernel (asm/wide-kernels.ts, AssemblyScript) into two wasm files in
// `outDir`: one with 128-bit SIMD, and one whose multiply-adds are relaxed SIMD (fused where the
// engine can), used where the runtime validates it. Run by esbuild.mjs; tests call it when dist/
// has no kernel yet. `node scripts/build-wasm.mjs [outDir]`.
import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const WIDE_KERNEL_FILES = ['wide-kernels.wasm', 'wide-kernels-relaxed.wasm'];

export async function buildWideKernels(outDir = join(root, 'dist')) {
  mkdirSync(outDir, { recursive: true });
  // Shared memory, so threads can split a product's rows over one memory (wide-threads.ts); the
  // session provides a memory of its own size (maximum 4 GiB is only the declared bound).
  const common = [join(root, 'asm/wide-kernels.ts'), '-O3', '--noAssert', '--runtime', 'stub', '--importMemory', '--sharedMemory', '--maximumMemory', '65536', '--enable', 'simd', '--enable', 'threads'];
  const variants = [
    [WIDE_KERNEL_FILES[0], ['--use', 'RELAXED=0']],
    [WIDE_KERNEL_FILES[1], ['--use', 'RELAXED=1', '--enable', 'relaxed-simd']],
  ];
  for (const [file, flags] of variants) {
    const { error, stderr } = await asc.main([...common, ...flags, '-o', join(outDir, file)]);
    if (error) throw new Error(`AssemblyScript build of ${file} failed: ${error.message}\n${stderr.toString()}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildWideKernels(process.argv[2]);
