import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLintCommand } from '../../../src/cli/lint';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'll-cli-'));
  cpSync('test/fixtures/lint/LL101/fire/direct.py', join(dir, 'direct.py'));
  cpSync('test/fixtures/lint/LL101/fire/across_cells.ipynb', join(dir, 'nb.ipynb'));
  cpSync('test/fixtures/lint/LL101/silent/focal_loss.py', join(dir, 'focal.py'));
  mkdirSync(join(dir, '.venv'));
  writeFileSync(join(dir, '.venv', 'bad.py'), 'import torch\ntorch.load("x")\n');
  mkdirSync(join(dir, 'node_modules'));
  writeFileSync(join(dir, 'node_modules', 'bad.py'), 'import torch\ntorch.load("x")\n');
  return dir;
}

async function run(paths: string[], cwd: string, extra: Partial<Parameters<typeof runLintCommand>[1]> = {}) {
  let out = '';
  let err = '';
  const code = await runLintCommand(paths, { format: 'text', cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), ...extra });
  return { code, out, err };
}

test('text output like Ruff, skipping .venv and node_modules; exit 1 on findings', async () => {
  const dir = workspace();
  const { code, out } = await run(['.'], dir);
  assert.equal(code, 1);
  assert.match(out, /^direct\.py:8:18: LL101 \[\*\] this sigmoid reaches BCEWithLogitsLoss \(line 8\)/m);
  // At the Sigmoid (the code to change), cells numbered as VS Code does (1-based, markdown included).
  assert.match(out, /^nb\.ipynb:cell 3:1:40: LL101 this sigmoid at the end of an nn.Sequential reaches BCEWithLogitsLoss \(cell 5, line 1\)/m);
  assert.doesNotMatch(out, /bad\.py|focal/);
  assert.match(out, /Found 5 errors\./);
});

test('json output: 1-based, cell-relative positions for notebooks', async () => {
  const dir = workspace();
  const { code, out } = await run(['nb.ipynb', 'focal.py'], dir, { format: 'json' });
  assert.equal(code, 1);
  const rows = JSON.parse(out);
  assert.deepEqual(rows, [
    { file: 'nb.ipynb', cell: 2, line: 1, column: 40, endLine: 1, endColumn: 52, code: 'LL101', name: 'sigmoid-before-bce-with-logits', severity: 'error', message: rows[0].message, fixable: true },
  ]);
  const clean = await run(['focal.py'], dir, { format: 'json' });
  assert.equal(clean.code, 0);
  assert.deepEqual(JSON.parse(clean.out), []);
});

test('sarif 2.1.0 with rules (helpUri) and regions', async () => {
  const dir = workspace();
  const { out } = await run(['direct.py'], dir, { format: 'sarif', select: 'LL1' });
  const sarif = JSON.parse(out);
  assert.equal(sarif.version, '2.1.0');
  const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'LL101');
  assert.match(rule.helpUri, /docs\/rules\/LL101\.md$/);
  const res = sarif.runs[0].results;
  assert.equal(res.length, 4);
  assert.deepEqual(res[0].locations[0].physicalLocation.region, { startLine: 8, startColumn: 18, endLine: 8, endColumn: 39 });
  assert.equal(res[0].level, 'error');
});

test('--fix applies safe fixes and reports what remains; --ignore; bad path → exit 2', async () => {
  const dir = workspace();
  const fixed = await run(['direct.py', 'nb.ipynb'], dir, { fix: true });
  assert.match(fixed.out, /Fixed 4 errors\./);
  // The sigmoid sits in the model: the fix is offered in its cell but not safe, so --fix leaves it.
  assert.match(fixed.out, /nb\.ipynb:cell 3/);
  assert.match(readFileSync(join(dir, 'direct.py'), 'utf8'), /criterion\(logits, y\)/);
  assert.equal((await run(['direct.py'], dir)).code, 0);
  assert.equal((await run(['nb.ipynb'], dir, { ignore: 'LL101' })).code, 0);
  const missing = await run(['nope.py'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /No such file/);
});
