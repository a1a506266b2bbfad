// Backend selection on this machine: wasm initialises from the package's files, tfjs-node is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { defaultWasmDir, initBackend } from '../../../src/core/engine';

// First in this file (its own process): wasm is not running yet, so the files are needed.
test('a wasm directory without the binaries falls back to cpu and names the reason', async () => {
  const info = await initBackend('wasm', { wasmDir: '/nonexistent-dir' });
  assert.equal(info.name, 'cpu');
  assert.equal(info.fallbackFrom, 'wasm');
  assert.match(info.reason ?? '', /not found/);
});

test('the default wasm directory holds the wasm binaries', () => {
  assert.ok(existsSync(join(defaultWasmDir(), 'tfjs-backend-wasm.wasm')));
});

test('auto picks wasm; explicit choices are honoured and idempotent', async () => {
  const auto = await initBackend('auto');
  assert.equal(auto.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0]), 5);
  assert.equal((await initBackend('cpu')).name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal((await initBackend('wasm')).name, 'wasm');
  assert.deepEqual(await initBackend('wasm'), await initBackend('wasm'));
});

test('tensorflow falls back and says why when tfjs-node cannot load', async (t) => {
  let nodeAvailable = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    nodeAvailable = false;
  }
  if (nodeAvailable) {
    t.skip('@tensorflow/tfjs-node is installed here');
    return;
  }
  const info = await initBackend('tensorflow');
  assert.equal(info.name, 'wasm');
  assert.equal(info.fallbackFrom, 'tensorflow');
  assert.match(info.reason ?? '', /tfjs-node/);
});
