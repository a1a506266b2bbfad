// Chooses and initialises the TensorFlow.js backend. Measured on these machines (see
// shared/docs/tfjs-notes.md): wasm is the fastest backend for the small MLPs the lessons train
// (moons 2-16-1: wasm 0.49 ms/epoch, tfjs-node 2.4, cpu 1.1), so `auto` tries wasm first, then
// tfjs-node if it happens to be installed, then the pure-JS cpu backend, which always works.
import * as tf from '@tensorflow/tfjs-core';
// A used named import: bundlers drop a bare `import '…'` of this package (its package.json
// declares the node entry side-effect free), and with it the cpu backend's registration.
import { version_cpu as cpuBackendVersion } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BackendChoice, BackendName } from './types';

export interface BackendInfo {
  name: BackendName;
  /** The backend that was asked for (or tried first by `auto`) when we ended up elsewhere. */
  fallbackFrom?: string;
  /** Why the preferred backend was not used. */
  reason?: string;
}

// Production mode: no "install tfjs-node" banner from the cpu backend (it cannot install here),
// no deprecation chatter on the CLI's stderr.
tf.enableProdMode();

const ORDER: Record<BackendChoice, BackendName[]> = {
  auto: ['wasm', 'tensorflow', 'cpu'],
  wasm: ['wasm', 'cpu'],
  tensorflow: ['tensorflow', 'wasm', 'cpu'],
  cpu: ['cpu'],
};

let wasmPathsSet = false;
let tensorflowLoadError: string | undefined;
let lastResult: { choice: BackendChoice; info: BackendInfo } | undefined;

/** Initialise a backend; calling it again with the same choice is free. */
export async function initBackend(choice: BackendChoice, opts: { wasmDir?: string } = {}): Promise<BackendInfo> {
  if (lastResult && lastResult.choice === choice && activeBackend() === lastResult.info.name) return lastResult.info;
  const order = ORDER[choice];
  const failures: string[] = [];
  for (const name of order) {
    const error = await trySetBackend(name, opts);
    if (error === undefined) {
      const info: BackendInfo = { name };
      if (name !== order[0]) {
        info.fallbackFrom = order[0];
        info.reason = failures.join('; ');
      }
      lastResult = { choice, info };
      return info;
    }
    failures.push(`${name}: ${error}`);
  }
  // cpu is always registered, so this is only reached if tfjs itself is broken.
  throw new Error(`no TensorFlow.js backend could be initialised (${failures.join('; ')}; cpu backend ${cpuBackendVersion})`);
}

/** Returns undefined on success, else the reason the backend is unusable. */
async function trySetBackend(name: BackendName, opts: { wasmDir?: string }): Promise<string | undefined> {
  if (activeBackend() === name) return undefined;
  try {
    if (name === 'wasm') {
      if (!wasmPathsSet || opts.wasmDir) {
        const dir = opts.wasmDir ?? defaultWasmDir();
        if (!existsSync(join(dir, 'tfjs-backend-wasm.wasm'))) return `tfjs-backend-wasm.wasm not found in ${dir}`;
        setWasmPaths(dir.endsWith('/') ? dir : dir + '/');
        wasmPathsSet = true;
      }
    }
    if (name === 'tensorflow') {
      const reason = await loadTfjsNode();
      if (reason) return reason;
    }
    // setBackend resolves to false when initialisation fails (and getBackend() may still name it).
    const ok = await tf.setBackend(name);
    if (!ok) return `tf.setBackend('${name}') failed`;
    await tf.ready();
    return undefined;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).split('\n')[0];
  }
}

/**
 * The wasm binaries live next to the running bundle (esbuild copies them into dist/); when we
 * run from source (tests via tsx) they are in node_modules.
 */
export function defaultWasmDir(): string {
  if (existsSync(join(__dirname, 'tfjs-backend-wasm.wasm'))) return __dirname;
  const wasmPackage = '@tensorflow/tfjs-backend-wasm'; // resolved at run time, not by the bundler
  return dirname(require.resolve(wasmPackage));
}

/** tfjs-node is optional and usually absent (its install downloads libtensorflow). */
async function loadTfjsNode(): Promise<string | undefined> {
  if (tf.findBackend('tensorflow')) return undefined;
  if (tensorflowLoadError) return tensorflowLoadError;
  try {
    // A computed name keeps bundlers from trying to resolve the optional dependency. (tfjs keeps
    // its engine and kernel registry on globalThis, so tfjs-node's own copy of tfjs-core
    // registers its backend with ours.)
    const moduleName = '@tensorflow/tfjs-node';
    await import(moduleName);
    return undefined;
  } catch (e) {
    tensorflowLoadError = `@tensorflow/tfjs-node is not available (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`;
    return tensorflowLoadError;
  }
}

/** The backend in use, or undefined before any initialisation (tf.getBackend() would start one). */
export function activeBackend(): BackendName | undefined {
  return (tf.engine().backendName ?? undefined) as BackendName | undefined;
}

/** The backend a run should use: the one asked for, else the one already active, else `auto`. */
export async function ensureBackend(wanted?: BackendName): Promise<BackendName> {
  const active = activeBackend();
  if (wanted ? active === wanted : active) return active as BackendName;
  return (await initBackend(wanted ?? 'auto')).name;
}
