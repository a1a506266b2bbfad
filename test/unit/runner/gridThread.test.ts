// Boundary snapshots computed on the grid thread (the built dist/grid-worker.js, as the CLI and
// the extension's worker use it) while the run trains on: the same record, bit for bit, as
// snapshots taken inline; reported in epoch order; kept when the run is cancelled; computed
// inline after all when the thread fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { prepare } from '../../../src/core/data';
import { trainRun, type RunRecord, type TrainOptions } from '../../../src/core/engine';
import { RunSpec } from '../../../src/core/experiment/schema';
import { GridThread } from '../../../src/core/runner';

const root = resolve(__dirname, '../../..');
const workerFile = join(root, 'dist', 'grid-worker.js');
const ctx = { baseDir: root, workspaceRoot: root };
let thread: GridThread;

before(() => {
  // `npm test` builds first; build here only when run on its own from a clean checkout.
  if (!existsSync(workerFile)) {
    const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  thread = new GridThread(workerFile);
});
after(() => thread.dispose());

const base = { id: 'r', group: 'g', kind: 'model' as const, kernel: 'js' as const };

const cases: [string, Record<string, unknown>][] = [
  ['moons 2-16-1 ReLU (the piecewise-linear sweep)', { data: { kind: 'moons', samples: 200, validation: 0.2 }, model: { hidden: [16] } }],
  ['circles 2-8-8-1 tanh (the full forward)', { data: { kind: 'circles', samples: 200 }, model: { hidden: [8, 8], activation: 'tanh' } }],
  ['blobs, three classes, cross-entropy', { data: { kind: 'blobs', samples: 150, classes: 3 }, model: { hidden: [6] }, loss: 'cross-entropy' }],
  ['tabular 6 features (a 2-D slice through the others)', { data: { kind: 'tabular', samples: 300, features: 6 }, model: { hidden: [8, 4] } }],
];

function runSpec(extra: Record<string, unknown>, epochs = 60): RunSpec {
  return RunSpec.parse({ optimizer: { kind: 'adam', lr: 0.02 }, training: { epochs }, record: { every: 7, grid: 40 }, ...extra });
}

/** What must not depend on where the snapshots were computed. */
function numbers(r: RunRecord) {
  return { history: r.history.map(({ ms: _ms, ...e }) => e), snapshots: r.snapshots, final: r.final, neuronMaps: r.neuronMaps, status: r.status };
}

for (const [name, extra] of cases) {
  test(`${name}: snapshots from the grid thread equal inline ones, in epoch order`, async () => {
    const spec = runSpec(extra);
    const data = prepare(spec.data, ctx);
    const inline = await trainRun(spec, data, base);
    const seen: number[] = [];
    const offloaded = await trainRun(spec, data, { ...base, offloadSnapshots: thread, onEvent: (e) => e.type === 'snapshot' && seen.push(e.snapshot.epoch) });
    assert.ok(inline.record.snapshots.length >= 9, `${inline.record.snapshots.length} snapshots`);
    assert.deepEqual(numbers(offloaded.record), numbers(inline.record));
    assert.deepEqual(seen, inline.record.snapshots.map((s) => s.epoch), 'reported once each, in epoch order, before the run resolved');
  });
}

test('the snapshots stream in while the run trains (with the usual yields), not only at its end', async () => {
  const spec = runSpec(cases[0][1], 400);
  const data = prepare(spec.data, ctx);
  let epochsDone = 0;
  const epochAtSnapshot: number[] = [];
  await trainRun(spec, data, { ...base, offloadSnapshots: thread, onEvent: (e) => {
    if (e.type === 'epoch') epochsDone = e.epoch.epoch;
    if (e.type === 'snapshot') epochAtSnapshot.push(epochsDone);
  } });
  assert.equal(epochAtSnapshot.length, Math.ceil(400 / 7));
  const early = epochAtSnapshot.filter((e) => e < 400).length;
  assert.ok(early > epochAtSnapshot.length / 2, `only ${early} of ${epochAtSnapshot.length} snapshots arrived before the last epoch`);
});

test('a run recording every epoch waits for its boundaries: its snapshots stay a few epochs behind its curves', async () => {
  // A 100×100 snapshot costs more than an epoch of this small net: unbounded, the training ran
  // hundreds of epochs ahead of the grid thread and the run's end waited for the queue.
  const spec = RunSpec.parse({ data: { kind: 'moons', samples: 200 }, model: { hidden: [16] }, optimizer: { kind: 'adam', lr: 0.02 }, training: { epochs: 600 }, record: { every: 1, grid: 100 } });
  const data = prepare(spec.data, ctx);
  let epochsDone = 0;
  let worstLead = 0;
  let lastSnapshot = 0;
  const { record } = await trainRun(spec, data, { ...base, offloadSnapshots: thread, onEvent: (e) => {
    if (e.type === 'epoch') {
      epochsDone = e.epoch.epoch;
      worstLead = Math.max(worstLead, epochsDone - lastSnapshot);
    }
    if (e.type === 'snapshot') lastSnapshot = e.snapshot.epoch;
  } });
  assert.equal(record.history.length, 600);
  // Owed at most 16, and one more asked for at the epoch being reported (unbounded: hundreds).
  assert.ok(worstLead <= 20, `the training ran ${worstLead} epochs ahead of its newest boundary`);
});

test('a cancelled run keeps every snapshot it took, the last one at the epoch it stopped', async () => {
  const spec = runSpec(cases[0][1], 1000);
  const data = prepare(spec.data, ctx);
  const controller = new AbortController();
  const opts: TrainOptions = { ...base, offloadSnapshots: thread, signal: controller.signal, yieldEvery: 1, onEvent: (e) => e.type === 'epoch' && e.epoch.epoch === 100 && controller.abort() };
  const { record } = await trainRun(spec, data, opts);
  assert.equal(record.status, 'cancelled');
  const last = record.history.at(-1)!.epoch;
  assert.deepEqual(record.snapshots.map((s) => s.epoch), [...Array.from({ length: Math.floor(last / 7) }, (_, i) => 7 * (i + 1)), ...(last % 7 ? [last] : [])]);
});

test('when the grid thread fails, the run computes the same snapshots inline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logit-lab-grid-'));
  const broken = join(dir, 'grid-worker.js');
  writeFileSync(broken, "throw new Error('this grid thread cannot start');\n");
  const failing = new GridThread(broken);
  const spec = runSpec(cases[0][1]);
  const data = prepare(spec.data, ctx);
  const inline = await trainRun(spec, data, base);
  const fallback = await trainRun(spec, data, { ...base, offloadSnapshots: failing });
  assert.deepEqual(numbers(fallback.record), numbers(inline.record));
  // Once failed, the thread takes no more runs: they snapshot inline from the start.
  assert.equal(failing.open({ sizes: [2, 1], activation: 'relu', grid: inline.record.grid!, sliceBase: new Float32Array(2) }), undefined);
});
