// "init": "torch" with a torchSeed starts from exactly the network torch.manual_seed(seed) and
// nn.Linear layers give in PyTorch, so a full-batch lesson on scikit-learn's data (randomState)
// follows the notebook's loss curve: every epoch within 1e-4 for 50 epochs, SGD and Adam.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { initBackend, trainRun } from '../../../src/core/engine';
import { torchLinearWeights } from '../../../src/core/engine/torchInit';
import type { LayerWeights } from '../../../src/core/engine/shapes';
import type { KernelName, BackendName } from '../../../src/core/engine/types';
import { prepare } from '../../../src/core/data';
import { RunSpec } from '../../../src/core/experiment/schema';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', '..', 'parity', 'torch_lesson.py');
const EPOCHS = 50;
const ctx = { baseDir: __dirname, workspaceRoot: __dirname };

const importCheck = spawnSync(PYTHON, ['-c', 'import torch, sklearn'], { encoding: 'utf8' });
const skip = importCheck.status === 0 ? false : `PyTorch or scikit-learn is not importable with ${PYTHON}: ${(importCheck.stderr || importCheck.error?.message || '').trim().split('\n').at(-1)}`;
if (skip) console.log(`# skipping PyTorch torchSeed parity: ${skip}`);

const cases = [
  { name: '2-16-1 relu sgd', data: { samples: 300, noise: 0.1, randomState: 42, validation: 0.2 }, torchSeed: 0, hidden: [16], activation: 'relu', optimizer: { kind: 'sgd', lr: 0.5 } },
  { name: '2-16-1 relu adam', data: { samples: 300, noise: 0.2, randomState: 0, validation: 0.2 }, torchSeed: 42, hidden: [16], activation: 'relu', optimizer: { kind: 'adam', lr: 0.01 } },
  { name: '2-8-8-1 tanh sgd+momentum', data: { samples: 500, noise: 0.25, randomState: 7, validation: 0.3 }, torchSeed: 1, hidden: [8, 8], activation: 'tanh', optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 } },
  { name: '2-32-16-1 relu adam', data: { samples: 200, noise: 0.15, randomState: 3, validation: 0.25 }, torchSeed: 2024, hidden: [32, 16], activation: 'relu', optimizer: { kind: 'adam', lr: 0.005 } },
];
const inits: [number[], number][] = [[[2, 4, 1], 0], [[2, 64, 32, 3], 42], [[30, 100, 10], 7], [[5, 1], 4294967295]];

interface TorchLayer { weight: number[]; bias: number[] }
interface Reference {
  versions: Record<string, string>;
  inits: TorchLayer[][];
  cases: { name: string; weights: TorchLayer[]; trainLoss: number[]; valLoss: number[] }[];
}

function pytorch(): Reference {
  const run = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify({ cases: cases.map((c) => ({ ...c, epochs: EPOCHS })), inits }), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(run.status, 0, `torch_lesson.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Reference;
}

const reference = skip ? undefined : pytorch();
if (reference) console.log(`# compared with PyTorch ${reference.versions.torch}, scikit-learn ${reference.versions.sklearn}`);

/** Our [in, out] layers in PyTorch's [out][in] order, for exact comparison. */
function asTorch(layers: LayerWeights[]): TorchLayer[] {
  return layers.map(({ W, b, inDim, outDim }) => ({
    weight: Array.from({ length: outDim * inDim }, (_, k) => W[(k % inDim) * outDim + Math.floor(k / inDim)]),
    bias: Array.from(b),
  }));
}

test('torchLinearWeights equals nn.Linear\'s default init after torch.manual_seed, bit for bit', { skip }, () => {
  inits.forEach(([sizes, seed], i) => {
    assert.deepEqual(asTorch(torchLinearWeights(sizes, seed)), reference!.inits[i], `sizes ${sizes.join('-')} seed ${seed}`);
  });
});

function assertCurve(ours: number[], theirs: number[], what: string): void {
  assert.equal(ours.length, theirs.length, `${what}: epochs`);
  ours.forEach((a, i) => {
    const b = theirs[i];
    const rel = Math.abs(a - b) / Math.max(Math.abs(b), 1e-7);
    assert.ok(rel <= 1e-4, `${what}, epoch ${i + 1}: Logit Lab ${a} vs PyTorch ${b} (relative ${rel.toExponential(2)})`);
  });
}

for (const [backend, kernel] of [['wasm', 'js'], ['wasm', 'tfjs']] as [BackendName, KernelName][]) {
  test(`the notebook's loss curve from data randomState + torchSeed (${kernel} kernel)`, { skip }, async () => {
    await initBackend(backend);
    for (const [i, c] of cases.entries()) {
      const spec = RunSpec.parse({
        seed: 5,
        data: { kind: 'moons', ...c.data },
        model: { hidden: c.hidden, activation: c.activation, init: 'torch', torchSeed: c.torchSeed },
        loss: 'bce-with-logits',
        optimizer: c.optimizer,
        training: { epochs: EPOCHS, batchSize: 'full' },
        record: { every: 1000, grid: 8 },
      });
      const data = prepare(spec.data, ctx);
      const { record } = await trainRun(spec, data, { id: 't', group: 't', kind: 'model', backend, kernel });
      assert.equal(record.kernel, kernel);
      const theirs = reference!.cases[i];
      assert.deepEqual(asTorch(torchLinearWeights([2, ...c.hidden, 1], c.torchSeed)), theirs.weights, `${c.name}: the notebook's initial network`);
      assertCurve(record.history.map((e) => e.trainLoss), theirs.trainLoss, `${c.name} train loss`);
      assertCurve(record.history.map((e) => e.valLoss as number), theirs.valLoss, `${c.name} validation loss`);
      assert.ok(record.history[EPOCHS - 1].trainLoss < 0.9 * record.history[0].trainLoss, `${c.name} did not learn`);
    }
  });
}
