// The run store: what a training writes reads back as the record it was live (the same events
// through the same applyRunEvent), older run.json directories still open, retention thins long
// runs identically live and on disk, and NaN is data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { RunSpec } from '../../../src/core/experiment/schema';
import { prepare } from '../../../src/core/data';
import { initBackend, trainRun } from '../../../src/core/engine';
import type { RunRecord } from '../../../src/core/engine/types';
import type { RunEvent } from '../../../src/protocol';
import { applyRunEvent } from '../../../src/core/run/apply';
import { EPOCHS, packRun, readRunDir, RunStoreWriter, SNAPSHOTS } from '../../../src/core/run/store';
import { unpackRun } from '../../../src/core/run/packed';
import { isLogSample } from '../../../src/core/run/retention';
import { filterGrid, unfilterGrid } from '../../../src/core/run/gridCodec';
import { RunHistory, rememberRun } from '../../../src/core/run/history';

const ctx = { baseDir: process.cwd(), workspaceRoot: process.cwd() };

/** Trains a run, writing its store as the runner does; returns the live record and the directory. */
async function trainStored(partial: Record<string, unknown>) {
  await initBackend('wasm');
  const spec = RunSpec.parse(partial);
  const data = prepare(spec.data, ctx);
  const dir = join(mkdtempSync(join(tmpdir(), 'logit-lab-store-')), 'run');
  const writer = new RunStoreWriter(dir);
  let live: RunRecord | undefined;
  const events: RunEvent[] = [];
  const result = await trainRun(spec, data, {
    id: 'r', group: 'g', kind: 'model',
    onEvent: (e) => {
      events.push(e);
      live = applyRunEvent(live, e);
      writer.write(e, live!);
    },
  });
  const { history: _h, snapshots: _s, ...header } = result.record;
  live = applyRunEvent(live, { type: 'runEnd', runId: 'r', run: header });
  writer.end(live!);
  return { live: live!, dir, events, result };
}

test('a run read back from its store equals the record built live, bit for bit', async () => {
  const { live, dir, result } = await trainStored({ data: { kind: 'moons', samples: 200 }, training: { epochs: 120 }, record: { every: 10, grid: 40 } });
  const read = readRunDir(dir)!;
  assert.deepEqual(read.history, live.history);
  assert.equal(read.snapshots.length, 12);
  assert.deepEqual(read.snapshots.map((s) => Array.from(s.probs)), live.snapshots.map((s) => Array.from(s.probs)));
  assert.deepEqual(read.neuronMaps, live.neuronMaps);
  assert.equal(read.final?.trainAcc, result.record.final?.trainAcc);
  assert.equal(read.status, 'completed');
  // The record the engine returned is the same run too: one apply, one record.
  assert.deepEqual(live.history, result.record.history);
});

test('a run that just ended is read from memory until its files change', async () => {
  const { live, dir } = await trainStored({ data: { kind: 'moons', samples: 100 }, training: { epochs: 40 }, record: { every: 10, grid: 20 } });
  rememberRun(dir, live);
  const history = new RunHistory(tmpdir());
  assert.equal((await history.readRun(dir))?.record, live, 'the record the stream built, not a second read of its files');
  writeFileSync(join(dir, EPOCHS), readFileSync(join(dir, EPOCHS), 'utf8').split('\n').slice(0, 10).join('\n') + '\n');
  const reread = (await history.readRun(dir))?.record;
  assert.notEqual(reread, live);
  assert.equal(reread?.history.length, 10, 'changed files are read again');
});

test('three classes and a report: the packed form unpacks to the same record', async () => {
  const { live } = await trainStored({ data: { kind: 'blobs', samples: 150, classes: 3 }, loss: 'cross-entropy', training: { epochs: 30 }, record: { every: 10, grid: 30 } });
  const packed = JSON.parse(JSON.stringify(packRun(live)));
  const back = unpackRun(packed, (b) => inflateRawSync(b));
  assert.deepEqual(back.history, live.history);
  assert.deepEqual(back.snapshots.map((s) => Array.from(s.probs)), live.snapshots.map((s) => Array.from(s.probs)));
  assert.equal(back.snapshots[0].probs.length, 30 * 30 * 3);
});

test('the grid codec keeps NaN, ±Infinity, negatives and large values', () => {
  const values = Float64Array.from([0, 0.5, 1, NaN, Infinity, -Infinity, -3.25, 12345.678, 0.001, 0.999, NaN, 0.25]);
  const layout = { nx: 4, channels: 1, scale: 1e3 };
  const back = unfilterGrid(filterGrid(values, layout), layout);
  assert.deepEqual(Array.from(back), Array.from(values));
});

