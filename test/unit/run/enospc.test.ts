// A full disk mid-training (a 300 kB tmpfs): the CLI says so and exits 1, no stack trace, no
// temporary file left behind, and every run's manifest records its final status — its snapshot
// files give way to make room for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRunDir } from '../../../src/core/run/store';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'bin', 'logit-lab.js');

function tinyDisk(): string | undefined {
  if (process.getuid?.() !== 0 || process.platform !== 'linux') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'logit-lab-full-'));
  return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=300k', 'tmpfs', dir]).status === 0 ? dir : undefined;
}

const disk = existsSync(join(ROOT, 'dist', 'cli.js')) ? tinyDisk() : undefined;

test('a full disk ends each run with its final status recorded, and a message', { skip: !disk && 'needs root to mount a small tmpfs (and `npm run build`)' }, () => {
  try {
    const work = mkdtempSync(join(tmpdir(), 'logit-lab-full-ws-'));
    const file = join(work, 'full.experiment.json');
    writeFileSync(file, JSON.stringify({ name: 'full', data: { kind: 'moons' }, training: { epochs: 800 }, baseline: 'logistic', record: { every: 5, grid: 100 } }));
    const out = join(disk!, 'out');
    const r = spawnSync(process.execPath, [CLI, 'train', file, '--out', out, '--workspace', work, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    const said = r.stdout + r.stderr;
    assert.match(said, /ENOSPC/);
    assert.match(said, /the disk is full/);
    assert.doesNotMatch(said, /\n\s+at /, 'no stack trace');
    // The first run fills the disk: it must end recorded, with its status. A run that starts on an
    // already full disk may have no room even for a manifest: then the CLI has said so.
    const first = readRunDir(join(out, 'full'));
    assert.ok(first, 'the run that filled the disk reads back');
    assert.equal(first.status, 'failed');
    assert.match(first.message ?? '', /the disk is full/);
    const second = readRunDir(join(out, 'full_logistic'));
    if (second) assert.equal(second.status, 'failed');
    else assert.match(said, /full \(logistic\): .*ENOSPC/);
    const leftovers = spawnSync('find', [out, '-name', '*.tmp'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(leftovers, '', 'no temporary files left');
    assert.ok(readdirSync(out).length >= 2);
  } finally {
    spawnSync('umount', [disk!]);
  }
});
