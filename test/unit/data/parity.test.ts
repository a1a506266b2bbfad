// Without randomState our generators follow scikit-learn's formulas and parameters but draw from
// Logit Lab's own stream, so noiseless points are compared exactly and noisy ones statistically.
// With randomState they draw NumPy's stream: randomState.test.ts compares those bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pythonReference } from './pythonReference';
import { DataSpec } from '../../../src/core/experiment/schema';
import { generate } from '../../../src/core/data';

const ctx = { baseDir: __dirname, workspaceRoot: __dirname };
const SCRIPT = path.resolve(__dirname, '../../parity/sklearn_datasets.py');

const request = { moons: [7, 100, 301], circles: [[8, 0.5], [101, 0.3]], blobs: [[300, 3, 2], [101, 4, 5], [10, 12, 1]] };

interface Reference {
  moons: { n: number; x: number[][]; y: number[] }[];
  circles: { n: number; factor: number; x: number[][]; y: number[] }[];
  blobs: { n: number; k: number; d: number; counts: number[]; shape: number[] }[];
}

const reference = pythonReference<Reference>(SCRIPT, request);
const skip = typeof reference === 'string' ? reference : false;
if (skip) console.log(`skipping scikit-learn parity: ${skip}`);

function assertSamePoints(ours: ReturnType<typeof generate>, theirs: { x: number[][]; y: number[] }) {
  assert.equal(ours.n, theirs.y.length);
  assert.deepEqual(Array.from(ours.y), theirs.y);
  theirs.x.forEach(([a, b], i) => {
    assert.ok(Math.abs(ours.x[2 * i] - a) < 1e-6 && Math.abs(ours.x[2 * i + 1] - b) < 1e-6, `point ${i}: ours (${ours.x[2 * i]}, ${ours.x[2 * i + 1]}) vs sklearn (${a}, ${b})`);
  });
}

test('noiseless moons equal sklearn make_moons(shuffle=False)', { skip }, () => {
  for (const ref of (reference as Reference).moons) {
    assertSamePoints(generate(DataSpec.parse({ kind: 'moons', samples: ref.n, noise: 0 }), ctx), ref);
  }
});

test('noiseless circles equal sklearn make_circles(shuffle=False)', { skip }, () => {
  for (const ref of (reference as Reference).circles) {
    assertSamePoints(generate(DataSpec.parse({ kind: 'circles', samples: ref.n, noise: 0, factor: ref.factor }), ctx), ref);
  }
});

test('blobs class counts and shape equal sklearn make_blobs', { skip }, () => {
  for (const ref of (reference as Reference).blobs) {
    const ours = generate(DataSpec.parse({ kind: 'blobs', samples: ref.n, classes: ref.k, features: ref.d }), ctx);
    const counts = Array.from({ length: ref.k }, (_, c) => ours.y.filter((label) => label === c).length);
    assert.deepEqual(counts, ref.counts);
    assert.deepEqual([ours.n, ours.d], ref.shape);
  }
});

test('noise added to moons and circles has the requested standard deviation', () => {
  for (const [kind, noise] of [['moons', 0.1], ['circles', 0.05], ['moons', 0.3]] as const) {
    const clean = generate(DataSpec.parse({ kind, samples: 4000, noise: 0 }), ctx);
    const noisy = generate(DataSpec.parse({ kind, samples: 4000, noise }), ctx);
    const diff = Array.from(noisy.x, (v, i) => v - clean.x[i]);
    const mean = diff.reduce((a, b) => a + b, 0) / diff.length;
    const std = Math.sqrt(diff.reduce((a, b) => a + (b - mean) ** 2, 0) / diff.length);
    assert.ok(Math.abs(mean) < 0.01 * 3, `${kind} noise mean ${mean}`);
    assert.ok(Math.abs(std / noise - 1) < 0.05, `${kind} noise std ${std} for noise ${noise}`);
  }
});

test('blobs: centres inside center_box and the spread around each is cluster_std', () => {
  const spec = DataSpec.parse({ kind: 'blobs', samples: 3000, classes: 3, features: 2, std: 0.7, centerBox: [-5, 5] });
  const data = generate(spec, ctx);
  for (let c = 0; c < 3; c++) {
    const rows = Array.from({ length: data.n }, (_, i) => i).filter((i) => data.y[i] === c);
    for (let j = 0; j < 2; j++) {
      const values = rows.map((i) => data.x[i * 2 + j]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      assert.ok(mean > -5.2 && mean < 5.2, `centre ${mean}`);
      assert.ok(Math.abs(std / 0.7 - 1) < 0.1, `std ${std}`);
    }
  }
});
