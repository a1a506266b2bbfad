// Kill the CLI at random moments (SIGKILL: no handler runs) while it trains and writes, and read
// what it left: every run directory must read back as the run up to its last complete event —
// epochs 1…n without a gap, whole snapshots no later than the last epoch, never an unreadable run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRunDir } from '../../../src/core/run/store';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'bin', 'logit-lab.js');

/** Seeded, so a failure names a reproducible moment. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('SIGKILL at random moments never leaves a lost or unreadable run', { skip: !existsSync(join(ROOT, 'dist', 'cli.js')) && 'run `npm run build` first' }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'logit-lab-kill-'));
  const file = join(work, 'kill.experiment.json');
  writeFileSync(file, JSON.stringify({
    name: 'kill', data: { kind: 'moons', samples: 200 }, training: { epochs: 15000 },
    sweep: { seed: [0, 1] }, record: { every: 5, grid: 40 },
  }));
  const random = mulberry32(20261205);
  const trials = 10;
  let withEpochs = 0;
  for (let trial = 0; trial < trials; trial++) {
    const out = join(work, `out-${trial}`);
    const child = spawn(process.execPath, [CLI, 'train', file, '--out', out, '--quiet', '--no-png', '--threads', '1'], { stdio: 'ignore' });
    // Listened for from the start: a training that ends before its kill has exited already.
    const exited = new Promise((r) => child.once('exit', r));
    // From start-up (nothing written yet) to well into the second run.
    const after = 300 + random() * 3500;
    await Promise.race([new Promise((r) => setTimeout(r, after)), exited]);
    child.kill('SIGKILL');
    await exited;
    if (!existsSync(out)) continue;
    for (const name of readdirSync(out, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
      const dir = join(out, name);
      const record = readRunDir(dir);
      assert.ok(record, `trial ${trial} (killed after ${after.toFixed(0)} ms): ${dir} does not read as a run`);
      record.history.forEach((e, i) => assert.equal(e.epoch, i + 1, `trial ${trial}: epochs have a gap at ${i + 1}`));
      const last = record.history.at(-1)?.epoch ?? 0;
      for (const s of record.snapshots) {
        assert.ok(s.epoch <= last, `trial ${trial}: a snapshot at epoch ${s.epoch} is ahead of the last epoch ${last}`);
        assert.equal(s.probs.length, 40 * 40);
      }
      if (record.history.length > 0) withEpochs++;
    }
  }
  assert.ok(withEpochs >= trials / 2, `only ${withEpochs} killed runs had recorded epochs: the kills came too early to test anything`);
});
