// The editor's linter on its thread (the built dist/lint-worker.js, as the extension runs it):
// the same diagnostics as the linter in process, cross-file through a folder's project, edits
// re-linted incrementally, importers named for re-lint, and a thread that dies replaced (the
// caller told to index again) without the caller's calls hanging.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lintText, LintService, LintThread } from '../../../src/core/lint';

const root = resolve(__dirname, '../../..');
const workerFile = join(root, 'dist', 'lint-worker.js');
const H = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';
const MODEL = H + 'class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 3)\n    def forward(self, x):\n        return F.softmax(self.fc(x), dim=1)\n';
const TRAIN = H + 'from model import Net\nnet = Net()\nloss = nn.CrossEntropyLoss()(net(torch.randn(2, 4)), torch.tensor([0, 1]))\n';
const codes = (r: { diagnostics: { code: string; line: number }[] }) => r.diagnostics.map((d) => `${d.code}:${d.line}`);

let thread: LintThread;
const restarts: string[] = [];

before(() => {
  // `npm test` builds first; build here only when run on its own from a clean checkout.
  if (!existsSync(workerFile)) {
    const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  thread = new LintThread(workerFile, { youngMb: 64, onRestart: (why) => restarts.push(why.message) });
});
after(() => thread.dispose());

test('a lone file: the thread reports what the linter in process reports, with the rule doc link', async () => {
  const src = H + 'model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())\nloss_fn = nn.BCEWithLogitsLoss()\nloss = loss_fn(model(torch.randn(4, 2)), torch.rand(4, 1))\n';
  const reply = await thread.call('lintOpenFile', 'untitled:1', src, {});
  assert.ok(thread.threaded);
  const inProcess = await lintText(src);
  assert.deepEqual(reply.diagnostics.map(({ docUrl: _d, ...d }) => d), JSON.parse(JSON.stringify(inProcess)));
  assert.ok(reply.diagnostics.length > 0);
  assert.match(reply.diagnostics[0].docUrl ?? '', /LL\d+/);
  // The kept parse follows the next edit: the sigmoid gone, so is the problem.
  const fixed = await thread.call('lintOpenFile', 'untitled:1', src.replace(', nn.Sigmoid()', ''), {});
  assert.deepEqual(codes(fixed).filter((c) => c.startsWith('LL101')), []);
  await thread.call('forgetOpenFile', 'untitled:1');
});

test('a folder: imports resolve across files, an edit names the importers, settings select rules', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lint-thread-'));
  writeFileSync(join(dir, 'model.py'), MODEL);
  const { unreadable } = await thread.call('indexFolder', 'f', [
    { path: 'model.py', fsPath: join(dir, 'model.py') },
    { path: 'train.py', fsPath: join(dir, 'train.py'), text: TRAIN },
    { path: 'gone.py', fsPath: join(dir, 'gone.py') },
  ]);
  assert.equal(unreadable.length, 1);
  assert.match(unreadable[0], /gone\.py/);
  assert.ok(await thread.call('hasFolder', 'f'));
  assert.deepEqual(codes(await thread.call('lintProjectFile', 'f', 'train.py', TRAIN, {})), ['LL102:6']);
  assert.deepEqual(codes(await thread.call('lintProjectFile', 'f', 'train.py', TRAIN, { ignore: ['LL102'] })), []);
  // model.py fixed: train.py is named to be re-linted, and is clean.
  assert.deepEqual(await thread.call('setFile', 'f', 'model.py', MODEL.replace('F.softmax(self.fc(x), dim=1)', 'self.fc(x)')), ['train.py']);
  assert.deepEqual(codes(await thread.call('lintProjectFile', 'f', 'train.py', TRAIN, {})), []);
  assert.deepEqual(await thread.call('removeFile', 'f', 'model.py'), ['train.py']);
  // An unknown folder is an error the caller hears about, not a hang.
  await assert.rejects(thread.call('lintProjectFile', 'nope', 'a.py', '', {}), /index the folder first/);
});

test('pyproject.toml that cannot be read: a warning beside the diagnostics', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lint-thread-'));
  writeFileSync(join(dir, 'pyproject.toml'), '[tool.logit-lab.lint]\nselect = [\n');
  writeFileSync(join(dir, 'a.py'), H);
  const reply = await thread.call('lintFile', join(dir, 'a.py'), { configFrom: join(dir, 'a.py') });
  assert.equal(reply.warnings.length, 1);
  assert.match(reply.warnings[0], /pyproject\.toml/);
});

test('a thread that dies: owed calls reject, the caller is told, the next call runs on a new thread', async () => {
  await thread.call('indexFolder', 'g', [{ path: 'train.py', fsPath: '/nonexistent/train.py', text: TRAIN }]);
  const worker = (thread as unknown as { worker: { terminate(): Promise<number> } }).worker;
  // A terminating thread no longer holds the test process open (the extension host always is).
  const alive = setInterval(() => undefined, 1000);
  // The call is sent to a thread already ending, so it is owed for certain (sent before, a quick
  // lint could be answered before the thread stops: a flaky test).
  const ending = worker.terminate();
  const owed = thread.call('lintProjectFile', 'g', 'train.py', TRAIN, {});
  await ending;
  await assert.rejects(owed, /stopped/);
  clearInterval(alive);
  assert.equal(restarts.length, 1);
  // The new thread holds no projects: the caller indexes again (the extension does on onRestart).
  assert.equal(await thread.call('hasFolder', 'g'), false);
  assert.ok(thread.threaded);
});

test('no thread file: calls run in process, with the same answers', async () => {
  const local = new LintThread(join(root, 'dist', 'no-such-worker.js'));
  const src = H + 'probs = F.softmax(torch.randn(2, 3), dim=1)\nloss = nn.CrossEntropyLoss()(probs, torch.tensor([0, 1]))\n';
  const reply = await local.call('lintOpenFile', 'k', src, {});
  assert.equal(local.threaded, false);
  assert.deepEqual(codes(reply), codes(await new LintService().lintOpenFile('k', src, {})));
  assert.ok(reply.diagnostics.some((d) => d.code === 'LL102'));
  await local.dispose();
});
