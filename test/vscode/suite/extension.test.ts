// The extension in a real VS Code extension host (code-server 1.100.3 here, Electron with
// test:desktop): commands, training through the worker, cancel, run history, diagnostics and
// extension-host responsiveness during training.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { LogitLabApi } from '../../../src/extension/extension';
import type { TrainingResult } from '../../../src/extension/trainer';
import type { BoundarySnapshot } from '../../../src/core/engine/types';
import { readRunDir } from '../../../src/core/run/store';

const EXTENSION_ID = 'logit-lab.logit-lab';
let api: LogitLabApi;
let ws: vscode.Uri;

function file(name: string): vscode.Uri {
  return vscode.Uri.joinPath(ws, name);
}

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function readdirSafe(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch {
    return undefined;
  }
}

/** Threads of the extension host's process (0 off Linux). */
const threadCount = () => (process.platform === 'linux' ? (readdirSafe('/proc/self/task')?.length ?? 0) : 0);

/** Results are reported with a prefix run-suite.mjs collects into its summary. */
function metric(name: string, value: string): void {
  console.log(`LOGIT-LAB-METRIC ${name}=${value}`);
}

describe('Logit Lab in VS Code', function () {
  before(async function () {
    ws = vscode.workspace.workspaceFolders![0].uri;
    const ext = vscode.extensions.getExtension<LogitLabApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    await fs.rm(join(ws.fsPath, '.logit-lab'), { recursive: true, force: true });
  });

  it('records its activation time', function () {
    assert.ok(typeof api.activationMs === 'number' && api.activationMs > 0 && api.activationMs < 10_000, `activationMs = ${api.activationMs}`);
    metric('activationMs', api.activationMs.toFixed(1));
  });

  it('registers its commands', async function () {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of ['train', 'stop', 'openPanel', 'newExperiment', 'showHistory', 'compareRuns', 'lintWorkspace', 'openLastRun']) {
      assert.ok(all.has(`logitLab.${id}`), `logitLab.${id} is not registered`);
    }
  });

  it('New Experiment: picks a lesson template, asks for a free file name, creates and opens a file the checks accept', async function () {
    const pending = vscode.commands.executeCommand('logitLab.newExperiment') as Thenable<vscode.Uri | undefined>;
    // The real quick pick and input box, driven the way a keyboard user would: Enter on the first
    // template, then Enter on the proposed name. Enter before a widget is up does nothing, so keep
    // pressing until the command is done (a loaded machine may take a while to show them).
    let done = false;
    void Promise.resolve(pending).then(() => (done = true), () => (done = true));
    for (let i = 0; i < 60 && !done; i++) {
      await new Promise((r) => setTimeout(r, 500));
      if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const created = await pending;
    assert.ok(created, 'no file was created');
    assert.match(created.fsPath, /\.experiment\.json$/);
    assert.ok(created.fsPath.startsWith(ws.fsPath), `${created.fsPath} is outside the workspace`);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, created.fsPath, 'the new file is open');
    const text = await fs.readFile(created.fsPath, 'utf8');
    assert.ok(!text.includes('"$schema"'), 'the repository-relative $schema is dropped');
    // A clean template: the editor finds nothing wrong with it.
    const problems = await waitFor('the file to be checked', async () => {
      await new Promise((r) => setTimeout(r, 500));
      return vscode.languages.getDiagnostics(created);
    }, 10_000);
    assert.deepEqual(problems.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message), []);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await fs.rm(created.fsPath);
  });

  it('opens experiment files as JSON with comments', async function () {
    const doc = await vscode.workspace.openTextDocument(file('w1.experiment.json'));
    assert.equal(doc.languageId, 'jsonc');
  });

  it('reports a broken experiment file as a diagnostic at the offending field', async function () {
    const uri = file('broken.experiment.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ours = await waitFor('logit-lab diagnostics', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'logit-lab');
      return d.length ? d : undefined;
    }, 20_000);
    const lrLine = doc.getText().split('\n').findIndex((l) => l.includes('"lr"'));
    const hit = ours.find((d) => d.range.start.line === lrLine);
    assert.ok(hit, `no diagnostic on line ${lrLine + 1} ("lr"); got ${ours.map((d) => `${d.range.start.line + 1}: ${d.message}`).join(' | ')}`);
    assert.equal(hit.severity, vscode.DiagnosticSeverity.Error);
    assert.match(hit.message, /lr|greater|positive|> ?0/i);

    // Fixing it while typing clears the diagnostic (debounced).
    const editor = vscode.window.activeTextEditor!;
    const at = doc.getText().indexOf('-0.5');
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 4)), '0.05'));
    await waitFor('the diagnostic to clear', () => (vscode.languages.getDiagnostics(uri).some((x) => x.source === 'logit-lab' && x.range.start.line === lrLine) ? undefined : true), 10_000);
    // Put the error back (the later tests train this file and expect the refusal).
    const fixed = doc.getText().indexOf('0.05');
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(fixed), doc.positionAt(fixed + 4)), '-0.5'));
    await doc.save();
  });

  it('lints PyTorch code: softmax before cross_entropy is reported with its rule, and Lint Workspace counts it', async function () {
    const uri = file('train_bad.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const ours = await waitFor('lint diagnostics', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'logit-lab');
      return d.length ? d : undefined;
    }, 30_000);
    const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
    const hit = ours.find((d) => codeOf(d).startsWith('LL102'));
    assert.ok(hit, `no LL102 diagnostic; got ${ours.map(codeOf).join(', ')}`);
    assert.equal(hit.range.start.line, 6);
    const r = (await vscode.commands.executeCommand('logitLab.lintWorkspace')) as { problems: number; files: number };
    assert.ok(r.files >= 1 && r.problems >= 1, `lint workspace: ${JSON.stringify(r)}`);
  });

  it('LL101: sigmoid before BCEWithLogitsLoss is reported, its quick fix drops the sigmoid, and the finding is gone', async function () {
    const dir = join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'lint-fix');
    await fs.mkdir(dir, { recursive: true });
    const path = join(dir, 'sigmoid_bce.py');
    await fs.writeFile(path, [
      'import torch',
      'import torch.nn as nn',
      '',
      'model = nn.Linear(2, 1)',
      'criterion = nn.BCEWithLogitsLoss()',
      'x, y = torch.randn(8, 2), torch.rand(8, 1)',
      'loss = criterion(torch.sigmoid(model(x)), y)',
      '',
    ].join('\n'));
    const uri = vscode.Uri.file(path);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
    const hit = await waitFor('LL101', () => vscode.languages.getDiagnostics(uri).find((d) => codeOf(d).startsWith('LL101')), 30_000);
    assert.equal(hit.range.start.line, 6);
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, hit.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    assert.ok(actions.some((a) => /noqa/i.test(a.title)), `an "ignore this line" action: ${actions.map((a) => a.title).join(' | ')}`);
    const fix = actions.find((a) => a.edit && /sigmoid/i.test(a.title) && !/noqa/i.test(a.title));
    assert.ok(fix?.edit, `a quick fix for LL101: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(6).text, 'loss = criterion(model(x), y)');
    await waitFor('LL101 to clear', () => (vscode.languages.getDiagnostics(uri).some((d) => codeOf(d).startsWith('LL101')) ? undefined : true), 15_000);
    await doc.save();
  });

  it('cross-file on the lint thread: softmax in model.py, CrossEntropyLoss in train.py; saving model.py without it clears train.py', async function () {
    // A new folder and files written into it at once, as a checkout does: the file watcher can miss
    // them (it did in a clean CI run); opening train.py reads its siblings into the index.
    const dir = join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'lint-project');
    await fs.mkdir(dir, { recursive: true });
    const header = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';
    const model = header + 'class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 3)\n    def forward(self, x):\n        return F.softmax(self.fc(x), dim=1)\n';
    await fs.writeFile(join(dir, 'model.py'), model);
    await fs.writeFile(join(dir, 'train.py'), header + 'from model import Net\nnet = Net()\nloss = nn.CrossEntropyLoss()(net(torch.randn(2, 4)), torch.tensor([0, 1]))\n');
    const train = vscode.Uri.file(join(dir, 'train.py'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(train));
    const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
    const ll102 = () => vscode.languages.getDiagnostics(train).find((d) => codeOf(d).startsWith('LL102'));
    // Alone, train.py cannot know what Net returns: found only through model.py.
    const hit = await waitFor('LL102 in train.py through model.py', ll102, 30_000);
    assert.equal(hit.range.start.line, 5);
    assert.ok(api.linter.threaded, 'linted on the lint thread the package ships (dist/lint-worker.js)');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(dir, 'model.py')));
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.getText().indexOf('F.softmax(self.fc(x), dim=1)');
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'F.softmax(self.fc(x), dim=1)'.length)), 'self.fc(x)'));
    assert.ok(await doc.save());
    await waitFor('train.py re-linted after model.py was saved', () => (ll102() ? undefined : true), 30_000);
  });

  it('LL101 across notebook cells: a Sequential ending in Sigmoid in one cell, its with-logits loss in another', async function () {
    const cell = (source: string) => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, source, 'python');
    const data = new vscode.NotebookData([
      cell('import torch\nimport torch.nn as nn'),
      cell('model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1), nn.Sigmoid())'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '## Train', 'markdown'),
      cell('%matplotlib inline\ncriterion = nn.BCEWithLogitsLoss()\nx, y = torch.randn(8, 2), torch.rand(8, 1)\nloss = criterion(model(x), y)'),
    ]);
    const nb = await vscode.workspace.openNotebookDocument('jupyter-notebook', data);
    await vscode.window.showNotebookDocument(nb);
    const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
    const found = await waitFor('LL101 in a notebook cell', () => {
      for (const c of nb.getCells()) {
        const d = vscode.languages.getDiagnostics(c.document.uri).find((x) => codeOf(x).startsWith('LL101'));
        if (d) return { cell: c.index, line: d.range.start.line, message: d.message, related: d.relatedInformation?.map((r) => [r.location.uri.toString(), r.location.range.start.line]) };
      }
      return undefined;
    }, 30_000);
    // Reported at the code to change — the Sigmoid in cell 2 (index 1), its first line — linked to
    // the loss call in the fourth cell (VS Code's Cell 4, markdown counted), its fourth line.
    assert.deepEqual({ cell: found.cell, line: found.line }, { cell: 1, line: 0 });
    assert.match(found.message, /\(cell 4, line 4\)/);
    assert.deepEqual(found.related, [[nb.cellAt(3).document.uri.toString(), 3]]);
  });

  it('trains W1 end to end through the worker, reporting how long the extension host was held', async function () {
    // Sampled every 1 ms: a sample is the time between two timer turns, so it includes the sampling
    // interval itself (with the default 10 ms resolution an idle loop already reads ~10-14 ms).
    // The idle baseline first, for context: on a loaded machine it is not zero.
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 2000));
    idle.disable();
    metric('eventLoopIdleP99Ms', (idle.percentile(99) / 1e6).toFixed(2));

    // The event-loop delay while training is printed as a figure (METRIC lines), not asserted: a
    // timing in a test fails on a busy machine and passes a slow build. bench/ holds the targets.
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    const notified = new Promise<string>((resolve) => {
      const sub = api.onDidNotify((n) => {
        sub.dispose();
        resolve(n.text);
      });
    });
    // The snapshots streamed live, and the threads beside the host while they did.
    const streamed: BoundarySnapshot[] = [];
    // A finished training's worker lingers a moment (Trainer.workersEnded): count without it.
    await api.trainer.workersEnded();
    const threadsBefore = threadCount();
    let threadsMost = threadsBefore;
    const sub = api.trainer.onMessage(({ msg }) => {
      if (msg.type !== 'snapshot') return;
      streamed.push(msg.snapshot);
      threadsMost = Math.max(threadsMost, threadCount());
    });
    histogram.enable();
    const t0 = Date.now();
    const result = (await vscode.commands.executeCommand('logitLab.train', file('w1.experiment.json'))) as TrainingResult | undefined;
    const wall = Date.now() - t0;
    histogram.disable();
    sub.dispose();
    assert.ok(result, 'the train command returned nothing');
    assert.equal(result.failed, false, `training failed: ${result.errors.join('; ')}`);
    assert.equal(result.runs.length, 1);
    const run = result.runs[0];
    assert.equal(run.status, 'completed', `status ${run.status}: ${run.message ?? ''}`);
    assert.equal(run.history.length, 500);

    // Run from the palette, the result crosses to the workbench as JSON on this thread: a summary,
    // not 500 epochs and 50 boundaries (which held the panel's final picture up 0.55 s on long runs).
    const wire = JSON.stringify(result);
    assert.ok(wire.length < 4000, `the train command's result serialises to ${wire.length} characters`);
    assert.equal((JSON.parse(wire) as { runs: { epochs: number }[] }).runs[0].epochs, 500);

    const onDisk = readRunDir(result.runDirs[0])!;
    assert.equal(onDisk.status, 'completed');
    assert.equal(onDisk.history.length, 500);
    assert.ok(result.runDirs[0].startsWith(join(ws.fsPath, '.logit-lab', 'runs')), `run dir ${result.runDirs[0]} is not under .logit-lab/runs`);
    const acc = onDisk.final?.valAcc ?? 0;
    assert.ok(acc > 0.9, `W1 should separate the moons; val acc ${acc}`);

    // Snapshots every 10 epochs, computed on the grid thread (the VSIX ships dist/grid-worker.js):
    // each streamed once, in order, as a Float64Array; the run store reads back the same values.
    assert.deepEqual(streamed.map((s) => s.epoch), Array.from({ length: 50 }, (_, i) => 10 * (i + 1)));
    assert.ok(streamed.every((s) => s.probs instanceof Float64Array && s.probs.length === 60 * 60), 'snapshots reach the host as Float64Arrays');
    assert.deepEqual(onDisk.snapshots.map((s) => Array.from(s.probs)), run.snapshots.map((s) => Array.from(s.probs)));
    assert.deepEqual(onDisk.history, run.history, 'the record the host built from the events is the record on disk');
    // The training worker and the grid thread ran beside the extension host.
    if (process.platform === 'linux') assert.ok(threadsMost >= threadsBefore + 2, `threads: ${threadsBefore} before, at most ${threadsMost} while snapshots arrived`);

    const text = await notified;
    assert.match(text, /^w1-moons: val acc \d+\.\d% in \d/);
    assert.equal(text, result.headline);

    const p99 = histogram.percentile(99) / 1e6;
    metric(`w1WallMs`, String(wall));
    metric(`w1TrainMs`, run.timings.totalMs.toFixed(0));
    metric(`eventLoopP99Ms`, p99.toFixed(2));
    metric(`eventLoopMaxMs`, (histogram.max / 1e6).toFixed(2));
    metric(`backend`, run.backend);
    assert.ok(Number.isFinite(p99), 'the event-loop delay was measured');
  });

  it('keeps a partial run when training is stopped mid-run', async function () {
    let epochs = 0;
    const sub = api.trainer.onMessage(({ msg }) => {
      if (msg.type === 'epoch') epochs = msg.epoch.epoch;
    });
    const pending = vscode.commands.executeCommand('logitLab.train', file('long.experiment.json')) as Thenable<TrainingResult | undefined>;
    let ended: TrainingResult | undefined | null = null;
    void Promise.resolve(pending).then((r) => (ended = r));
    await waitFor('30 epochs', () => {
      if (ended !== null) throw new Error(`training ended before it could be stopped: ${ended?.headline ?? 'no result'}`);
      return epochs >= 30;
    }, 90_000);
    await vscode.commands.executeCommand('logitLab.stop');
    const result = await pending;
    sub.dispose();
    assert.ok(result, 'no result');
    assert.equal(result.cancelled, true);
    const run = result.runs[0];
    assert.equal(run.status, 'cancelled');
    assert.ok(run.history.length >= 30 && run.history.length < 200_000, `history ${run.history.length}`);
    const onDisk = readRunDir(result.runDirs[0])!;
    assert.equal(onDisk.status, 'cancelled');
    assert.ok(onDisk.history.length >= 30, `the run store keeps ${onDisk.history.length} epochs`);
    assert.ok(existsSync(join(result.runDirs[0], 'model', 'model.json')), 'a stopped run keeps its model');
    assert.match(result.headline, /stopped after \d+ epochs/);
  });

  it('queues a training started while another runs, starts it after, and Stop drops the queue', async function () {
    const root = ws.fsPath;
    const started: string[] = [];
    let epochs = 0;
    const subs = [
      api.trainer.onDidStart(({ experiment }) => started.push(basename(experiment.fsPath))),
      api.trainer.onMessage(({ msg }) => {
        if (msg.type === 'epoch') epochs = msg.epoch.epoch;
      }),
    ];
    try {
      // interactive: false answers the "Stop and Train / Queue" prompt with Queue. (W1 last: the
      // run-history test below expects it third newest.)
      const first = api.trainer.train(file('diverge.experiment.json'), root, { interactive: false });
      const second = api.trainer.train(file('w1.experiment.json'), root, { interactive: false });
      assert.equal(api.trainer.running && basename(api.trainer.running.fsPath), 'diverge.experiment.json');
      assert.deepEqual(api.trainer.queued.map((u) => basename(u.fsPath)), ['w1.experiment.json']);
      const [a, b] = await Promise.all([first, second]);
      assert.equal(a?.runs[0].status, 'diverged');
      assert.equal(b?.runs[0].status, 'completed');
      assert.deepEqual(started, ['diverge.experiment.json', 'w1.experiment.json'], 'the queued training started after the first ended');

      epochs = 0;
      const long = api.trainer.train(file('long.experiment.json'), root, { interactive: false });
      const dropped = api.trainer.train(file('w1.experiment.json'), root, { interactive: false });
      await waitFor('the long training to be under way', () => epochs >= 10, 90_000);
      await vscode.commands.executeCommand('logitLab.stop');
      assert.equal(await dropped, undefined, 'the queued training was dropped, not started');
      assert.equal((await long)?.cancelled, true);
      assert.equal(api.trainer.queued.length, 0);
      assert.equal(api.trainer.running, undefined);
    } finally {
      subs.forEach((s) => s.dispose());
    }
  });

  it('refuses to train a file with errors and says where', async function () {
    const before = api.notifications.length;
    const result = await vscode.commands.executeCommand('logitLab.train', file('broken.experiment.json'));
    assert.equal(result, undefined);
    const n = api.notifications.slice(before).find((x) => x.severity === 'error');
    assert.ok(n, 'no error notification');
    assert.match(n.text, /broken\.experiment\.json:5: /);
    assert.ok(n.actions.includes('Show Problems'));
  });

  it('says why a diverged run diverged and what to try', async function () {
    const result = (await vscode.commands.executeCommand('logitLab.train', file('diverge.experiment.json'))) as TrainingResult | undefined;
    assert.ok(result && !result.failed, `training failed: ${result?.errors.join('; ')}`);
    const run = result.runs[0];
    assert.equal(run.status, 'diverged', `status ${run.status} after ${run.history.length} epochs`);
    const n = await waitFor('the divergence notification', () => api.notifications.find((x) => x.text.startsWith('diverge diverged')), 5000);
    assert.equal(n.severity, 'warning');
    assert.match(n.text, /diverged at epoch \d+/);
    assert.match(n.text, /optimizer\.lr (10000000|1e\+?7)/);
    assert.match(n.text, /reduce optimizer\.momentum/);
  });

  it('reloads run history from disk, marking runs cut off by a reload as interrupted', async function () {
    const [store] = api.runStores();
    // A run a crashed window left behind: status "running", nobody writing it.
    const ghostDir = join(store.root, '2001-01-01_00-00-00-ghost', 'ghost');
    await fs.mkdir(ghostDir, { recursive: true });
    const w1 = (await store.list()).find((e) => e.name === 'w1-moons');
    assert.ok(w1, 'the W1 run is not in the history');
    const template = w1.runs[0].record;
    await fs.writeFile(join(ghostDir, 'run.json'), JSON.stringify({ ...template, id: 'ghost', name: 'ghost', status: 'running', stopReason: undefined, message: undefined, final: undefined, history: template.history.slice(0, 42) }));

    const list = await store.list();
    const names = list.map((e) => e.name);
    assert.ok(names.includes('w1-moons') && names.includes('long-moons') && names.includes('ghost'), `history: ${names.join(', ')}`);
    assert.deepEqual(names.slice(0, 3), ['diverge', 'long-moons', 'w1-moons'], 'newest first');
    const ghost = list.find((e) => e.name === 'ghost')!.runs[0];
    assert.equal(ghost.interrupted, true);
    assert.equal(ghost.record.status, 'interrupted');
    assert.equal(ghost.record.history.length, 42);
    assert.match(ghost.record.message ?? '', /interrupted.*42 epochs/);
    // The panel can show it (what "Show Run History" does on pick).
    await vscode.commands.executeCommand('logitLab.openRuns', { kind: 'experiment', folder: ws.fsPath, experiment: list[0] });
    assert.ok(existsSync(join(list[0].dir, 'summary.json')));
  });

  it('applies the run retention setting', async function () {
    const [store] = api.runStores();
    const before = (await store.list()).length;
    assert.ok(before >= 3);
    const gone = await store.prune(2);
    assert.equal(gone.length, before - 2);
    assert.deepEqual((await store.list()).map((e) => e.name), ['diverge', 'long-moons']);
  });

  it('trains a seed study on worker threads from the editor (the VSIX ships the member worker), runs reported in order', async function () {
    await fs.writeFile(file('seeds.experiment.json').fsPath, JSON.stringify({
      name: 'thread-seeds',
      data: { kind: 'ring', samples: 300, validation: 0 },
      model: { hidden: [4, 4], init: 'torch' },
      loss: 'cross-entropy',
      optimizer: { kind: 'adam', lr: 0.01 },
      training: { epochs: 1500 },
      sweep: { seed: [0, 1, 2, 3, 4, 5] },
      record: { every: 500, grid: 20 },
    }));
    const config = vscode.workspace.getConfiguration('logitLab');
    await config.update('training.threads', 2, vscode.ConfigurationTarget.Global);
    const threads = threadCount;
    await api.trainer.workersEnded();
    const before = threads();
    let most = before;
    const started: string[] = [];
    const sub = api.trainer.onMessage(({ msg }) => {
      most = Math.max(most, threads());
      if (msg.type === 'runStart') started.push(msg.run.id);
    });
    try {
      const result = (await vscode.commands.executeCommand('logitLab.train', file('seeds.experiment.json'))) as TrainingResult | undefined;
      assert.ok(result && !result.failed, `training failed: ${result?.errors.join('; ')}`);
      assert.equal(result.runs.length, 6);
      assert.deepEqual(result.runs.map((r) => r.config.seed), [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(started, result.runs.map((r) => r.id), 'runs start one after another in the stream');
      for (const run of result.runs) {
        assert.equal(run.status, 'completed', `${run.id}: ${run.message ?? ''}`);
        assert.equal(run.history.length, 1500);
        assert.equal(run.snapshots.length, 3);
      }
      // The training worker and at least one member thread ran beside the extension host.
      if (process.platform === 'linux') assert.ok(most >= before + 2, `threads: ${before} before, at most ${most} during training`);
      metric('seedStudyThreadsWallMs', String(result.wallMs));
    } finally {
      sub.dispose();
      await config.update('training.threads', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Explore: a panel edit changes only the value on its line and retrains; Ctrl+Z in the editor retrains with the undone value', async function () {
    const uri = file('w1.experiment.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    const started: string[] = [];
    const sub = api.trainer.onDidStart(({ experiment }) => started.push(experiment.toString()));
    const finished: TrainingResult[] = [];
    const subEnd = api.trainer.onDidFinish((r) => void finished.push(r));
    try {
      // What the webview posts when the user types "8, 8" into Hidden layers.
      const handlers = (api.panel as unknown as { handlers: { onMessage(msg: unknown, experiment: vscode.Uri): Promise<void> } }).handlers;
      await handlers.onMessage({ type: 'explore', path: 'model.hidden', value: [8, 8] }, uri);
      const after = doc.getText();
      assert.equal(after.split('\n').length, before.split('\n').length, 'the edit does not reflow the file');
      assert.match(after, /"model": \{ "hidden": \[8, 8\], "activation": "relu" \}/);
      await waitFor('the explore retrain', () => finished.length >= 1, 120_000);
      assert.deepEqual(finished[0].runs[0].config.model.hidden, [8, 8]);
      // The user presses Ctrl+Z in the editor.
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), before, 'one undo restores the file');
      await waitFor('a retrain after the undo', () => finished.length >= 2, 120_000);
      assert.equal(started.length, 2);
      assert.deepEqual(finished[1].runs[0].config.model.hidden, [16], 'retrained with the undone value');
      assert.equal(doc.isDirty, false, 'the undone file is saved');
    } finally {
      sub.dispose();
      subEnd.dispose();
    }
  });
});
