// Runs of one experiment trained side by side on worker threads (the built dist/member-worker.js,
// as the CLI and the extension's worker use it) give the same numbers and the same message order
// as the runs trained one after another, and a cancel keeps what was recorded.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runExperiment, type ExperimentResult } from '../../../src/core/runner';
import type { FromWorker } from '../../../src/protocol';

const root = resolve(__dirname, '../../..');
const workerFile = join(root, 'dist', 'member-worker.js');

before(() => {
  // `npm test` builds first; build here only when run on its own from a clean checkout.
  if (existsSync(workerFile)) return;
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

function seedStudy(epochs: number, seeds: number): { ws: string; file: string } {
  const ws = mkdtempSync(join(tmpdir(), 'logit-lab-threads-'));
  const file = join(ws, 's.experiment.json');
  writeFileSync(file, JSON.stringify({
    name: 'seeds',
    data: { kind: 'ring', samples: 200, validation: 0.2 },
    model: { hidden: [4, 4], init: 'torch' },
    loss: 'cross-entropy',
    optimizer: { kind: 'adam', lr: 0.01 },
    training: { epochs },
    baseline: 'logistic',
    sweep: { seed: [...Array(seeds).keys()] },
    record: { every: 10, grid: 20 },
  }));
  return { ws, file };
}

async function train(file: string, ws: string, threads: number | undefined, signal?: AbortSignal, onMsg?: (m: FromWorker) => void) {
  const messages: FromWorker[] = [];
  const result = await runExperiment(file, {
    workspaceRoot: ws, backend: 'auto', outDir: join(ws, `out-${threads ?? 'inline'}`), signal,
    threads: threads === undefined ? undefined : { count: threads, workerFile },
    emit: (m) => {
      messages.push(m);
      onMsg?.(m);
    },
  });
  return { result, messages };
}

/** What must not depend on where a run trained. */
function numbers(r: ExperimentResult) {
  return r.runs.map((run) => ({
    id: run.id, status: run.status, params: run.params, kernel: run.kernel,
    history: run.history.map(({ ms: _ms, ...e }) => e),
    snapshots: run.snapshots, final: run.final, report: run.report, neuronMaps: run.neuronMaps,
  }));
}

/** The stream's shape: which message about which run, in order. */
function sequence(messages: FromWorker[]) {
  return messages.map((m) => `${m.type}:${'runId' in m ? m.runId : 'run' in m ? m.run.id : ''}`);
}

test('a seed study trained on two threads equals the same runs trained one by one, message for message', async () => {
  const { ws, file } = seedStudy(60, 5);
  const inline = await train(file, ws, undefined);
  const threaded = await train(file, ws, 2);
  assert.equal(inline.result.runs.length, 10); // each seed: the MLP and its logistic baseline
  assert.deepEqual(numbers(threaded.result), numbers(inline.result));
  assert.deepEqual(sequence(threaded.messages), sequence(inline.messages));
  assert.deepEqual(threaded.result.summary.groups, inline.result.summary.groups);
  // Every run saved its model, as inline.
  for (const run of threaded.result.runs) assert.ok(run.modelDir && existsSync(join(run.modelDir, 'model.json')), run.id);
});

test('cancelling a threaded study keeps what ran and leaves no directory for runs that never started', async () => {
  const { ws, file } = seedStudy(400, 12);
  const controller = new AbortController();
  const { result, messages } = await train(file, ws, 2, controller.signal, (m) => {
    if (m.type === 'epoch' && m.epoch.epoch === 20) controller.abort();
  });
  assert.equal(result.cancelled, true);
  const started = messages.filter((m) => m.type === 'runStart').length;
  assert.ok(result.runs.length >= 1 && result.runs.length < 13, `${result.runs.length} runs recorded`);
  assert.equal(result.runs.length, started, 'every run that started ends with a record');
  assert.ok(result.runs.some((r) => r.status === 'cancelled'));
  for (const run of result.runs) assert.ok(run.history.length > 0 || run.status === 'cancelled');
  const dirs = readdirSync(join(ws, 'out-2')).filter((d) => !d.endsWith('.json') && !d.endsWith('.html'));
  assert.deepEqual(dirs.sort(), result.runs.map((r) => r.id).sort());
  assert.equal(messages.at(-1)?.type, 'experimentEnd');
});