test('retention: all recent snapshots, a log sample of older ones — the same set live and read back', async () => {
  const { live, dir } = await trainStored({
    data: { kind: 'moons', samples: 100 }, training: { epochs: 2000 }, record: { every: 2, grid: 12, keep: { recent: 50, perDoubling: 4 } },
  });
  const epochs = live.snapshots.map((s) => s.epoch);
  // The last 50 snapshots are all there …
  assert.deepEqual(epochs.slice(-50), Array.from({ length: 50 }, (_, i) => 2000 - 98 + 2 * i));
  // … and older ones only when they are log samples, denser early on.
  const older = epochs.slice(0, -50);
  assert.ok(older.every((e) => isLogSample(e, 2, 4)), 'an old snapshot that is not a log sample was kept');
  assert.ok(older.length > 10 && older.length < 60, `${older.length} older snapshots kept`);
  assert.ok(older.filter((e) => e <= 100).length > older.filter((e) => e > 1000).length, 'older snapshots should be denser early');
  const onDisk = readdirSync(join(dir, SNAPSHOTS)).length;
  assert.equal(onDisk, epochs.length, 'files on disk = snapshots kept');
  assert.deepEqual(readRunDir(dir)!.snapshots.map((s) => s.epoch), epochs);
});

test('a diverged run records its non-finite loss and is read back with it', async () => {
  const { live, dir } = await trainStored({ data: { kind: 'moons', samples: 100 }, optimizer: { kind: 'sgd', lr: 1e4, momentum: 0.9 }, training: { epochs: 500 }, record: { every: 5, grid: 10 } });
  assert.equal(live.status, 'diverged');
  const last = live.history.at(-1)!;
  assert.ok(!Number.isFinite(last.trainLoss) || !Number.isFinite(last.valLoss!), `the last epoch's losses ${last.trainLoss} / ${last.valLoss}: one should be non-finite`);
  const read = readRunDir(dir)!;
  assert.equal(read.history.length, live.history.length);
  assert.deepEqual(read.history.at(-1), last, 'NaN and Infinity read back as themselves');
  assert.equal(read.status, 'diverged');
});

test('a torn last epoch line and a half-written snapshot file are not part of the run', async () => {
  const { live, dir } = await trainStored({ data: { kind: 'moons', samples: 100 }, training: { epochs: 40 }, record: { every: 10, grid: 10 } });
  writeFileSync(join(dir, EPOCHS), readFileSync(join(dir, EPOCHS), 'utf8') + '{"epoch":41,"trainLo');
  writeFileSync(join(dir, SNAPSHOTS, 'e0000000050.grid'), Buffer.from([0x4c, 0x4c, 0x47]));
  const read = readRunDir(dir)!;
  assert.equal(read.history.length, live.history.length);
  assert.deepEqual(read.snapshots.map((s) => s.epoch), live.snapshots.map((s) => s.epoch));
});

test('a run.json directory of an earlier version still reads, null grid cells as NaN', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logit-lab-legacy-'));
  const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'runs', 'moons-mlp.run.json'), 'utf8')) as RunRecord;
  (fixture.snapshots[0].probs as (number | null)[])[0] = null;
  mkdirSync(join(dir, 'run'));
  writeFileSync(join(dir, 'run', 'run.json'), JSON.stringify(fixture));
  const read = readRunDir(join(dir, 'run'))!;
  assert.equal(read.id, fixture.id);
  assert.equal(read.history.length, fixture.history.length);
  assert.ok(Number.isNaN(read.snapshots[0].probs[0]));
  assert.equal(read.snapshots.length, fixture.snapshots.length);
});

test('writes are O(new data): the manifest is written at the start and the end only', async () => {
  const spec = RunSpec.parse({ data: { kind: 'moons', samples: 100 }, training: { epochs: 300 }, record: { every: 10, grid: 10 } });
  await initBackend('wasm');
  const dir = join(mkdtempSync(join(tmpdir(), 'logit-lab-store-')), 'run');
  const writer = new RunStoreWriter(dir);
  let live: RunRecord | undefined;
  const manifestTimes = new Set<number>();
  await trainRun(spec, prepare(spec.data, ctx), {
    id: 'r', group: 'g', kind: 'model',
    onEvent: (e) => {
      live = applyRunEvent(live, e);
      writer.write(e, live!);
      manifestTimes.add(statSync(join(dir, 'manifest.json')).ino);
    },
  });
  assert.equal(manifestTimes.size, 1, 'the manifest was replaced while the run trained');
});
