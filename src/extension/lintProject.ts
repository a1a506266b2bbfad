// Cross-file linting in the editor: one LintProject per workspace folder holding that folder's
// Python files (the open editors' text where a file is open, the saved text otherwise), so that
// `from model import Net` in train.py sees model.py. The folder is indexed once, on first use;
// saving, creating or deleting a .py file updates it, and the caller re-lints the open files that
// import the changed one. Files outside any workspace folder are linted on their own.
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import type { LintProject } from '../core/lint';
import { log, errorText } from './log';

type LintModule = typeof import('../core/lint/index.js');

const PY_FILES = '**/*.py';
const EXCLUDE = '**/{node_modules,.venv,venv,.git,.logit-lab,site-packages,__pycache__}/**';
/** A folder with more files than this is too big to index cheaply: its files are linted alone. */
const MAX_FILES = 5000;

export class WorkspaceLintProjects implements vscode.Disposable {
  private readonly projects = new Map<string, Promise<LintProject | undefined>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly loadLint: () => Promise<LintModule>,
    /** Called with the open documents to re-lint after a file they import changed. */
    private readonly relint: (docs: vscode.TextDocument[]) => void,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(PY_FILES);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => void this.fromDisk(uri)),
      watcher.onDidChange((uri) => void this.fromDisk(uri)),
      watcher.onDidDelete((uri) => void this.removed(uri)),
      vscode.workspace.onDidSaveTextDocument((doc) => void this.update(doc.uri, doc.getText())),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.projects.clear()),
    );
  }

  /** The project of the folder holding `uri` and the file's path in it, or undefined (no folder, too big). */
  async projectFor(uri: vscode.Uri): Promise<{ project: LintProject; path: string } | undefined> {
    const folder = uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    if (!folder) return undefined;
    const key = folder.uri.toString();
    let pending = this.projects.get(key);
    if (!pending) this.projects.set(key, (pending = this.index(folder)));
    const project = await pending;
    return project ? { project, path: relativePath(folder, uri) } : undefined;
  }

  private async index(folder: vscode.WorkspaceFolder): Promise<LintProject | undefined> {
    const lint = await this.loadLint();
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, PY_FILES), EXCLUDE, MAX_FILES + 1);
    if (uris.length > MAX_FILES) {
      log().info(`Lint: ${folder.name} has more than ${MAX_FILES} Python files; cross-file analysis is off there.`);
      return undefined;
    }
    const project = new lint.LintProject();
    await Promise.all(
      uris.map(async (u) => {
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString());
        try {
          project.setFile(relativePath(folder, u), open ? open.getText() : await fs.readFile(u.fsPath, 'utf8'));
        } catch (err) {
          log().debug(`Lint index: ${u.fsPath}: ${errorText(err)}`);
        }
      }),
    );
    return project;
  }

  private async fromDisk(uri: vscode.Uri): Promise<void> {
    // An open editor's text wins over the disk (its changes arrive through update()).
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) return;
    try {
      await this.update(uri, await fs.readFile(uri.fsPath, 'utf8'));
    } catch {
      // Gone or unreadable: the delete event handles it.
    }
  }

  private async update(uri: vscode.Uri, text: string): Promise<void> {
    if (!uri.fsPath.endsWith('.py')) return;
    const found = await this.projectFor(uri);
    if (!found || !found.project.setFile(found.path, text)) return;
    this.relintImporters(found.project, found.path, uri);
  }

  private async removed(uri: vscode.Uri): Promise<void> {
    const found = await this.projectFor(uri);
    if (!found) return;
    const importers = found.project.importersOf(found.path);
    found.project.removeFile(found.path);
    this.relintPaths(found.project, importers, uri);
  }

  private relintImporters(project: LintProject, path: string, uri: vscode.Uri): void {
    this.relintPaths(project, project.importersOf(path), uri);
  }

  private relintPaths(_project: LintProject, paths: string[], changed: vscode.Uri): void {
    const folder = vscode.workspace.getWorkspaceFolder(changed);
    if (!folder || !paths.length) return;
    const wanted = new Set(paths);
    this.relint(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(d.uri) === folder && wanted.has(relativePath(folder, d.uri))));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const p of this.projects.values()) void p.then((project) => project?.dispose());
    this.projects.clear();
  }
}

function relativePath(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string {
  const base = folder.uri.path.endsWith('/') ? folder.uri.path : folder.uri.path + '/';
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : uri.path;
}
