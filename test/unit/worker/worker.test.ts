// The training worker as the extension uses it: the built dist/worker.js in a worker thread,
// speaking only the protocol's messages.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromTrainWorker as FromWorker, ToWorker } from '../../../src/protocol';
import { readRunDir } from '../../../src/core/run/store';

const root = resolve(__dirname, '../../..');

before(() => {
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

function experiment(spec: object): { ws: string; file: string } {
  const ws = mkdtempSync(join(tmpdir(), 'logit-lab-worker-'));
  const file = join(ws, 'w.experiment.json');
  writeFileSync(file, JSON.stringify(spec));
  return { ws, file };
}

/** Runs the worker until `until` says stop; returns every message in arrival order. */
function converse(send: (w: Worker) => void, until: (m: FromWorker, all: FromWorker[], w: Worker) => boolean): Promise<FromWorker[]> {
  const worker = new Worker(join(root, 'dist', 'worker.js'));
  const all: FromWorker[] = [];
  return new Promise((resolvePromise, reject) => {
    worker.on('message', (m: FromWorker) => {
      all.push(m);
      if (until(m, all, worker)) void worker.terminate().then(() => resolvePromise(all));
    });
    worker.on('error', reject);
    send(worker);
  });
}

test('trains an experiment and streams protocol messages in order, then predicts from the saved model', async () => {
  const { ws, file } = experiment({ name: 'w', data: { kind: 'moons', samples: 100 }, model: { hidden: [6] }, training: { epochs: 40 }, record: { every: 10, grid: 20 } });
  const outDir = join(ws, 'out');
  const req: ToWorker = { type: 'train', experimentPath: file, workspaceRoot: ws, backend: 'auto', outDir };
  const msgs = await converse((w) => w.postMessage(req), (m) => m.type === 'reportWritten');
  const types = msgs.map((m) => m.type);
  // The report last, after the experiment's end: the panel's final picture does not wait for it.
  assert.deepEqual(types.slice(-2), ['experimentEnd', 'reportWritten']);
  const written = msgs.at(-1)!;
  assert.ok(written.type === 'reportWritten' && written.path === join(outDir, 'report.html') && !written.error, JSON.stringify(written));
  assert.deepEqual(types.slice(0, 3), ['backend', 'experimentStart', 'runStart']);
  assert.equal(types.filter((t) => t === 'epoch').length, 40);
  assert.equal(types.filter((t) => t === 'snapshot').length, 4);
  const epochs = msgs.flatMap((m) => (m.type === 'epoch' ? [m.epoch.epoch] : []));
  assert.deepEqual(epochs, Array.from({ length: 40 }, (_, i) => i + 1), 'epochs arrive in order');
  const end = msgs.find((m) => m.type === 'runEnd');
  assert.ok(end && end.type === 'runEnd' && end.run.modelDir);
  const modelDir = end.run.modelDir!;
  assert.ok(readFileSync(join(outDir, 'report.html'), 'utf8').includes('<script'));

  const replies = await converse(
    (w) => w.postMessage({ type: 'predict', requestId: 7, modelDir, input: { x0: 0.5, x1: -0.3 } } satisfies ToWorker),
    (m) => m.type === 'prediction',
  );
  const reply = replies.at(-1)!;
  assert.equal(reply.type, 'prediction');
  assert.ok(reply.type === 'prediction' && reply.probs, JSON.stringify(reply));
  const probs = Object.values((reply as { probs: Record<string, number> }).probs);
  assert.equal(probs.length, 2);
  assert.ok(Math.abs(probs[0] + probs[1] - 1) < 1e-5);

  const bad = await converse((w) => w.postMessage({ type: 'predict', requestId: 8, modelDir, input: { x0: 1 } } satisfies ToWorker), (m) => m.type === 'prediction');
  const err = bad.at(-1) as { error?: string };
  assert.match(err.error ?? '', /x1/, 'a missing column is named');
});

test('cancel keeps what was recorded and ends the experiment as cancelled', async () => {
  const { ws, file } = experiment({ name: 'long', data: { kind: 'moons', samples: 200 }, model: { hidden: [32, 32] }, training: { epochs: 100000 }, record: { every: 1000, grid: 20 } });
  const outDir = join(ws, 'out');
  const msgs = await converse(
    (w) => w.postMessage({ type: 'train', experimentPath: file, workspaceRoot: ws, backend: 'auto', outDir } satisfies ToWorker),
    (m, all, w) => {
      if (m.type === 'epoch' && m.epoch.epoch === 30) w.postMessage({ type: 'cancel' } satisfies ToWorker);
      return m.type === 'experimentEnd';
    },
  );
  const end = msgs.at(-1)!;
  assert.ok(end.type === 'experimentEnd' && end.cancelled);
  const runEnd = msgs.find((m) => m.type === 'runEnd');
  assert.ok(runEnd && runEnd.type === 'runEnd');
  assert.equal(runEnd.run.stopReason, 'cancelled');
  const saved = readRunDir(runEnd.dir)!;
  assert.equal(saved.status, 'cancelled');
  assert.ok(existsSync(join(runEnd.dir, 'model', 'model.json')), 'a cancelled run keeps the model it had');
  assert.ok(saved.history.length >= 30 && saved.history.length < 100000);
});

test('a broken experiment file comes back as an error with its location', async () => {
  const { ws, file } = experiment({ name: 'bad', data: { kind: 'moons' }, loss: 'bce_with_logits' });
  const msgs = await converse(
    (w) => w.postMessage({ type: 'train', experimentPath: file, workspaceRoot: ws, backend: 'auto', outDir: join(ws, 'out') } satisfies ToWorker),
    (m) => m.type === 'experimentEnd',
  );
  const error = msgs.find((m) => m.type === 'error');
  assert.ok(error && error.type === 'error');
  assert.match(error.message, /bce-with-logits/);
  assert.equal(error.location?.line, 1);
});
