// `logit-lab lint` over a folder of hostile files: every one that cannot be linted is an error
// naming it, and the run goes on — every other file's findings (and --fix edits) are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLintCommand } from '../../../src/cli/lint';

const FIXABLE = 'test/fixtures/lint/LL101/fire/direct.py';
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

async function run(paths: string[], cwd: string, extra: Partial<Parameters<typeof runLintCommand>[1]> = {}) {
  let out = '';
  let err = '';
  const code = await runLintCommand(paths, { format: 'text', cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), ...extra });
  return { code, out, err };
}

/** Each hostile entry with the error it must get. */
const HOSTILE: { name: string; make: (dir: string) => void; error: RegExp }[] = [
  { name: 'nullcell.ipynb', make: (d) => writeFileSync(join(d, 'nullcell.ipynb'), '{"cells":[null]}'), error: /not a Jupyter notebook: cell 0 is null/ },
  { name: 'source42.ipynb', make: (d) => writeFileSync(join(d, 'source42.ipynb'), '{"cells":[{"cell_type":"code","source":42}]}'), error: /the "source" of cell 0 is number 42/ },
  { name: 'list.ipynb', make: (d) => writeFileSync(join(d, 'list.ipynb'), '[1,2,3]'), error: /not a Jupyter notebook: expected a JSON object, got a list/ },
  { name: 'cells-object.ipynb', make: (d) => writeFileSync(join(d, 'cells-object.ipynb'), '{"cells":{"a":1}}'), error: /"cells" is not a list/ },
  { name: 'broken.ipynb', make: (d) => writeFileSync(join(d, 'broken.ipynb'), '{"cells":['), error: /not valid notebook JSON/ },
  { name: 'utf16.py', make: (d) => writeFileSync(join(d, 'utf16.py'), utf16('import torch\nx = torch.sigmoid(y)\n')), error: /encoded as UTF-16/ },
  { name: 'binary.py', make: (d) => writeFileSync(join(d, 'binary.py'), Buffer.from([0x69, 0x00, 0x01, 0x02, 0x00, 0x00, 0x41])), error: /NUL bytes/ },
  { name: 'dangling.py', make: (d) => symlinkSync(join(d, 'nowhere.py'), join(d, 'dangling.py')), error: /symbolic link to a file that does not exist/ },
  { name: 'loop-a.py', make: (d) => { symlinkSync(join(d, 'loop-b.py'), join(d, 'loop-a.py')); symlinkSync(join(d, 'loop-a.py'), join(d, 'loop-b.py')); }, error: /loop of symbolic links/ },
  { name: 'fifo.py', make: (d) => { const r = spawnSync('mkfifo', [join(d, 'fifo.py')]); assert.equal(r.status, 0, 'mkfifo'); }, error: /named pipe \(FIFO\)/ },
];

function hostileWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'll-lint-hard-'));
  cpSync(FIXABLE, join(dir, 'a_good.py'));
  mkdirSync(join(dir, 'sub'));
  cpSync(FIXABLE, join(dir, 'sub', 'z_good.py'));
  symlinkSync('..', join(dir, 'sub', 'up')); // a folder loop: visited once, not forever
  for (const h of HOSTILE) h.make(dir);
  return dir;
}

test('every hostile file is a per-file error; the good files are still linted (text, exit 2)', { timeout: 60_000 }, async () => {
  const dir = hostileWorkspace();
  const r = await run(['.'], dir);
  assert.equal(r.code, 2);
  for (const h of HOSTILE) assert.match(r.err, new RegExp(`error: ${h.name.replace('.', '\\.')}: .*${h.error.source}`), h.name);
  // Findings of the files that could be read: none lost, each reported once.
  assert.equal(r.out.match(/^a_good\.py:\d+:\d+: LL101/gm)?.length, 4);
  assert.equal(r.out.match(/^sub\/z_good\.py:\d+:\d+: LL101/gm)?.length, 4);
  assert.match(r.out, /Found 8 errors\./);
  const failed = HOSTILE.length + 1; // loop-b.py too
  assert.match(r.out, new RegExp(`${failed} files could not be linted`));
  assert.doesNotMatch(r.out, /All checks passed!/);
});

test('--fix goes on past hostile files and an unwritable one, and reports every applied fix', { timeout: 60_000 }, async () => {
  const dir = hostileWorkspace();
  cpSync(FIXABLE, join(dir, 'readonly.py'));
  // An unwritable file: chattr +i stops root too; otherwise a read-only mode stops a normal user.
  const immutable = spawnSync('chattr', ['+i', join(dir, 'readonly.py')]).status === 0;
  if (!immutable) chmodSync(join(dir, 'readonly.py'), 0o444);
  const canWrite = !immutable && process.getuid?.() === 0;
  try {
    const r = await run(['.'], dir, { fix: true });
    assert.equal(r.code, 2);
    assert.match(r.out, /Fixed 8 errors\./, 'a_good.py and sub/z_good.py were fixed');
    for (const f of ['a_good.py', 'sub/z_good.py']) assert.match(readFileSync(join(dir, f), 'utf8'), /criterion\(logits, y\)/, f);
    if (!canWrite) {
      assert.match(r.err, /error: readonly\.py: could not apply fixes: permission denied/);
      // Its findings are still reported.
      assert.equal(r.out.match(/^readonly\.py:\d+:\d+: LL101/gm)?.length, 4);
    }
  } finally {
    if (immutable) spawnSync('chattr', ['-i', join(dir, 'readonly.py')]);
  }
});

test('json and sarif carry the per-file errors beside the findings', { timeout: 60_000 }, async () => {
  const dir = hostileWorkspace();
  const json = await run(['.'], dir, { format: 'json' });
  assert.equal(json.code, 2);
  const items = JSON.parse(json.out) as { file: string; code: string | null; message: string }[];
  for (const h of HOSTILE) assert.ok(items.some((i) => i.file === h.name && i.code === null && h.error.test(i.message)), h.name);
  assert.equal(items.filter((i) => i.code === 'LL101').length, 8);
  const sarif = JSON.parse((await run(['.'], dir, { format: 'sarif' })).out);
  const invocation = sarif.runs[0].invocations[0];
  assert.equal(invocation.executionSuccessful, false);
  assert.equal(invocation.toolExecutionNotifications.length, HOSTILE.length + 1);
  assert.equal(sarif.runs[0].results.length, 8);
});

test('a missing path among good ones is an error of its own; the others are linted', async () => {
  const dir = hostileWorkspace();
  const r = await run(['a_good.py', 'nope.py'], dir);
  assert.equal(r.code, 2);
  assert.match(r.err, /error: nope\.py: No such file or directory/);
  assert.equal(r.out.match(/^a_good\.py:/gm)?.length, 4);
});
