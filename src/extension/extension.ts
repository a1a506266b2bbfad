// Logit Lab's VS Code entry point: thin adapters from the editor onto the core. Activation is lazy
// and cheap (TF.js is only ever loaded by the training worker), and it is timed: the time is logged
// to the output channel and exposed on the extension's API for the integration suite.
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exploreEdit } from './exploreEdit';
import type { RunRecord } from '../core/engine/types';
import type { FromWebview } from '../protocol';
import { EXPERIMENT_GLOB, isExperimentFile, settings } from './config';
import { log, errorText } from './log';
import { StatusBar } from './status';
import { Trainer, workspaceRootFor, type TrainingResult } from './trainer';
import { PanelHost } from './panel';
import { RunHistory, accuracyOf, accuracyText, runFileOf, type StoredExperiment } from '../core/run/history';
import { RunsTree, type RunsNode } from './runsTree';
import { ExperimentDiagnostics } from './diagnostics';
import { ExperimentCodeLens } from './codelens';
import { newExperiment } from './templates';
import { offerGitignore } from './gitignore';
import { divergenceAdvice } from './headline';
import { safeName, experimentNameOfFile } from './outDir';
import { PythonLinter } from './lint';
import { PredictionWorker } from './predictor';
import { guardCommand, type BoundaryReport } from './commandBoundary';

const moduleLoadedAt = performance.now();

export interface Notification {
  severity: 'info' | 'warning' | 'error';
  text: string;
  actions: string[];
}

/** What activate() returns: used by the integration suite, and by anyone scripting the extension. */
export interface LogitLabApi {
  /** Milliseconds from this module's evaluation to the end of activate(). */
  activationMs: number;
  trainer: Trainer;
  panel: PanelHost;
  diagnostics: ExperimentDiagnostics;
  linter: PythonLinter;
  runStores(): RunHistory[];
  readonly notifications: Notification[];
  onDidNotify: vscode.Event<Notification>;
}

