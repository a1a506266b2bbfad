// --threads N on an experiment of one wide run: the run cannot be split over a pool, so its
// matrix products are (wide kernel, threads sharing its memory) — and the numbers do not change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../../../src/core/runner';
import { wideThreads } from '../../../src/core/engine';

test('one wide run with --threads 2 trains on two lanes, to the same numbers as on one', async () => {
  const work = mkdtempSync(join(tmpdir(), 'logit-lab-wide-threads-'));
  const file = join(work, 'wide.experiment.json');
  writeFileSync(file, JSON.stringify({
    name: 'wide', data: { kind: 'moons', samples: 210, noise: 0.3 }, model: { hidden: [256, 256] }, loss: 'cross-entropy',
    training: { epochs: 8 }, record: { every: 100, grid: 10 },
  }));
  const train = async (count: number) => {
    const lanes: number[] = [];
    const result = await runExperiment(file, {
      workspaceRoot: work, backend: 'wasm', outDir: join(work, `out-${count}`),
      threads: { count, workerFile: join(work, 'no-pool-for-one-run.js') },
      emit: (m) => { if (m.type === 'epoch') lanes.push(wideThreads()); },
    });
    return { record: result.runs[0], lanes };
  };
  const one = await train(1);
  const two = await train(2);
  assert.equal(two.record.kernel, 'wide');
  assert.deepEqual([...new Set(two.lanes)], [2], 'the wide run used two lanes');
  assert.deepEqual([...new Set(one.lanes)], [1]);
  assert.equal(wideThreads(), 1, 'back to one lane after the run');
  assert.deepEqual(two.record.history.map((e) => e.trainLoss), one.record.history.map((e) => e.trainLoss));
});
