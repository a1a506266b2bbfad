// Warnings are not only for the terminal: the checker's warnings and the data's notes travel with
// each run (live, on disk, in the report), so the panel can say them too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../../../src/core/runner';
import { readRunDir } from '../../../src/core/run/store';
import type { FromWorker } from '../../../src/protocol';

test('a run carries its experiment\'s warnings from its start to its manifest', async () => {
  const work = mkdtempSync(join(tmpdir(), 'logit-lab-notes-'));
  const file = join(work, 'notes.experiment.json');
  writeFileSync(file, JSON.stringify({ name: 'notes', data: { kind: 'moons', samples: 60 }, loss: 'mse', training: { epochs: 3, batchSize: 500 }, record: { every: 10, grid: 10 } }));
  const msgs: FromWorker[] = [];
  const result = await runExperiment(file, { workspaceRoot: work, backend: 'wasm', outDir: join(work, 'out'), emit: (m) => msgs.push(m) });
  const start = msgs.find((m) => m.type === 'runStart');
  assert.ok(start && start.type === 'runStart');
  const notes = start.run.notes ?? [];
  assert.ok(notes.some((n) => /mse/.test(n)), `notes at the start: ${notes.join(' | ')}`);
  assert.ok(notes.some((n) => /batch size 500 is larger/.test(n)), `notes at the start: ${notes.join(' | ')}`);
  assert.deepEqual(readRunDir(result.runDirs[0])!.notes, notes);
});
