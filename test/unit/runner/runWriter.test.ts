// run.json while a run trains: snapshots (Float64Arrays in memory) are written as plain arrays,
// each one serialized once and reused by later writes, and the file always equals the record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepare } from '../../../src/core/data';
import { trainRun, type RunRecord } from '../../../src/core/engine';
import { RunSpec } from '../../../src/core/experiment/schema';
import { toJson } from '../../../src/core/json';
import { RunWriter } from '../../../src/core/runner';

const root = join(__dirname, '../../..');

test('toJson writes typed arrays as arrays and leaves everything else as JSON.stringify does', () => {
  const value = { a: new Float64Array([0.25, 1, 0]), b: [{ c: new Float32Array([0.5]) }, 3, null, 'x'], d: { e: [1, 2] }, f: undefined };
  assert.deepEqual(JSON.parse(toJson(value)), { a: [0.25, 1, 0], b: [{ c: [0.5] }, 3, null, 'x'], d: { e: [1, 2] } });
  const plain = { history: [{ epoch: 1, loss: 0.5 }], name: 'n', nested: { list: [[1, 2], [3]] } };
  assert.equal(toJson(plain), JSON.stringify(plain));
  assert.equal(toJson(plain, 2), JSON.stringify(plain, null, 2));
  assert.ok(value.a instanceof Float64Array, 'the value itself is left as it was');
});

test('run.json during and after training equals the record, snapshots as arrays', async () => {
  const spec = RunSpec.parse({ data: { kind: 'moons', samples: 120 }, model: { hidden: [6] }, training: { epochs: 40 }, record: { every: 5, grid: 15 } });
  const data = prepare(spec.data, { baseDir: root, workspaceRoot: root });
  const dir = mkdtempSync(join(tmpdir(), 'logit-lab-writer-'));
  const writer = new RunWriter(dir);
  const read = () => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunRecord;
  const expected = (r: RunRecord) => JSON.parse(toJson(r)) as RunRecord;
  let checks = 0;
  const { record } = await trainRun(spec, data, {
    id: 'r', group: 'g', kind: 'model', kernel: 'js',
    onSnapshot: (_s, _g, run) => {
      // Forced each time, so every write reuses the texts of the snapshots before it.
      writer.write(run, true);
      assert.deepEqual(read(), expected(run));
      checks++;
    },
  });
  assert.equal(checks, 8);
  assert.ok(record.snapshots[0].probs instanceof Float64Array);
  // A snapshot replaced in place (same index, new object) is written anew, not from the cache.
  record.snapshots[2] = { ...record.snapshots[2], probs: new Float64Array(record.snapshots[2].probs.length).fill(0.5) };
  writer.write(record, true);
  const saved = read();
  assert.deepEqual(saved, expected(record));
  assert.ok(Array.isArray(saved.snapshots[2].probs) && saved.snapshots[2].probs.every((p) => p === 0.5));
  assert.equal(saved.snapshots[0].probs.length, 15 * 15);
});
