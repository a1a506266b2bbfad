// The CLI as a user runs it: the built bundle in a child process, real training, real files.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRunDir } from '../../../src/core/run/store';

const root = resolve(__dirname, '../../..');
const cli = join(root, 'bin', 'logit-lab.js');
const heartCsv = resolve(root, '../shared/data/heart.csv');

before(() => {
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

function run(args: string[], cwd: string) {
  // A CLI that finishes its work but does not exit (a thread left holding it) fails here, not hangs.
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000, killSignal: 'SIGKILL' });
  assert.notEqual(r.signal, 'SIGKILL', `logit-lab ${args.join(' ')} did not exit within 120 s: ${r.stdout.slice(0, 200)}`);
  return r;
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'logit-lab-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('train --json prints one document and writes the run store, PNGs, model and report', () => {
  const ws = workspace({
    'small.experiment.json': JSON.stringify({
      name: 'small', data: { kind: 'moons', samples: 120, noise: 0.1 }, model: { hidden: [8] },
      training: { epochs: 30 }, baseline: 'logistic', record: { every: 10, grid: 30 },
    }),
  });
  const r = run(['train', 'small.experiment.json', '--json', '--out', 'out'], ws);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.backend, 'wasm');
  assert.equal(doc.runs.length, 2);
  const [mlp, baseline] = doc.runs;
  assert.equal(mlp.kind, 'model');
  assert.equal(baseline.kind, 'baseline');
  assert.equal(mlp.epochs, 30);
  assert.equal(mlp.history.length, 30);
  assert.equal(mlp.params, 2 * 8 + 8 + 8 + 1);
  assert.equal(mlp.config.model.hidden[0], 8);
  for (const key of ['trainLoss', 'trainAcc', 'valLoss', 'valAcc']) assert.equal(typeof mlp.final[key], 'number');
  assert.ok(mlp.history[29].trainLoss < mlp.history[0].trainLoss, 'loss went down');
  const dir = join(ws, 'out', mlp.id);
  const png = readFileSync(join(dir, 'boundary.png'));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.ok(existsSync(join(dir, 'curves.png')));
  assert.ok(existsSync(join(dir, 'model', 'model.json')));
  const record = readRunDir(dir)!;
  assert.equal(record.status, 'completed');
  assert.equal(record.snapshots.length, 3);
  const html = readFileSync(join(ws, 'out', 'report.html'), 'utf8');
  assert.match(html, /<script type="application\/json"/);
  assert.ok(!/https?:\/\/(?!www\.w3\.org)/.test(html.replace(/<script[\s\S]*?<\/script>/g, '')), 'no remote content outside scripts');
});

test('plain progress lines and a table when stdout is not a terminal', () => {
  const ws = workspace({ 'w.experiment.json': JSON.stringify({ name: 'w', data: { kind: 'window', validation: 0 }, model: { hidden: [4] }, training: { epochs: 20 } }) });
  const r = run(['train', 'w.experiment.json', '--out', 'o', '--no-png'], ws);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /\[1\/1\] w epoch 20\/20 loss/);
  assert.ok(!r.stderr.includes('\r'), 'no carriage returns in logs');
  assert.match(r.stdout, /run\s+params\s+train loss/);
  assert.match(r.stdout, /^w\s+13\s/m, "1-4-1: 4 + 4 + 4 + 1 parameters");
});

test('bad input exits 2 with file:line:col, the field and a hint', () => {
  const text = '{\n  "name": "typo",\n  "data": { "kind": "moons" },\n  "model": { "hiden": [4] }\n}\n';
  const ws = workspace({ 'bad.experiment.json': text });
  const r = run(['train', 'bad.experiment.json'], ws);
  assert.equal(r.status, 2);
  const col = text.split('\n')[3].indexOf('"hiden"') + 1;
  assert.ok(r.stderr.includes(`bad.experiment.json:4:${col}`), r.stderr);
  assert.match(r.stderr, /hidden/);
  assert.equal(r.stdout, '');
});

test('a missing file and a data path outside the workspace are bad input', () => {
  const ws = workspace({ 'escape.experiment.json': JSON.stringify({ name: 'e', data: { kind: 'csv', path: '../../etc/passwd', target: 'x' } }) });
  assert.equal(run(['train', 'nope.experiment.json'], ws).status, 2);
  const r = run(['train', 'escape.experiment.json'], ws);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /workspace/);
});

test('a diverging run exits 1 and says why', () => {
  const ws = workspace({
    'div.experiment.json': JSON.stringify({ name: 'div', data: { kind: 'moons', samples: 100 }, model: { hidden: [8] }, optimizer: { kind: 'sgd', lr: 10000 }, training: { epochs: 50 } }),
  });
  const r = run(['train', 'div.experiment.json', '--json', '--out', 'o', '--quiet'], ws);
  assert.equal(r.status, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.runs[0].stopReason, 'diverged');
  assert.match(doc.runs[0].message, /diverged at epoch \d+ \(lr 10000 may be too high\)/);
});

