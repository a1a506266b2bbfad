// Bundles every entry point that exists: extension host, training worker, CLI, webview, bench.
// The wasm files (TF.js backend, tree-sitter runtime and Python grammar) are copied next to the
// bundles, because both runtimes locate them on disk at run time.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { buildWideKernels } from './scripts/build-wasm.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeEntries = [
  ['src/extension/extension.ts', 'extension'],
  ['src/worker/trainWorker.ts', 'worker'],
  ['src/worker/memberWorker.ts', 'member-worker'],
  ['src/worker/gridWorker.ts', 'grid-worker'],
  ['src/worker/lintWorker.ts', 'lint-worker'],
  ['src/cli/main.ts', 'cli'],
  ['bench/bench.ts', 'bench'],
].filter(([src]) => existsSync(src));

const webEntries = [['webview/main.ts', 'webview']].filter(([src]) => existsSync(src));

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // Optional/native modules load at run time from node_modules, never bundled.
  external: ['vscode', '@tensorflow/tfjs-node', '@napi-rs/canvas'],
  // jsonc-parser's "main" is a UMD build whose inner requires esbuild cannot see (at run time:
  // "Cannot find module './impl/format'"); its ESM build bundles cleanly.
  // web-tree-sitter's ESM build locates itself through import.meta.url, which a CJS bundle lacks
  // (at run time: "The argument 'filename' must be a file URL…"); its CJS build uses __dirname.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js', 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
};

const builds = [];
if (nodeEntries.length) {
  builds.push({
    ...common,
    entryPoints: Object.fromEntries(nodeEntries.map(([src, out]) => [out, src])),
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
  });
}
if (webEntries.length) {
  builds.push({
    ...common,
    entryPoints: Object.fromEntries(webEntries.map(([src, out]) => [out, src])),
    outdir: 'dist',
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    // Always minified: the bundle ships inside every HTML report.
    minify: true,
  });
}

// The VS Code integration suite (run inside a real extension host; mocha loads from node_modules).
const suiteDir = 'test/vscode/suite';
const suiteEntries = existsSync(suiteDir) ? readdirSync(suiteDir).filter((f) => f.endsWith('.ts')).map((f) => `${suiteDir}/${f}`) : [];
// The Restricted Mode suite: its own tests, run by the same mocha entry point.
const restrictedDir = 'test/vscode/restricted';
const restrictedEntries = existsSync(restrictedDir)
  ? Object.fromEntries([['index', `${suiteDir}/index.ts`], ...readdirSync(restrictedDir).filter((f) => f.endsWith('.test.ts')).map((f) => [f.replace(/\.ts$/, ''), `${restrictedDir}/${f}`])])
  : {};
for (const [entryPoints, outdir] of [[suiteEntries, 'out/test/suite'], [restrictedEntries, 'out/test/restricted']]) {
  if (Object.keys(entryPoints).length === 0 || production) continue;
  builds.push({
    ...common,
    sourcemap: 'inline',
    entryPoints,
    outdir,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: [...common.external, 'mocha'],
  });
}

mkdirSync('dist', { recursive: true });
const wasm = [
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
  'node_modules/web-tree-sitter/tree-sitter.wasm',
  'node_modules/tree-sitter-python/tree-sitter-python.wasm',
];
for (const f of wasm) copyFileSync(f, `dist/${f.split('/').pop()}`);
// The wide-layer kernel (AssemblyScript → dist/wide-kernels*.wasm), which the engine loads from beside its bundle.
await buildWideKernels('dist');

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
