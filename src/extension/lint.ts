// The PyTorch linter as editor diagnostics: Python files and Jupyter notebooks (linted as one module,
// so a loss defined in one cell and misused in another is still found), quick fixes from the rules'
// fixes, "# noqa" suppression, and "Lint Workspace". It only parses code: nothing is executed, so it
// also runs in Restricted Mode. The linting itself runs on the lint thread (dist/lint-worker.js),
// which loads the parser (tree-sitter wasm) on first use: a keystroke's re-lint never blocks the
// extension host.
import * as vscode from 'vscode';
import { readLintableFile } from '../core/lint/read';
import type { Fix } from '../core/lint/rule';
import type { LintReply, LintSettings, ServiceDiagnostic } from '../core/lint/service';
import { LintThread } from '../core/lint/thread';
import { settings, type LintSeverity } from './config';
import { errorText, log } from './log';
import { KeyedDebouncer } from './debounce';
import { WorkspaceLintProjects } from './lintProject';

const DEBOUNCE_MS = 300;
const EXCLUDE = '**/{node_modules,.venv,venv,.git,.logit-lab,site-packages,__pycache__}/**';

export class PythonLinter implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  readonly collection = vscode.languages.createDiagnosticCollection('logit-lab-lint');
  private readonly fixes = new WeakMap<vscode.Diagnostic, Fix>();
  private readonly pending = new KeyedDebouncer();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly thread: LintThread;
  /** Cross-file: the workspace folders' Python files (see lintProject.ts). */
  private readonly projects: WorkspaceLintProjects;

  /** `workerFile`: the lint thread's bundle (dist/lint-worker.js); without it, linting runs in the extension host. */
  constructor(workerFile: string) {
    this.thread = new LintThread(workerFile, {
      // Young generation sized for a re-lint's short-lived objects (see src/core/lint/thread.ts).
      youngMb: 64,
      onRestart: (why) => {
        log().warn(`The lint thread stopped (${why.message}); linting the open files again.`);
        this.projects.forget();
        this.relintOpen();
      },
    });
    this.projects = new WorkspaceLintProjects(this.thread, (docs) => docs.forEach((d) => this.schedule(d, 0)));
    this.disposables.push(
      this.collection,
      this.projects,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      // A closed file keeps its problems as saved on disk (what Lint Workspace reports too).
      vscode.workspace.onDidCloseTextDocument((d) => {
        void this.thread.call('forgetOpenFile', d.uri.toString()).catch(() => undefined);
        if (d.uri.scheme === 'file' && d.languageId === 'python') this.debounce(d.uri.toString(), 0, () => this.lintFile(d.uri));
      }),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.scheduleNotebook(nb, 0)),
      vscode.workspace.onDidChangeNotebookDocument((e) => this.scheduleNotebook(e.notebook, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseNotebookDocument((nb) => nb.getCells().forEach((c) => this.collection.delete(c.document.uri))),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('logitLab.lint')) this.relintOpen();
      }),
      vscode.languages.registerCodeActionsProvider([{ language: 'python' }, { notebookType: 'jupyter-notebook', language: 'python' }], this, {
        providedCodeActionKinds: PythonLinter.providedCodeActionKinds,
      }),
    );
    this.relintOpen();
  }

  /** Whether linting runs on the lint thread (false: in the extension host, the thread being unavailable). */
  get threaded(): boolean {
    return this.thread.threaded;
  }

  relintOpen(): void {
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === 'file') this.schedule(d, 0);
    for (const nb of vscode.workspace.notebookDocuments) this.scheduleNotebook(nb, 0);
  }

  private schedule(doc: vscode.TextDocument, ms: number): void {
    if (doc.languageId !== 'python') return;
    if (doc.uri.scheme === 'vscode-notebook-cell') {
      const nb = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === doc));
      if (nb) this.scheduleNotebook(nb, ms);
      return;
    }
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return;
    this.debounce(doc.uri.toString(), ms, () => this.lintDocument(doc));
  }

  private scheduleNotebook(nb: vscode.NotebookDocument, ms: number): void {
    if (nb.notebookType !== 'jupyter-notebook') return;
    this.debounce(nb.uri.toString(), ms, () => this.lintNotebook(nb));
  }

  private debounce(key: string, ms: number, fn: () => Promise<unknown>): void {
    this.pending.schedule(key, ms, () => fn().catch((err) => log().warn(`Lint failed: ${errorText(err)}`)));
  }

  /** The logitLab.lint.* settings; pyproject.toml's [tool.logit-lab.lint] is read by the lint thread, from the file's folders up. */
  private config(uri: vscode.Uri): { settings: LintSettings; overrides: Record<string, LintSeverity>; enabled: boolean } {
    const s = settings(uri).lint;
    return {
      settings: { select: s.select, ignore: s.ignore, configFrom: uri.scheme === 'file' ? uri.fsPath : undefined },
      overrides: s.severity,
      enabled: s.enable,
    };
  }

  /** Logs what a lint had to say beside its diagnostics. */
  private logged(reply: LintReply): ServiceDiagnostic[] {
    for (const w of reply.warnings) log().warn(w);
    for (const n of reply.notes) log().debug(n);
    return reply.diagnostics;
  }

  async lintDocument(doc: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
    return this.lintFile(doc.uri, doc.getText());
  }

  /** Lints a Python file (its editor text when given, else the file on disk) and publishes the result. */
  async lintFile(uri: vscode.Uri, text?: string): Promise<vscode.Diagnostic[]> {
    const { settings: lintSettings, overrides, enabled } = this.config(uri);
    if (!enabled) {
      this.collection.delete(uri);
      return [];
    }
    // In a workspace folder: linted within its project (imports of the folder's own modules resolve).
    const inProject = await this.projects.projectFor(uri);
    let reply: LintReply;
    if (inProject) {
      const source = text ?? (await readLintableFile(uri.fsPath));
      reply = await this.thread.call('lintProjectFile', inProject.folder, inProject.path, source, lintSettings);
    } else if (text !== undefined) {
      // Kept parsed on the lint thread between edits: only the changed range is parsed again.
      reply = await this.thread.call('lintOpenFile', uri.toString(), text, lintSettings);
    } else reply = await this.thread.call('lintFile', uri.fsPath, lintSettings);
    const diagnostics = this.logged(reply).map((d) => this.toDiagnostic(d, overrides, uri));
    this.collection.set(uri, diagnostics);
    return diagnostics;
  }

  async lintNotebook(nb: vscode.NotebookDocument): Promise<void> {
    const { settings: lintSettings, overrides, enabled } = this.config(nb.uri);
    const cells = nb.getCells();
    const isCode = (c: vscode.NotebookCell) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python';
    for (const c of cells) this.collection.delete(c.document.uri);
    // Problems Lint Workspace put on the closed notebook file: the open notebook's cells carry them now.
    this.collection.delete(nb.uri);
    if (!enabled || !cells.some(isCode)) return;
    // Every cell, markdown included, so cell indexes (and "cell N" in messages) are VS Code's.
    const json = JSON.stringify({ cells: cells.map((c) => ({ cell_type: isCode(c) ? 'code' : 'markdown', source: c.document.getText() })) });
    const found = this.logged(await this.thread.call('lintNotebook', json, nb.uri.fsPath, lintSettings));
    const byCell = new Map<number, vscode.Diagnostic[]>();
    const cellUri = (i: number) => cells[i]?.document.uri;
    for (const d of found) {
      const cell = cells[d.cell ?? -1];
      if (!cell) continue;
      const list = byCell.get(d.cell!) ?? [];
      list.push(this.toDiagnostic(d, overrides, cell.document.uri, cellUri));
      byCell.set(d.cell!, list);
    }
    for (const [i, list] of byCell) this.collection.set(cells[i].document.uri, list);
  }

  private toDiagnostic(
    d: ServiceDiagnostic,
    overrides: Record<string, LintSeverity>,
    uri?: vscode.Uri,
    cellUri?: (cell: number) => vscode.Uri | undefined,
  ): vscode.Diagnostic {
    // 1-based lines and UTF-16 columns, as VS Code counts them.
    const range = new vscode.Range(d.line - 1, d.column - 1, d.endLine - 1, d.endColumn - 1);
    const override = Object.entries(overrides)
      .filter(([k]) => d.code.startsWith(k.toUpperCase()))
      .sort((a, b) => b[0].length - a[0].length)[0]?.[1];
    const diag = new vscode.Diagnostic(range, d.message, toSeverity(override ?? d.severity));
    diag.source = 'logit-lab';
    diag.code = d.docUrl ? { value: `${d.code} ${d.name}`, target: vscode.Uri.parse(d.docUrl) } : d.code;
    if (d.fix) this.fixes.set(diag, d.fix);
    // The loss call(s) the sigmoid/softmax reaches: relatedInformation, in this document (or cell).
    if (d.related?.length && uri) {
      // Places in other files carry project-relative paths: resolved against this file's folder.
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      diag.relatedInformation = d.related.map((r) => {
        const at = r.path ? (folder ? vscode.Uri.joinPath(folder.uri, r.path) : vscode.Uri.file(r.path)) : r.cell !== undefined && cellUri ? (cellUri(r.cell) ?? uri) : uri;
        return new vscode.DiagnosticRelatedInformation(new vscode.Location(at, new vscode.Range(r.line - 1, r.column - 1, r.endLine - 1, r.endColumn - 1)), r.message);
      });
    }
    return diag;
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diag of context.diagnostics) {
      if (diag.source !== 'logit-lab') continue;
      const fix = this.fixes.get(diag);
      if (fix) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
        action.diagnostics = [diag];
        action.isPreferred = fix.safe;
        actions.push(action);
      }
      const code = typeof diag.code === 'object' ? String(diag.code.value).split(' ')[0] : String(diag.code);
      const line = doc.lineAt(diag.range.start.line);
      const noqa = new vscode.CodeAction(`Suppress ${code} on this line (# noqa)`, vscode.CodeActionKind.QuickFix);
      noqa.edit = new vscode.WorkspaceEdit();
      const m = /#\s*noqa:\s*([A-Z0-9,\s]+)$/i.exec(line.text);
      if (m) noqa.edit.insert(doc.uri, line.range.end, `, ${code}`);
      else noqa.edit.insert(doc.uri, line.range.end, `  # noqa: ${code}`);
      noqa.diagnostics = [diag];
      actions.push(noqa);
    }
    return actions;
  }

  /** Lints every Python file and notebook of the workspace; returns [problems, files with problems, files]. */
  async lintWorkspace(): Promise<{ problems: number; filesWithProblems: number; files: number }> {
    const uris = await vscode.workspace.findFiles('**/*.{py,ipynb}', EXCLUDE, 5000);
    let problems = 0;
    let filesWithProblems = 0;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Logit Lab: linting', cancellable: true }, async (progress, token) => {
      for (const [i, uri] of uris.entries()) {
        if (token.isCancellationRequested) break;
        progress.report({ message: `${vscode.workspace.asRelativePath(uri)} (${i + 1}/${uris.length})`, increment: 100 / uris.length });
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        let n = 0;
        try {
          if (uri.path.endsWith('.ipynb')) {
            const { settings: lintSettings, overrides, enabled } = this.config(uri);
            if (!enabled) continue;
            const found = this.logged(await this.thread.call('lintNotebook', undefined, uri.fsPath, lintSettings));
            // Closed notebooks: report on the file, at the cell and line the problem is in.
            const diags = found.map((d) => {
              const diag = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `cell ${(d.cell ?? 0) + 1}, line ${d.line}: ${d.message}`, toSeverity(overrides[d.code] ?? d.severity));
              diag.source = 'logit-lab';
              diag.code = d.code;
              return diag;
            });
            const opened = vscode.workspace.notebookDocuments.find((nb) => nb.uri.toString() === uri.toString());
            if (opened) await this.lintNotebook(opened); // on its cells, at their lines; nothing on the file
            else this.collection.set(uri, diags);
            n = diags.length;
          } else {
            n = (await this.lintFile(uri, open?.getText())).length;
          }
        } catch (err) {
          log().warn(`Lint ${uri.fsPath}: ${errorText(err)}`);
        }
        problems += n;
        if (n) filesWithProblems++;
      }
    });
    return { problems, filesWithProblems, files: uris.length };
  }

  dispose(): void {
    this.pending.dispose();
    for (const d of this.disposables) d.dispose();
    void this.thread.dispose();
  }
}

function toSeverity(s: string): vscode.DiagnosticSeverity {
  switch (s) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
    default:
      return vscode.DiagnosticSeverity.Information;
  }
}