test('heart: train on the real CSV, then predict a new patient through the same preprocessing', { skip: !existsSync(heartCsv) && !process.env.CI && `no ${heartCsv} (in CI this fails: CI must have ../shared)` }, () => {
  const ws = mkdtempSync(join(tmpdir(), 'logit-lab-heart-'));
  mkdirSync(join(ws, 'data'));
  copyFileSync(heartCsv, join(ws, 'data', 'heart.csv'));
  copyFileSync(join(root, 'examples', 'heart.experiment.json'), join(ws, 'heart.experiment.json'));
  const r = run(['train', 'heart.experiment.json', '--json', '--out', 'out', '--epochs', '30', '--no-png'], ws);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const mlp = doc.runs.find((x: { kind: string }) => x.kind === 'model');
  assert.ok(mlp.final.valAcc > 0.6, `val acc ${mlp.final.valAcc}`);
  const runDir = join(ws, 'out', mlp.id);
  const patient = { age: 60, sex: 1, cp: 4, trestbps: 140, chol: 290, fbs: 0, restecg: 2, thalach: 130, exang: 1, oldpeak: 2.5, slope: 2, ca: 2, thal: 'reversible' };
  const p = run(['predict', runDir, '--json', '--input', JSON.stringify([patient, { ...patient, thal: 'never-seen' }])], ws);
  assert.equal(p.status, 0, p.stderr);
  const probs = JSON.parse(p.stdout) as Record<string, number>[];
  assert.equal(probs.length, 2);
  for (const row of probs) assert.ok(Math.abs(Object.values(row).reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.notDeepEqual(probs[0], probs[1], 'an unseen category changes the input (explicit unknown)');
  const { age: _age, ...noAge } = patient;
  const missing = run(['predict', runDir, '--input', JSON.stringify(noAge)], ws);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /age/);
});

test('one training owns its folder: --out holding runs is refused, and timestamped folders never collide', async () => {
  const ws = workspace({ 'tiny.experiment.json': JSON.stringify({ name: 'tiny', data: { kind: 'moons', samples: 60 }, training: { epochs: 3 }, record: { every: 10, grid: 10 } }) });
  assert.equal(run(['train', 'tiny.experiment.json', '--out', 'out', '--quiet', '--no-png'], ws).status, 0);
  const again = run(['train', 'tiny.experiment.json', '--out', 'out', '--quiet', '--no-png'], ws);
  assert.equal(again.status, 2, again.stderr);
  assert.match(again.stderr, /already holds 1 run of an earlier training/);
  assert.match(again.stderr, /hint: pass a new folder to --out/);
  // Two trainings started together with the default folder get a folder each.
  const both = await Promise.all([0, 1].map(() => new Promise<number>((resolveExit) => {
    spawn(process.execPath, [cli, 'train', 'tiny.experiment.json', '--quiet', '--no-png', '--keep', '100'], { cwd: ws, stdio: 'ignore' }).on('exit', (code) => resolveExit(code ?? -1));
  })));
  assert.deepEqual(both, [0, 0]);
  const folders = readdirSync(join(ws, '.logit-lab', 'runs'));
  assert.equal(folders.length, 2, `folders: ${folders.join(', ')}`);
  for (const f of folders) assert.equal(readRunDir(join(ws, '.logit-lab', 'runs', f, 'tiny'))?.status, 'completed');
});

test('retention: --keep N keeps the newest N experiments, like the extension\'s logitLab.runs.keep', () => {
  const ws = workspace({ 'tiny.experiment.json': JSON.stringify({ name: 'tiny', data: { kind: 'moons', samples: 60 }, training: { epochs: 2 }, record: { every: 10, grid: 10 } }) });
  mkdirSync(join(ws, '.vscode'));
  writeFileSync(join(ws, '.vscode', 'settings.json'), '{\n  // as the extension reads it\n  "logitLab.runs.keep": 2\n}');
  for (let i = 0; i < 3; i++) assert.equal(run(['train', 'tiny.experiment.json', '--no-png'], ws).status, 0);
  assert.equal(readdirSync(join(ws, '.logit-lab', 'runs')).length, 2, 'the workspace setting keeps 2');
  const r = run(['train', 'tiny.experiment.json', '--no-png', '--keep', '1'], ws);
  assert.match(r.stderr, /retention: removed 2 older experiments/);
  assert.equal(readdirSync(join(ws, '.logit-lab', 'runs')).length, 1);
});
