// Every lesson example trains, and the lesson's point holds on the numbers it produces.
// Some runs are shortened with maxEpochs to keep the suite quick; the point still has to show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runExperiment, type ExperimentResult } from '../../../src/core/runner';
import type { RunRecord } from '../../../src/core/engine/types';

const root = resolve(__dirname, '../../..');
const examples = join(root, 'examples');
const heartCsv = resolve(root, '../shared/data/heart.csv');

async function train(name: string, maxEpochs?: number, workspace = root, file = join(examples, `${name}.experiment.json`)): Promise<ExperimentResult> {
  const result = await runExperiment(file, {
    workspaceRoot: workspace,
    backend: 'auto',
    outDir: mkdtempSync(join(tmpdir(), `logit-lab-example-${name}-`)),
    maxEpochs,
  });
  assert.equal(result.failures.length, 0, JSON.stringify(result.failures));
  for (const r of result.runs) assert.notEqual(r.stopReason, 'diverged', `${r.name}: ${r.message}`);
  return result;
}

const byName = (result: ExperimentResult, suffix: string): RunRecord => {
  const run = result.runs.find((r) => r.name.endsWith(suffix));
  assert.ok(run, `no run named …${suffix} in ${result.runs.map((r) => r.name).join(', ')}`);
  return run;
};
const valAcc = (r: RunRecord) => r.final!.valAcc!;
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * The lessons' notebooks run in PyTorch (test/parity/lesson_notebooks.py) as the examples
 * reconstruct them: Logit Lab must give the same numbers. Undefined (checks skipped, reason
 * printed) when Debian's python3 lacks torch or sklearn.
 */
