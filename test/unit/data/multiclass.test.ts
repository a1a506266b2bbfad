// Multi-class tabular targets: k quantile bands of the rule's noisy logit (k = 2 stays the binary
// lesson, bit for bit), and a CSV target with more than two values — each trained end to end with
// cross-entropy into a k×k confusion matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSpec } from '../../../src/core/experiment/schema';
import { describeData, generate } from '../../../src/core/data';
import { LogitLabError } from '../../../src/core/errors';
import { compileRule, quantileClasses, ruleLogit } from '../../../src/core/data/datasets/tabular';
import { runExperiment } from '../../../src/core/runner';

const ctx = { baseDir: __dirname, workspaceRoot: __dirname };
const counts = (y: ArrayLike<number>, k: number) => Array.from({ length: k }, (_, c) => Array.from(y).filter((label) => label === c).length);
/** Band sizes by the quantile definition: ranks ⌊c·n/k⌋ … ⌊(c+1)·n/k⌋ − 1 form class c. */
const bandSizes = (n: number, k: number) => Array.from({ length: k }, (_, c) => Math.floor(((c + 1) * n) / k) - Math.floor((c * n) / k));

test('tabular classes k: ordered bands of the rule\'s logit, of equal size, named 0..k-1', () => {
  for (const [k, samples] of [[3, 1000], [4, 999], [7, 350]]) {
    const spec = DataSpec.parse({ kind: 'tabular', samples, classes: k, rule: { noise: 0 } });
    if (spec.kind !== 'tabular') throw new Error('unreachable');
    const data = generate(spec, ctx);
    assert.deepEqual(data.classNames, Array.from({ length: k }, (_, c) => String(c)));
    assert.deepEqual(describeData(spec, ctx).classNames, data.classNames);
    assert.deepEqual(counts(data.y, k), bandSizes(samples, k), `k=${k}`);
    // Without noise the bands are the rule's own logit cut in order: every score of class c lies below every score of c+1.
    const rule = compileRule(spec.rule, spec.features);
    const scores = Array.from({ length: data.n }, (_, i) => ruleLogit(rule, data.x.subarray(i * data.d, (i + 1) * data.d)));
    for (let c = 0; c + 1 < k; c++) {
      const top = Math.max(...scores.filter((_, i) => data.y[i] === c));
      const bottom = Math.min(...scores.filter((_, i) => data.y[i] === c + 1));
      assert.ok(top < bottom, `class ${c} ends at ${top}, class ${c + 1} starts at ${bottom}`);
    }
  }
});

test('quantile bands keep equal scores together (a tie across a cut goes to the upper band)', () => {
  assert.deepEqual(quantileClasses([5, 1, 3, 3, 9, 7], 3), [1, 0, 1, 1, 2, 2]);
  assert.deepEqual(quantileClasses([2, 2, 2, 2], 2), [1, 1, 1, 1]);
});

test('tabular classes 2 is the binary lesson: the same points, labels the sign of the noisy logit', () => {
  const implicit = generate(DataSpec.parse({ kind: 'tabular', seed: 4 }), ctx);
  const explicit = generate(DataSpec.parse({ kind: 'tabular', seed: 4, classes: 2 }), ctx);
  const three = generate(DataSpec.parse({ kind: 'tabular', seed: 4, classes: 3 }), ctx);
  assert.deepEqual(explicit, implicit);
  assert.deepEqual(three.x, implicit.x, 'the classes change the labels only');
  assert.deepEqual(implicit.classNames, ['0', '1']);
});

test('a tabular table too large to generate is refused at data.samples before any drawing', () => {
  const spec = DataSpec.parse({ kind: 'tabular', samples: 1_000_000, features: 100 });
  for (const run of [() => describeData(spec, ctx), () => generate(spec, ctx)]) {
    assert.throws(run, (e: unknown) => e instanceof LogitLabError && e.details.jsonPath?.join('.') === 'data.samples' && /at most 640,000/.test(e.hint ?? ''));
  }
  assert.equal(describeData(DataSpec.parse({ kind: 'tabular', samples: 640_000, features: 100 }), ctx).samples, 640_000, 'the limit itself is allowed');
});

function workspace(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'logit-lab-multiclass-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Trains the experiment for real (wasm backend) and returns its single run's record. */
async function trainOne(dir: string, experiment: object) {
  const file = join(dir, 'multi.experiment.json');
  writeFileSync(file, JSON.stringify(experiment));
  const result = await runExperiment(file, { workspaceRoot: dir, backend: 'wasm', outDir: join(dir, 'out') });
  assert.equal(result.failures.length, 0, JSON.stringify(result.failures));
  return result.runs[0];
}

test('a 3-class tabular target trains with cross-entropy into a 3×3 confusion matrix', async (t) => {
  const dir = workspace(t);
  const run = await trainOne(dir, {
    name: 'tabular3', data: { kind: 'tabular', samples: 600, classes: 3, rule: { noise: 0 } },
    model: { hidden: [16] }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.02 },
    training: { epochs: 150 }, record: { every: 50, grid: 10 },
  });
  assert.deepEqual(run.classNames, ['0', '1', '2']);
  const val = run.report!.val!;
  assert.equal(val.confusion.length, 3);
  assert.ok(val.confusion.every((row) => row.length === 3));
  assert.equal(val.confusion.flat().reduce((a, b) => a + b, 0), 120);
  assert.ok(val.accuracy > 0.6, `validation accuracy ${val.accuracy} (chance is 1/3)`);
});

test('a CSV target with more than two values: classes named by its values, trained with cross-entropy', async (t) => {
  const dir = workspace(t);
  // Three classes of a make_classification draw, written as a CSV with word labels.
  const source = generate(DataSpec.parse({ kind: 'classification', samples: 300, features: 4, informative: 2, redundant: 0, classes: 3, clustersPerClass: 1, classSep: 2, flipY: 0, randomState: 0 }), ctx);
  const names = ['low', 'mid', 'high'];
  const lines = ['a,b,c,d,grade', ...Array.from({ length: source.n }, (_, i) => [...source.x.subarray(i * 4, i * 4 + 4)].map((v) => v.toFixed(5)).concat(names[source.y[i]]).join(','))];
  writeFileSync(join(dir, 'grades.csv'), `${lines.join('\n')}\n`);
  const run = await trainOne(dir, {
    name: 'csv3', data: { kind: 'csv', path: 'grades.csv', target: 'grade' },
    model: { hidden: [8] }, loss: 'cross-entropy', training: { epochs: 100 }, record: { every: 50, grid: 10 },
  });
  assert.deepEqual(run.classNames, ['high', 'low', 'mid'], 'string labels sorted');
  const val = run.report!.val!;
  assert.deepEqual(val.confusion.map((row) => row.length), [3, 3, 3]);
  assert.deepEqual(val.perClass.map((c) => c.name), ['high', 'low', 'mid']);
  assert.ok(val.accuracy > 0.7, `validation accuracy ${val.accuracy}`);
});
