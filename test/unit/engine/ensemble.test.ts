// A batched seed study (trainEnsemble) gives each seed the run it would get alone (trainRun).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { canTrainTogether, initBackend, trainEnsemble, trainRun, type TrainOptions } from '../../../src/core/engine';
import type { RunRecord } from '../../../src/core/engine/types';
import type { RunSpec } from '../../../src/core/experiment/schema';
import type { PreparedData } from '../../../src/core/data/types';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runExperiment } from '../../../src/core/runner';
import { prepare } from '../../../src/core/data';
import { blobs, moons, spec } from './helpers';

const two = moons(200, 0.15, 3);
const three = blobs(150, 3, 4);

function strip(r: RunRecord) {
  const { timings: _t, startedAt: _s, ...rest } = r;
  return { ...rest, history: r.history.map(({ ms: _ms, ...e }) => e) };
}

async function compareWithSingleRuns(base: RunSpec, data: PreparedData, seeds: number[], extra: Partial<TrainOptions> = {}) {
  await initBackend('wasm');
  const specs = seeds.map((seed) => ({ ...base, seed }));
  const opts = seeds.map((seed) => ({ id: `s${seed}`, group: 'g', kind: 'model' as const, ...extra }));
  assert.ok(canTrainTogether(specs, data, opts), 'these runs should be trained together');
  const epochsSeen = seeds.map(() => 0);
  const before = tf.memory().numTensors;
  const together = await trainEnsemble(specs, data, opts.map((o, i) => ({ ...o, onEpoch: () => { epochsSeen[i]++; } })));
  assert.equal(tf.memory().numTensors, before);
  for (const [i, seed] of seeds.entries()) {
    const alone = await trainRun(specs[i], data, opts[i]);
    assert.deepEqual(strip(together[i].record), strip(alone.record), `seed ${seed}`);
    assert.deepEqual(together[i].weights, alone.weights, `seed ${seed} weights`);
    assert.equal(epochsSeen[i], alone.record.history.length, `seed ${seed}: one onEpoch per recorded epoch`);
  }
  return together;
}

test('a seed study trained together equals the seeds run one by one (full batch, SGD)', async () => {
  const s = spec({ model: { hidden: [4, 4], init: 'torch' }, loss: 'cross-entropy', optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 }, training: { epochs: 60 }, record: { every: 20, grid: 10 } });
  await compareWithSingleRuns(s, three, [0, 1, 2, 3, 4]);
});

test('…with shuffled minibatches, dropout, Adam and early stopping that stops seeds at different epochs', async () => {
  const s = spec({ model: { hidden: [8, 6], dropout: 0.2 }, optimizer: { kind: 'adam', lr: 0.02 }, training: { epochs: 150, batchSize: 48, earlyStopping: { monitor: 'valLoss', patience: 4, minDelta: 0.01 } }, record: { every: 25, grid: 12 } });
  const runs = await compareWithSingleRuns(s, two, [0, 1, 2, 3, 4, 5]);
  assert.ok(runs.some((r) => r.record.stopReason === 'early-stopped'));
  assert.ok(new Set(runs.map((r) => r.record.history.length)).size > 1, 'the seeds stopped at different epochs');
});

test('…with a member that diverges', async () => {
  const s = spec({ model: { hidden: [16] }, optimizer: { kind: 'sgd', lr: 1e4, momentum: 0.9 }, training: { epochs: 300 }, record: { every: 1000, grid: 8 } });
  const runs = await compareWithSingleRuns(s, two, [0, 1, 2, 3]);
  assert.ok(runs.some((r) => r.record.stopReason === 'diverged'), runs.map((r) => r.record.stopReason).join());
});

test('cancelling stops every member', async () => {
  await initBackend('wasm');
  const controller = new AbortController();
  const s = spec({ model: { hidden: [8] }, training: { epochs: 1000 }, record: { every: 1000, grid: 8 } });
  const specs = [0, 1, 2].map((seed) => ({ ...s, seed }));
  const runs = await trainEnsemble(specs, two, specs.map((_, i) => ({
    id: `c${i}`, group: 'g', kind: 'model' as const, signal: controller.signal, yieldEvery: 1,
    onEpoch: (e) => { if (e.epoch === 7) controller.abort(); },
  })));
  for (const r of runs) {
    assert.equal(r.record.stopReason, 'cancelled');
    assert.equal(r.record.history.length, 7);
    assert.ok(r.record.final);
  }
});

test('runs that differ in more than the seed are trained one by one', async () => {
  const a = spec({ seed: 0, model: { hidden: [8] } });
  const b = spec({ seed: 1, model: { hidden: [9] } });
  const o = { id: 'x', group: 'g', kind: 'model' as const };
  assert.equal(canTrainTogether([a, b], two, [o, o]), false);
  assert.equal(canTrainTogether([a, { ...a, seed: 1 }], two, [o, { ...o, kernel: 'tfjs' }]), false);
});

test('with trainSeedsTogether the runner trains a seed study together, yet reports it run by run as before', async () => {
  const root = resolve(__dirname, '../../..');
  const messages: { type: string; id?: string }[] = [];
  const result = await runExperiment(join(root, 'examples', 'ring-seeds.experiment.json'), {
    workspaceRoot: root, backend: 'wasm', maxEpochs: 30, trainSeedsTogether: true, outDir: mkdtempSync(join(tmpdir(), 'logit-lab-ensemble-')),
    emit: (m) => messages.push({ type: m.type, id: 'runId' in m ? m.runId : 'run' in m ? m.run.id : undefined }),
  });
  assert.equal(result.failures.length, 0);
  assert.equal(result.runs.length, 40);
  const first = result.runs.slice(0, 20);
  const firstData = prepare(first[0].config.data, { baseDir: join(root, 'examples'), workspaceRoot: root });
  assert.ok(canTrainTogether(first.map((r) => r.config), firstData, first.map(() => ({ id: '', group: '', kind: 'model' as const }))), 'the 20 seeds of a variant train together');
  // Trained together: the group's epochs were timed once and shared among its members.
  assert.equal(new Set(first.map((r) => r.timings.msPerEpoch)).size, 1, 'the first variant\'s seeds were trained together');
  // Messages of one run are never interleaved with another's: runStart … runEnd, then the next.
  const order = messages.filter((m) => m.id).map((m) => m.id!);
  const blocks = order.filter((id, i) => i === 0 || id !== order[i - 1]);
  assert.deepEqual(blocks, result.runs.map((r) => r.id));
  // And each run is the run trainRun gives alone.
  for (const r of [result.runs[3], result.runs[27]]) {
    const data = prepare(r.config.data, { baseDir: join(root, 'examples'), workspaceRoot: root });
    const alone = await trainRun(r.config, data, { id: r.id, group: r.group, kind: r.kind });
    assert.deepEqual(r.history.map(({ ms: _ms, ...e }) => e), alone.record.history.map(({ ms: _ms, ...e }) => e), r.name);
    assert.deepEqual(r.snapshots, alone.record.snapshots);
  }
});