export function activate(context: vscode.ExtensionContext): LogitLabApi {
  const activateStart = performance.now();
  const out = log();
  const status = new StatusBar();
  const trainer = new Trainer(context.extensionPath, status);
  const predictor = new PredictionWorker(join(context.extensionPath, 'dist', 'worker.js'));
  context.subscriptions.push(predictor);
  const notifyEmitter = new vscode.EventEmitter<Notification>();
  const notifications: Notification[] = [];
  const lastRuns = context.workspaceState;

  const storeFor = (root: string) => new RunHistory(root, (dir) => [...trainer.liveDirs].some((d) => d === dir || d.startsWith(`${dir}/`)));
  const runStores = () => (vscode.workspace.workspaceFolders ?? []).map((f) => storeFor(f.uri.fsPath));

  const diagnostics = new ExperimentDiagnostics();
  const linter = new PythonLinter(join(context.extensionPath, 'dist', 'lint-worker.js'));
  const tree = new RunsTree(runStores);
  // Every command inside the error boundary: a failure is one notification and a logged stack.
  const boundary: BoundaryReport = {
    notify: (kind, text) => void notify(kind === 'user' ? 'warning' : 'error', text, 'Show Output').then((choice) => {
      if (choice) out.show(true);
    }),
    log: (text) => out.error(text),
  };
  const panel = new PanelHost(context.extensionUri, {
    onMessage: (msg, experiment) => guardCommand(`panel ${msg.type}`, onPanelMessage, boundary)(msg, experiment),
    initialRuns: () => initialRuns(),
    experimentNames: () => experimentNames(),
  });
  const lens = new ExperimentCodeLens(
    (uri) => trainer.running?.toString() === uri.toString(),
    (uri) => !!lastRuns.get<string>(lastRunKey(uri)),
  );
  const treeView = vscode.window.createTreeView('logitLab.runs', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });

  /** Shows a notification and records it (the suite reads what a user would have read). */
  function notify(severity: Notification['severity'], text: string, ...actions: string[]): Thenable<string | undefined> {
    const n = { severity, text, actions };
    notifications.push(n);
    notifyEmitter.fire(n);
    const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    return show(text, ...actions);
  }

  // ---- training -------------------------------------------------------------------------------
  async function pickExperiment(arg?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (arg instanceof vscode.Uri) return arg;
    const active = vscode.window.activeTextEditor?.document.uri;
    if (isExperimentFile(active)) return active;
    // Focus in the panel (a click on its tabs) leaves no active editor: the one experiment on
    // screen beside it is the one the user means.
    const onScreen = vscode.window.visibleTextEditors.map((e) => e.document.uri).filter(isExperimentFile);
    if (onScreen.length && onScreen.every((u) => u.toString() === onScreen[0].toString())) return onScreen[0];
    const files = await vscode.workspace.findFiles(EXPERIMENT_GLOB, '**/{node_modules,.logit-lab,.git}/**', 500);
    if (files.length === 0) {
      void notify('info', 'No *.experiment.json in this workspace yet.', 'New Experiment…').then((choice) => {
        if (choice) void vscode.commands.executeCommand('logitLab.newExperiment');
      });
      return undefined;
    }
    if (files.length === 1) return files[0];
    files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    const pick = await vscode.window.showQuickPick(
      files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'Train which experiment?', placeHolder: 'Pick an experiment file' },
    );
    return pick?.uri;
  }

  async function train(arg?: vscode.Uri): Promise<TrainingResult | undefined> {
    if (!vscode.workspace.isTrusted) {
      void notify(
        'warning',
        'Training is disabled in Restricted Mode: experiments read data files from this workspace. Trust the workspace to train; linting still works.',
        'Manage Workspace Trust',
      ).then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return undefined;
    }
    const uri = await pickExperiment(arg);
    if (!uri) return undefined;
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty) await doc.save();
    const errors = diagnostics.errorsOf(doc);
    if (errors.length) {
      const first = errors[0];
      void notify(
        'error',
        `${vscode.workspace.asRelativePath(uri)}:${first.range.start.line + 1}: ${first.message.split('\n')[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
        'Show Problems',
        'Open File',
      ).then((choice) => {
        if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
        if (choice === 'Open File') void vscode.window.showTextDocument(doc, { selection: first.range });
      });
      return undefined;
    }
    if (settings(uri).openPanelOnTrain && !panel.panelVisible) panel.open(vscode.ViewColumn.Beside, true);
    lens.refresh();
    const result = await trainer.train(uri, workspaceRootFor(uri));
    lens.refresh();
    return result;
  }

  trainer.onDidStart(({ experiment }) => {
    panel.beginLive(experiment);
    lens.refresh();
    tree.refreshSoon(1500);
  });
  trainer.onMessage(({ msg }) => {
    panel.liveMessage(msg);
    if (msg.type === 'runEnd' || msg.type === 'experimentStart') tree.refreshSoon();
  });
  trainer.onDidFinish(async (result) => {
    lens.refresh();
    const root = workspaceRootFor(result.experiment);
    if (result.runs.length) {
      panel.settle(result.runs, result.name, result.experiment);
      await lastRuns.update(lastRunKey(result.experiment), result.outDir);
    }
    void announce(result);
    try {
      const gone = await storeFor(root).prune(settings(result.experiment).keepRuns);
      if (gone.length) out.info(`Run retention (logitLab.runs.keep): removed ${gone.length} old experiment run${gone.length === 1 ? '' : 's'}.`);
    } catch (err) {
      out.warn(`Run retention failed: ${errorText(err)}`);
    }
    tree.refresh();
    await panel.refreshNames();
    if (result.runs.length) void offerGitignore(context.workspaceState, root);
  });

  async function announce(result: TrainingResult): Promise<void> {
    let choice: string | undefined;
    if (result.failed) {
      choice = await notify('error', `Logit Lab: ${result.headline}`, 'Open File', 'Show Output');
    } else {
      const diverged = result.runs.find((r) => r.status === 'diverged' || r.stopReason === 'diverged');
      const failedRuns = result.runs.filter((r) => r.status === 'failed');
      if (diverged) choice = await notify('warning', divergenceAdvice(diverged), 'Open Panel', 'Open File');
      else if (failedRuns.length) choice = await notify('warning', `${result.headline} — ${failedRuns.length} run(s) failed: ${failedRuns[0].message ?? 'see the output'}`, 'Open Panel', 'Show Output');
      else choice = await notify('info', result.headline, 'Open Panel', 'Open Report');
    }
    if (choice === 'Open Panel') panel.open(vscode.ViewColumn.Beside, false);
    if (choice === 'Open File') await vscode.window.showTextDocument(result.experiment);
    if (choice === 'Show Output') out.show(true);
    if (choice === 'Open Report') await openReport(result.outDir, bestDir(result));
  }

  function bestDir(result: TrainingResult): string | undefined {
    let best = -1;
    let dir: string | undefined;
    result.runs.forEach((r, i) => {
      if (accuracyOf(r) > best) [best, dir] = [accuracyOf(r), result.runDirs[i]];
    });
    return dir;
  }

  async function openReport(experimentDir: string, runDir?: string): Promise<void> {
    const candidates = [runDir && join(runDir, 'report.html'), join(experimentDir, 'report.html')].filter((c): c is string => !!c);
    const exists = (f: string) => fs.access(f).then(() => true, () => false);
    // A training that just ended writes its report right after (its worker's last step): wait for it a moment.
    for (let i = 0; i < 20 && !(await Promise.all(candidates.map(exists))).some(Boolean); i++) await new Promise((r) => setTimeout(r, 100));
    for (const candidate of candidates) {
      if (await exists(candidate)) {
        if (vscode.env.remoteName || vscode.env.uiKind === vscode.UIKind.Web) {
          // The report is a file on the remote machine: a local browser cannot open it. Show the
          // same runs in the panel and say where the file is.
          panel.open(vscode.ViewColumn.Beside, false);
          void notify('info', `The HTML report is at ${candidate} on the ${vscode.env.remoteName ?? 'remote'} machine; the panel shows the same runs.`);
          return;
        }
        await vscode.env.openExternal(vscode.Uri.file(candidate));
        return;
      }
    }
    void notify('warning', 'This run has no report.html yet (it is written when a training ends).');
  }

  // ---- history ---------------------------------------------------------------------------------
  /** The latest recorded runs of an experiment file: the ones it last trained, else the newest on disk. */
  async function latestRunsOf(target: vscode.Uri): Promise<StoredExperiment | undefined> {
    const dir = lastRuns.get<string>(lastRunKey(target));
    const store = storeFor(workspaceRootFor(target));
    const experiment = dir ? await store.readExperiment(dir) : undefined;
    if (experiment) return experiment;
    const name = safeName(experimentNameOfFile(target.fsPath));
    return (await store.list()).find((e) => safeName(e.name) === name);
  }

  /** What an empty panel shows: the active experiment file's runs, else the newest experiment on disk. */
  async function initialRuns(): Promise<{ runs: RunRecord[]; title: string; experiment?: vscode.Uri } | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active && isExperimentFile(active)) {
      const e = await latestRunsOf(active);
      if (e) return { runs: e.runs.map((r) => r.record), title: e.name, experiment: active };
    }
    const all = (await tree.all()).sort((a, b) => b.experiment.startedAt.getTime() - a.experiment.startedAt.getTime());
    const newest = all.find((x) => x.experiment.runs.length);
    if (!newest) return undefined;
    const file = newest.experiment.file ? vscode.Uri.file(join(newest.folder, newest.experiment.file)) : undefined;
    return { runs: newest.experiment.runs.map((r) => r.record), title: newest.experiment.name, experiment: file };
  }

  /** Experiment names with runs on disk, newest first (the panel's switcher). */
  async function experimentNames(): Promise<string[]> {
    const all = (await tree.all()).sort((a, b) => b.experiment.startedAt.getTime() - a.experiment.startedAt.getTime());
    return [...new Set(all.filter((x) => x.experiment.runs.length).map((x) => x.experiment.name))];
  }

  /** The newest recorded runs of an experiment, by name (the switcher's pick). */
  async function showExperimentNamed(name: string): Promise<void> {
    const all = (await tree.all()).sort((a, b) => b.experiment.startedAt.getTime() - a.experiment.startedAt.getTime());
    const hit = all.find((x) => x.experiment.name === name && x.experiment.runs.length);
    if (!hit) {
      void notify('info', `No recorded runs of ${name} any more.`);
      return;
    }
    const file = hit.experiment.file ? vscode.Uri.file(join(hit.folder, hit.experiment.file)) : undefined;
    panel.showRuns(hit.experiment.runs.map((r) => r.record), hit.experiment.name, file);
  }

  /** The panel follows the experiment file being edited: switching to another one shows its latest runs. */
  async function followActiveExperiment(editor: vscode.TextEditor | undefined): Promise<void> {
    const uri = editor?.document.uri;
    if (!uri || !isExperimentFile(uri) || trainer.running || !panel.hasVisibleTarget) return;
    if (panel.experiment?.toString() === uri.toString()) return;
    const e = await latestRunsOf(uri);
    if (!e || trainer.running || vscode.window.activeTextEditor?.document.uri.toString() !== uri.toString()) return;
    panel.showRuns(e.runs.map((r) => r.record), e.name, uri);
  }

  async function allRuns(): Promise<{ label: string; description: string; record: RunRecord; dir: string; experimentDir: string }[]> {
    const out: { label: string; description: string; record: RunRecord; dir: string; experimentDir: string }[] = [];
    for (const { experiment } of await tree.all()) {
      for (const r of experiment.runs) {
        out.push({
          label: `${experiment.name} / ${r.record.name}`,
          description: `${accuracyText(r.record)} · ${r.record.stopReason ?? r.record.status} · ${experiment.startedAt.toLocaleString()}`,
          record: r.record,
          dir: r.dir,
          experimentDir: experiment.dir,
        });
      }
    }
    return out;
  }

  function showNode(node: RunsNode): void {
    const runs = node.kind === 'experiment' ? node.experiment.runs.map((r) => r.record) : [node.run.record];
    panel.open(vscode.ViewColumn.Active, false);
    panel.showRuns(runs, node.kind === 'experiment' ? node.experiment.name : `${node.experiment.name} / ${node.run.record.name}`);
  }

  async function compare(node?: RunsNode, nodes?: RunsNode[]): Promise<void> {
    let runs: RunRecord[] = [];
    const selected = nodes?.length ? nodes : node ? [node] : [];
    for (const n of selected) runs.push(...(n.kind === 'experiment' ? n.experiment.runs.map((r) => r.record) : [n.run.record]));
    if (runs.length < 2) {
      const picks = await vscode.window.showQuickPick(await allRuns(), { title: 'Compare runs', placeHolder: 'Pick two or more runs', canPickMany: true, matchOnDescription: true });
      if (!picks) return;
      runs = picks.map((p) => p.record);
    }
    if (runs.length === 0) return;
    panel.open(vscode.ViewColumn.Active, false);
    panel.showRuns(runs, `Compare ${runs.length} runs`);
  }

  /**
   * An Explore edit undone or redone in the editor (Ctrl+Z) changes the experiment the panel is
   * exploring: save it and retrain, so the form (initialised from the retrained run) and the picture
   * follow the file, as they do for an edit made from the panel.
   */
  let exploreEditing = false;
  let undoTimer: ReturnType<typeof setTimeout> | undefined;
  context.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => {
    if (exploreEditing || !panel.experiment || e.document.uri.toString() !== panel.experiment.toString()) return;
    if (e.reason !== vscode.TextDocumentChangeReason.Undo && e.reason !== vscode.TextDocumentChangeReason.Redo) return;
    clearTimeout(undoTimer);
    // Several Ctrl+Z in a row retrain once, on the state the user stops at.
    undoTimer = setTimeout(() => {
      void (async () => {
        if (diagnostics.errorsOf(e.document).length) return;
        await e.document.save();
        out.info(`Explore: ${vscode.workspace.asRelativePath(e.document.uri)} changed by undo/redo; retraining.`);
        await train(e.document.uri);
      })().catch((err) => out.warn(`explore undo: ${errorText(err)}`));
    }, 400);
  }), { dispose: () => clearTimeout(undoTimer) });

  async function onPanelMessage(msg: FromWebview, experiment: vscode.Uri | undefined): Promise<void> {
    switch (msg.type) {
      case 'explore': {
        if (!experiment) return;
        const doc = await vscode.workspace.openTextDocument(experiment);
        const edit = exploreEdit(doc.getText(), msg.path, msg.value);
        if (!edit) return;
        const we = new vscode.WorkspaceEdit();
        we.replace(experiment, new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.length)), edit.text);
        exploreEditing = true;
        try {
          await vscode.workspace.applyEdit(we); // undoable like any edit
        } finally {
          exploreEditing = false;
        }
        await doc.save();
        out.info(`Explore: set ${msg.path} = ${JSON.stringify(msg.value)} in ${vscode.workspace.asRelativePath(experiment)}; retraining.`);
        await train(experiment);
        return;
      }
      case 'predict':
        panel.post(await predictor.predict(msg.requestId, msg.modelDir, msg.input));
        return;
      case 'export': {
        const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(join(experiment ? workspaceRootFor(experiment) : '', msg.name)), filters: { [msg.format.toUpperCase()]: [msg.format] } });
        if (!target) return;
        const m = /^data:[^;]+;base64,(.*)$/s.exec(msg.data);
        await fs.writeFile(target.fsPath, m ? Buffer.from(m[1], 'base64') : msg.data);
        out.info(`Exported ${target.fsPath}`);
        void notify('info', `Saved ${vscode.workspace.asRelativePath(target)}`, 'Open').then((choice) => {
          if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', target);
        });
        return;
      }
      case 'showExperiment':
        await showExperimentNamed(msg.name);
        return;
      case 'openRun':
        await vscode.window.showTextDocument(vscode.Uri.file(runFileOf(msg.runDir)), { preview: true });
        return;
    }
  }

  // ---- commands --------------------------------------------------------------------------------
  const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, guardCommand(id, fn, boundary)));
  reg('logitLab.train', (uri?: vscode.Uri) => train(uri));
  reg('logitLab.stop', async () => {
    if (!(await trainer.stop())) void notify('info', 'Logit Lab is not training anything.');
  });
  reg('logitLab.openPanel', () => {
    panel.open(vscode.ViewColumn.Active, false);
  });
  reg('logitLab.newExperiment', (uri?: vscode.Uri) => newExperiment(context.extensionPath, uri instanceof vscode.Uri ? uri : undefined));
  reg('logitLab.showHistory', async () => {
    await vscode.commands.executeCommand('logitLab.runs.focus');
    const picks = await tree.all();
    if (picks.length === 0) {
      void notify('info', 'No runs yet. Train an experiment to start the history.');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      picks.map((e) => ({
        label: e.experiment.name,
        description: `${e.experiment.runs.length} run${e.experiment.runs.length === 1 ? '' : 's'} · ${e.experiment.startedAt.toLocaleString()}`,
        detail: e.experiment.runs.map((r) => `${r.record.name}: ${accuracyText(r.record)} (${r.record.stopReason ?? r.record.status})`).join(' · '),
        node: { kind: 'experiment' as const, folder: e.folder, experiment: e.experiment },
      })),
      { title: 'Logit Lab run history', placeHolder: 'Open an experiment run in the panel', matchOnDetail: true },
    );
    if (pick) showNode(pick.node);
  });
  reg('logitLab.compareRuns', (node?: RunsNode, nodes?: RunsNode[]) => compare(node, nodes));
  reg('logitLab.openRuns', (node: RunsNode) => showNode(node));
  reg('logitLab.refreshRuns', () => tree.refresh());
  reg('logitLab.openLastRun', async (uri?: vscode.Uri) => {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target) return;
    const experiment = await latestRunsOf(target);
    if (!experiment) {
      void notify('info', `${vscode.workspace.asRelativePath(target)} has no recorded runs yet.`, 'Train');
      return;
    }
    panel.open(vscode.ViewColumn.Beside, false);
    panel.showRuns(experiment.runs.map((r) => r.record), experiment.name, target);
  });
  reg('logitLab.openReport', (node?: RunsNode) => {
    if (!node) return;
    return openReport(node.experiment.dir, node.kind === 'run' ? node.run.dir : undefined);
  });
  reg('logitLab.openRunJson', (node?: RunsNode) => {
    if (node?.kind === 'run') return vscode.window.showTextDocument(vscode.Uri.file(runFileOf(node.run.dir)));
  });
  reg('logitLab.deleteRuns', async (node?: RunsNode) => {
    if (!node) return;
    const dir = node.kind === 'experiment' ? node.experiment.dir : node.run.dir;
    if (trainer.liveDirs.has(dir) || [...trainer.liveDirs].some((d) => d.startsWith(dir))) {
      void notify('warning', 'That run is training right now; stop it first.');
      return;
    }
    const ok = await vscode.window.showWarningMessage(`Delete ${vscode.workspace.asRelativePath(dir)}?`, { modal: true }, 'Delete');
    if (ok !== 'Delete') return;
    await fs.rm(dir, { recursive: true, force: true });
    tree.refresh();
  });
  reg('logitLab.lintWorkspace', async () => {
    const r = await linter.lintWorkspace();
    const text =
      r.files === 0
        ? 'Logit Lab lint: no Python files or notebooks in this workspace.'
        : r.problems === 0
          ? `Logit Lab lint: no problems in ${r.files} file${r.files === 1 ? '' : 's'}.`
          : `Logit Lab lint: ${r.problems} problem${r.problems === 1 ? '' : 's'} in ${r.filesWithProblems} of ${r.files} file${r.files === 1 ? '' : 's'}.`;
    out.info(text);
    // Not awaited: the command's result must not wait for the user to dismiss a notification.
    void notify(r.problems ? 'warning' : 'info', text, ...(r.problems ? ['Show Problems'] : [])).then((choice) => {
      if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return r;
  });

  context.subscriptions.push(
    out,
    status,
    trainer,
    diagnostics,
    linter,
    tree,
    treeView,
    panel,
    lens,
    notifyEmitter,
    vscode.window.registerWebviewViewProvider(PanelHost.viewType, panel),
    vscode.window.registerWebviewPanelSerializer(PanelHost.panelType, panel),
    vscode.languages.registerCodeLensProvider({ pattern: '**/*.experiment.json' }, lens),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('logitLab.backend') && !trainer.running) status.idle();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => out.info('Workspace trusted: training enabled.')),
    vscode.window.onDidChangeActiveTextEditor((editor) => void followActiveExperiment(editor).catch((err) => out.warn(`panel: ${errorText(err)}`))),
  );

  const activationMs = performance.now() - moduleLoadedAt;
  out.info(
    `Logit Lab activated in ${activationMs.toFixed(1)} ms (activate() ${(performance.now() - activateStart).toFixed(1)} ms); ` +
      `workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted: training disabled'}; backend setting ${settings().backend}.`,
  );
  return { activationMs, trainer, panel, diagnostics, linter, runStores, notifications, onDidNotify: notifyEmitter.event };
}

function lastRunKey(uri: vscode.Uri): string {
  return `logitLab.lastRun:${uri.toString()}`;
}

export function deactivate(): void {
  // Disposables (including a running worker, which is asked to stop) go with the context.
}