interface NotebookNumbers {
  blobs: { trainAcc: number; valAcc: number };
  widthDepth: Record<string, number>;
  numpyMoons: { loss499: number; acc499: number };
}
const notebooks = ((): NotebookNumbers | string => {
  const run = spawnSync('/usr/bin/python3', [join(root, 'test', 'parity', 'lesson_notebooks.py')], { encoding: 'utf8' });
  if (run.error) return `/usr/bin/python3 not runnable: ${run.error.message}`;
  if (run.status !== 0) return run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`;
  return JSON.parse(run.stdout) as NotebookNumbers;
})();
const noNotebooks = typeof notebooks === 'string' ? notebooks : false;
if (noNotebooks) console.log(`# skipping the comparison with the lessons' PyTorch notebooks: ${noNotebooks}`);
const notebook = () => notebooks as NotebookNumbers;
const trainAcc = (r: RunRecord) => r.final!.trainAcc;

test('every example file is covered by this suite', () => {
  const files = readdirSync(examples).filter((f) => f.endsWith('.experiment.json')).map((f) => f.replace('.experiment.json', '')).sort();
  assert.deepEqual(files, ['blobs', 'capstone', 'circles', 'circles-features', 'clusters', 'heart', 'iris', 'moons', 'moons-width-depth', 'noise-features', 'numpy-moons', 'ring-batchnorm', 'ring-seeds', 'tabular', 'window', 'window-activations', 'window-lr-sweep']);
});

test('circles-features: logistic regression on (x0, x1) is a coin flip, on x0² and x1² it draws the circle', async () => {
  const r = await train('circles-features');
  const points = byName(r, 'points');
  const squares = byName(r, 'squares');
  assert.equal(points.params, 3);
  assert.equal(squares.params, 3, 'the same three parameters');
  assert.ok(valAcc(points) < 0.7, `points: ${percent(valAcc(points))}`);
  assert.ok(valAcc(squares) >= 0.97, `squares: ${percent(valAcc(squares))}`);
  // The boundary is drawn over the points, not over the derived features: the grid spans the data.
  assert.deepEqual(squares.grid, points.grid);
  const last = squares.snapshots.at(-1)!.probs;
  const g = squares.grid!;
  const centre = Math.floor(g.ny / 2) * g.nx + Math.floor(g.nx / 2);
  assert.ok(last[centre] > 0.9 && last[0] < 0.1, `P(inner) at the centre ${last[centre]}, at a corner ${last[0]}`);
});

test('ring-batchnorm: BatchNorm before each ReLU rescues the narrow network\'s stuck seeds', async () => {
  const r = await train('ring-batchnorm');
  assert.equal(r.runs.length, 40);
  const rate = (name: string) => r.summary.groups.find((g) => g.group.includes(`/${name}`))!.successRate!;
  const stuck = (name: string) => r.runs.filter((run) => run.name.includes(`/${name} `) && run.final!.trainAcc < 0.95).length;
  assert.ok(rate('batchnorm') > rate('plain'), `with BatchNorm ${rate('batchnorm')}, without ${rate('plain')}`);
  assert.ok(rate('batchnorm') >= 0.95, `with BatchNorm ${rate('batchnorm')} (${stuck('batchnorm')} seeds below 95%)`);
  assert.ok(stuck('plain') >= 3, `without BatchNorm only ${stuck('plain')} seeds fall short: the contrast would not show`);
});

test('moons: the MLP bends around the moons, logistic regression cannot', async () => {
  const r = await train('moons');
  const mlp = byName(r, 'moons-mlp');
  const logistic = byName(r, '(logistic)');
  assert.ok(valAcc(mlp) >= 0.95, `MLP val acc ${valAcc(mlp)}`);
  assert.ok(valAcc(logistic) < 0.9, `logistic val acc ${valAcc(logistic)}`);
  assert.equal(mlp.snapshots.length, 50, 'a boundary snapshot every 10 of 500 epochs');
});

test('window: an MLP fits the window that logistic regression cannot', async () => {
  const r = await train('window');
  const mlp = byName(r, 'window');
  const logistic = byName(r, '(logistic)');
  assert.equal(trainAcc(mlp), 1);
  // A single threshold can at best say "always 0": 33 of 40 points.
  assert.ok(trainAcc(logistic) <= 33 / 40 + 1e-9, `logistic train acc ${trainAcc(logistic)}`);
  assert.equal(mlp.grid?.ny, 1, '1-D data gets a line, not a grid');
});

test('window lr sweep: lr 0.001 has barely moved when 0.1 and 0.01 have fitted', async () => {
  const r = await train('window-lr-sweep');
  assert.equal(r.runs.length, 3);
  const loss = (suffix: string) => byName(r, suffix).final!.trainLoss;
  assert.ok(loss('lr=0.001') > 2 * loss('lr=0.01'), `${loss('lr=0.001')} vs ${loss('lr=0.01')}`);
  assert.ok(loss('lr=0.1') < 0.1);
});

test('window activations: relu and tanh both fit the window', async () => {
  const r = await train('window-activations');
  assert.equal(trainAcc(byName(r, '/relu')), 1);
  assert.ok(trainAcc(byName(r, '/tanh')) >= 0.95);
});

let widthDepth: Promise<ExperimentResult> | undefined;
const trainWidthDepth = () => (widthDepth ??= train('moons-width-depth'));
const widthDepthColumn = (r: ExperimentResult) => Object.fromEntries(r.runs.map((x) => [x.name.split('/')[1], valAcc(x)]));

test('moons width/depth table: five shapes, parameter counts as in the lesson, the lesson\'s 240/60 split', async () => {
  const r = await trainWidthDepth();
  const params = Object.fromEntries(r.runs.map((x) => [x.name.split('/')[1], x.params]));
  assert.deepEqual(params, { '2-4-1': 17, '2-16-1': 65, '2-32-1': 129, '2-8-8-1': 105, '2-16-16-1': 337 });
  for (const run of r.runs) {
    assert.equal(run.report!.val!.confusion.flat().reduce((a, b) => a + b, 0), 60, `${run.name}: the last 60 rows validate`);
    assert.ok(trainAcc(run) > 0.85, `${run.name} ${trainAcc(run)}`);
  }
});

test('moons width/depth table: the validation column equals the PyTorch notebook\'s, network by network', { skip: noNotebooks }, async () => {
  const ours = widthDepthColumn(await trainWidthDepth());
  console.log(`# width/depth validation column: Logit Lab ${JSON.stringify(ours)}, PyTorch ${JSON.stringify(notebook().widthDepth)}`);
  assert.deepEqual(ours, notebook().widthDepth);
});

// The lesson states 96.7–98.3% for every network. The notebook itself is not in this repository;
// with its data and split as reconstructed (make_moons(300, 0.2, random_state=42), X[:240]/X[240:],
// manual_seed(42), ReLU, Adam 0.01, 500 epochs) PyTorch and Logit Lab agree on another column.
// Searched in PyTorch (issue 15; test/parity/lesson_figures_search.py prints the decisive part): the
// 2-4-1 ReLU network is what keeps the column out of 58–59/60. On that setup it never reaches 58/60
// over manual_seed 0..99 (at most 57), and over make_moons random_state 0..99 only twice (65, 81,
// where other networks then drop to 57); mini-batches of 16, 32 or 64 leave it at 48–53/60.
// Thresholding logits at 0.5, the accuracy before the last update, epochs 100/200/1000, noise
// 0.1–0.3, lr 0.001/0.1 and SGD do not bring the column either. Only a setup that changes three of
// the stated details at once — train_test_split(test_size=0.2, random_state=42), Tanh, Adam lr 0.1 —
// puts all five networks at 58–59 for most seeds; nothing in the lesson says it used that.
test('moons width/depth table: the lesson\'s stated 96.7–98.3% validation column', { todo: 'not reproduced in PyTorch either: with ReLU, Adam 0.01 and the 240/60 split the 2-4-1 network stays ≤ 57/60 over 100 seeds and 98 of 100 data sets' }, async () => {
  const column = widthDepthColumn(await trainWidthDepth());
  for (const [name, acc] of Object.entries(column)) assert.ok(acc >= 58 / 60 - 1e-9 && acc <= 59 / 60 + 1e-9, `${name}: ${percent(acc)}`);
});

test('blobs: four classes, four logits, a 4×4 confusion matrix, the lesson\'s ≈ 99%', async () => {
  const r = await train('blobs');
  const run = r.runs[0];
  assert.equal(run.classNames.length, 4);
  assert.equal(run.report!.val!.confusion.length, 4);
  assert.ok(valAcc(run) >= 0.985 && trainAcc(run) >= 0.985, `train ${percent(trainAcc(run))}, val ${percent(valAcc(run))}: the lesson reports about 99%`);
  assert.equal(run.snapshots.at(-1)!.probs.length, 100 * 100 * 4, 'k probabilities per cell');
  if (!noNotebooks) assert.deepEqual({ trainAcc: trainAcc(run), valAcc: valAcc(run) }, notebook().blobs, 'the PyTorch notebook\'s accuracies');
});

test('numpy moons: the lesson\'s BCE 0.0377 at epoch 499, trained on all 300 points as the notebook does', async () => {
  const r = await train('numpy-moons');
  const run = r.runs[0];
  assert.equal(run.final!.valAcc ?? null, null, 'no validation split');
  const epoch499 = run.history[499];
  assert.equal(Math.round(epoch499.trainLoss * 1e4) / 1e4, 0.0377, `BCE at epoch 499: ${epoch499.trainLoss}`);
  if (!noNotebooks) {
    assert.ok(Math.abs(epoch499.trainLoss - notebook().numpyMoons.loss499) < 1e-5, `PyTorch ${notebook().numpyMoons.loss499}`);
    assert.equal(epoch499.trainAcc, notebook().numpyMoons.acc499);
  }
});

// The lesson's 0.0377 pins the training down: of 800 PyTorch variants (noise 0.1–0.3, data and torch
// seeds 0/42, linspace or random angles, Sigmoid+BCELoss, SGD 0.1/0.5/1, Adam 0.01/0.1, Tanh/ReLU)
// only the reconstruction gives it. Its epoch-499 accuracy is 100% however a notebook usually
// computes it: thresholding logits at 0.5 gives 99.7% (one point, logit 0.40), epoch 498's or
// epoch 500's forward 100%; 99.0% (297/300) holds at epochs 426–439 only. A separate test draw could
// give 99.0% (a further 50 per class from the same NumPy stream does), but so do several others, and
// the lesson speaks of epoch 499's training accuracy (test/parity/lesson_figures_search.py).
test('numpy moons: the lesson\'s stated 99.0% accuracy at epoch 499', { todo: 'not reproduced in PyTorch either: the reconstruction that gives the lesson\'s BCE 0.0377 has 100% at epoch 499 (99.7% thresholding logits at 0.5)' }, async () => {
  const run = (await train('numpy-moons')).runs[0];
  assert.equal(percent(run.history[499].trainAcc), '99.0%');
});

test('circles: a closed boundary for the MLP, a coin flip for logistic regression', async () => {
  const r = await train('circles', 300);
  assert.ok(valAcc(byName(r, 'circles')) >= 0.95);
  assert.ok(valAcc(byName(r, '(logistic)')) < 0.7);
});

test('clusters: a straight line separates two Gaussian clusters', async () => {
  const r = await train('clusters');
  assert.equal(r.runs[0].params, 3);
  assert.ok(valAcc(r.runs[0]) >= 0.85);
});

test('ring seed study: the wide network succeeds at least as often as the narrow one', async () => {
  const r = await train('ring-seeds');
  assert.equal(r.runs.length, 40);
  const groups = r.summary.groups;
  assert.equal(groups.length, 2);
  const rate = (name: string) => groups.find((g) => g.group.includes(name))!.successRate!;
  assert.ok(rate('2-8-8-2') >= rate('2-4-4-2'), `wide ${rate('2-8-8-2')} narrow ${rate('2-4-4-2')}`);
  assert.ok(rate('2-8-8-2') >= 0.8, `wide success ${rate('2-8-8-2')}`);
  // Runs stuck at ln 2 are flagged, and only those with a dead network.
  for (const run of r.runs) if (run.stuckAtLn2) assert.ok(Math.abs(run.final!.trainLoss - Math.LN2) < 0.01);
});

test('tabular: a hidden layer captures the product and square terms that logistic regression misses', async () => {
  const r = await train('tabular');
  const mlp = byName(r, 'tabular');
  assert.ok(valAcc(mlp) > valAcc(byName(r, '(logistic)')) + 0.03, `${valAcc(mlp)} vs logistic`);
  assert.deepEqual(mlp.grid!.features.map((i) => mlp.featureNames[i]), ['x2', 'x3']);
});

test('noise-features: appended noise columns are memorised and validation accuracy falls', async () => {
  const r = await train('noise-features');
  const mean = (features: number, pick: (run: RunRecord) => number) => {
    const runs = r.runs.filter((run) => run.name.includes(`features=${features} `));
    assert.equal(runs.length, 3, `three data seeds with ${features} features`);
    return runs.reduce((a, run) => a + pick(run), 0) / runs.length;
  };
  const [clean, some, many] = [4, 24, 104].map((f) => mean(f, valAcc));
  assert.ok(clean > some && some > many, `mean validation accuracy ${percent(clean)} > ${percent(some)} > ${percent(many)}`);
  assert.ok(clean - many > 0.1, `100 noise columns cost ${percent(clean - many)}`);
  assert.ok(mean(104, trainAcc) > 0.99, 'with 100 noise columns every training row is fitted');
  // The boundary is a slice over the two informative columns, the 102 others held at their means.
  const widest = r.runs.find((run) => run.featureNames.length === 104)!;
  assert.deepEqual(widest.grid!.features.map((i) => widest.featureNames[i]), ['x0', 'x1']);
  assert.equal(widest.snapshots.length, 20, 'a boundary snapshot every 20 of 400 epochs');
});

test('capstone: tiny underfits, big memorises, good generalises', async () => {
  const r = await train('capstone', 300);
  const [tiny, big, good] = ['/tiny', '/big', '/good'].map((s) => byName(r, s));
  assert.ok(trainAcc(big) > trainAcc(tiny), 'big fits the training set better than tiny');
  assert.ok(big.final!.trainLoss < good.final!.trainLoss, 'big drives the training loss lower');
  assert.ok(good.final!.valLoss! < big.final!.valLoss!, 'good has the lower validation loss');
  assert.ok(big.params > 100_000 && tiny.params < 20);
});

test('iris: three species from a slice through the petals', async () => {
  const r = await train('iris', 150);
  const run = r.runs[0];
  assert.deepEqual(run.classNames.length, 3);
  assert.ok(valAcc(run) >= 0.9, `val acc ${valAcc(run)}`);
  assert.deepEqual(run.grid!.features.map((i) => run.featureNames[i]), ['petal_length', 'petal_width']);
});

test('heart: the real CSV trains through the categorical pipeline', { skip: !existsSync(heartCsv) && !process.env.CI && `no ${heartCsv} (in CI this fails: CI must have ../shared)` }, async () => {
  const ws = mkdtempSync(join(tmpdir(), 'logit-lab-heart-ws-'));
  mkdirSync(join(ws, 'data'));
  copyFileSync(heartCsv, join(ws, 'data', 'heart.csv'));
  copyFileSync(join(examples, 'heart.experiment.json'), join(ws, 'heart.experiment.json'));
  const r = await train('heart', 60, ws, join(ws, 'heart.experiment.json'));
  const mlp = byName(r, 'heart');
  assert.ok(valAcc(mlp) > 0.7, `val acc ${valAcc(mlp)}`);
  assert.ok(mlp.featureNames.some((f) => f.startsWith('thal=')), 'thal is one-hot encoded');
});
