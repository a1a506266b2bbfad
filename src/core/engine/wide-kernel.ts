// The wide-layer kernel: matrix products and fused element-wise steps in WebAssembly SIMD,
// compiled from asm/wide-kernels.ts (AssemblyScript) by esbuild.mjs into two files beside the
// bundle. Measured on W2's 210×256×256 products (2-core EPYC, Node 20): tfjs-wasm (XNNPACK)
// 11.4 GMAC/s, this kernel 13.7 with plain SIMD and 17.4 with relaxed SIMD's fused multiply-add.
// The relaxed build is used where the runtime validates it (VS Code's Electron and Node ≥ 22 do;
// Node 20 does behind --experimental-wasm-relaxed-simd, which we turn on before compiling) and
// where its products agree with the plain build's on a check matrix.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WideExports {
  gemm(a: number, sai: number, sap: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
  gemmNT(a: number, b: number, c: number, m: number, k: number, n: number): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
  biasRelu(z: number, a: number, deriv: number, b: number, rows: number, cols: number): void;
  addBias(z: number, b: number, rows: number, cols: number): void;
  multiply(x: number, y: number, n: number): void;
  columnSums(x: number, out: number, rows: number, cols: number): void;
  signBits(x: number, rows: number, cols: number, out: number, stride: number, word: number): void;
  extremes(x: number, hi: number, lo: number, rows: number, cols: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: number, stepSize: number, bc2Sqrt: number): void;
  sgd(p: number, g: number, buf: number, n: number, lr: number, momentum: number, nesterov: number, weightDecay: number): void;
}

export type WideSimd = 'relaxed' | 'simd';

export interface WideKernel {
  simd: WideSimd;
  module: WebAssembly.Module;
}

export const WIDE_KERNEL_FILES: Record<WideSimd, string> = { simd: 'wide-kernels.wasm', relaxed: 'wide-kernels-relaxed.wasm' };

/** Where the wasm files are: beside the bundle, or (running from source) in the repository's dist/. */
export function wideKernelDir(): string | undefined {
  for (const dir of [__dirname, join(__dirname, '..', '..', '..', 'dist')]) {
    if (existsSync(join(dir, WIDE_KERNEL_FILES.simd))) return dir;
  }
  return undefined;
}

const loaded = new Map<string, WideKernel | null>();
let preferred: WideSimd = 'relaxed';

/** Which build runs from now on where both work: 'relaxed' (default, faster) or 'simd' (bench, tests). */
export function preferWideSimd(simd: WideSimd): void {
  preferred = simd;
}
let unavailable: string | undefined;

/**
 * The compiled kernel, or undefined (and `wideKernelUnavailable()` says why) when its files are
 * missing or the runtime has no wasm SIMD. `prefer` 'simd' skips the relaxed build (bench, tests).
 */
export function loadWideKernel(prefer: WideSimd = preferred): WideKernel | undefined {
  const key = prefer;
  if (loaded.has(key)) return loaded.get(key) ?? undefined;
  let kernel: WideKernel | undefined;
  try {
    const dir = wideKernelDir();
    if (!dir) throw new Error(`${WIDE_KERNEL_FILES.simd} not found beside the bundle (run npm run build)`);
    const plain = compile(join(dir, WIDE_KERNEL_FILES.simd));
    if (!plain) throw new Error('this runtime has no WebAssembly SIMD');
    kernel = { simd: 'simd', module: plain };
    if (prefer === 'relaxed') {
      const relaxed = compileRelaxed(join(dir, WIDE_KERNEL_FILES.relaxed));
      if (relaxed && agrees(relaxed, plain)) kernel = { simd: 'relaxed', module: relaxed };
    }
  } catch (e) {
    unavailable = e instanceof Error ? e.message : String(e);
  }
  loaded.set(key, kernel ?? null);
  return kernel;
}

export function wideKernelUnavailable(): string | undefined {
  return unavailable;
}

function compile(file: string): WebAssembly.Module | undefined {
  const bytes = readFileSync(file);
  return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : undefined;
}

function compileRelaxed(file: string): WebAssembly.Module | undefined {
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  if (!WebAssembly.validate(bytes)) {
    // Node 20's V8 has relaxed SIMD behind a flag; the flag only gates validation of new modules.
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      return undefined;
    }
    if (!WebAssembly.validate(bytes)) return undefined;
  }
  return new WebAssembly.Module(bytes);
}

/** A session's own instance over its own memory of `bytes` bytes. */
export function instantiate(kernel: WideKernel, bytes: number): { exports: WideExports; memory: WebAssembly.Memory } {
  // Shared, so threads can work on it too (wide-threads.ts); its size never changes.
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const instance = new WebAssembly.Instance(kernel.module, { env: { memory, abort: () => { throw new Error('wide kernel aborted'); } } });
  return { exports: instance.exports as unknown as WideExports, memory };
}

/** The relaxed build's products equal the plain build's within float32 rounding on a check matrix. */
function agrees(relaxed: WebAssembly.Module, plain: WebAssembly.Module): boolean {
  const m = 13, k = 37, n = 22;
  const run = (module: WebAssembly.Module) => {
    const { exports, memory } = instantiate({ simd: 'simd', module }, 4 * (m * k + k * n + m * n) + 64);
    const f = new Float32Array(memory.buffer);
    for (let i = 0; i < m * k + k * n; i++) f[i] = Math.sin(i * 0.7) * 2;
    exports.gemm(0, k, 1, 4 * m * k, 4 * (m * k + k * n), m, k, n, 0);
    return f.slice(m * k + k * n, m * k + k * n + m * n);
  };
  const a = run(relaxed);
  const b = run(plain);
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= 1e-4 * (1 + Math.abs(b[i])))) return false;
  return true;
}
