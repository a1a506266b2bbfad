// Cross-file linting in the editor: the lint thread holds one project per workspace folder with
// that folder's Python files (the open editors' text where a file is open, the saved text
// otherwise), so that `from model import Net` in train.py sees model.py. A folder is indexed once,
// on first use; saving, creating or deleting a .py file updates it, and the open files that import
// the changed one are re-linted. Files outside any workspace folder are linted on their own.
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import type { LintThread } from '../core/lint/thread';
import { log, errorText } from './log';

const PY_FILES = '**/*.py';
const EXCLUDE = '**/{node_modules,.venv,venv,.git,.logit-lab,site-packages,__pycache__}/**';
/** A folder with more files than this is too big to index cheaply: its files are linted alone. */
const MAX_FILES = 5000;
/** A folder with more .py files than this is not re-read when one of them is opened. */
const MAX_SIBLINGS = 200;

/** A file's place in the lint thread: its folder's project and its path there. */
export interface ProjectFile {
  folder: string;
  path: string;
}

export class WorkspaceLintProjects implements vscode.Disposable {
  /** Per folder: whether the lint thread holds its project (false: too big, linted file by file). */
  private readonly indexed = new Map<string, Promise<boolean>>();
  /** Folders whose .py files were read on an open (once each: after that the watcher has them). */
  private readonly synced = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly thread: LintThread,
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
      vscode.workspace.onDidOpenTextDocument((doc) => void this.syncSiblings(doc.uri)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.forget();
        void this.thread.call('dropFolders').catch(() => undefined);
      }),
    );
  }

  /** Forgets which folders were indexed (the lint thread restarted without them). */
  forget(): void {
    this.indexed.clear();
    this.synced.clear();
  }

  /** The project file for `uri`, indexing its folder on first use; undefined outside a folder or in a folder too big. */
  async projectFor(uri: vscode.Uri): Promise<ProjectFile | undefined> {
    const folder = uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    if (!folder) return undefined;
    const key = folder.uri.toString();
    let pending = this.indexed.get(key);
    if (!pending) {
      this.indexed.set(key, (pending = this.index(folder, key)));
      // A failed index is tried again on the next lint.
      pending.catch(() => this.indexed.get(key) === pending && this.indexed.delete(key));
    }
    return (await pending) ? { folder: key, path: relativePath(folder, uri) } : undefined;
  }

  private async index(folder: vscode.WorkspaceFolder, key: string): Promise<boolean> {
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, PY_FILES), EXCLUDE, MAX_FILES + 1);
    if (uris.length > MAX_FILES) {
      log().info(`Lint: ${folder.name} has more than ${MAX_FILES} Python files; cross-file analysis is off there.`);
      return false;
    }
    const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
    const files = uris.map((u) => ({ path: relativePath(folder, u), fsPath: u.fsPath, text: open.get(u.toString())?.getText() }));
    const { unreadable } = await this.thread.call('indexFolder', key, files);
    for (const why of unreadable) log().debug(`Lint index: ${why}`);
    return true;
  }

  /**
   * The .py files beside a file just opened, read into its project. The watcher alone misses files
   * written into a folder right after it was created (inotify watches a new folder only once told
   * of it: `mkdir` then `git checkout`, or a script writing model.py and train.py); a sibling is
   * what `from model import Net` most often names. Unchanged files cost a comparison in the thread.
   * Once per folder: a folder seen is watched, and opening its files again re-read up to 200 of them.
   */
  private async syncSiblings(uri: vscode.Uri): Promise<void> {
    if (uri.scheme !== 'file' || !uri.fsPath.endsWith('.py') || !vscode.workspace.getWorkspaceFolder(uri)) return;
    const dir = vscode.Uri.joinPath(uri, '..');
    if (this.synced.has(dir.toString())) return;
    this.synced.add(dir.toString());
    let names: string[];
    try {
      names = (await fs.readdir(dir.fsPath)).filter((n) => n.endsWith('.py'));
    } catch {
      return;
    }
    if (names.length > MAX_SIBLINGS) return;
    for (const name of names) {
      const sibling = vscode.Uri.joinPath(dir, name);
      if (sibling.toString() !== uri.toString()) await this.fromDisk(sibling);
    }
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
    await this.changed(uri, (file) => this.thread.call('setFile', file.folder, file.path, text));
  }

  private async removed(uri: vscode.Uri): Promise<void> {
    await this.changed(uri, (file) => this.thread.call('removeFile', file.folder, file.path));
  }

  /** Applies a change to `uri`'s project, then re-lints the open files that import it. */
  private async changed(uri: vscode.Uri, change: (file: ProjectFile) => Promise<string[]>): Promise<void> {
    try {
      const file = await this.projectFor(uri);
      if (!file) return;
      const importers = new Set(await change(file));
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder || !importers.size) return;
      this.relint(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(d.uri) === folder && importers.has(relativePath(folder, d.uri))));
    } catch (err) {
      log().warn(`Lint index: ${uri.fsPath}: ${errorText(err)}`);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.forget();
  }
}

function relativePath(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string {
  const base = folder.uri.path.endsWith('/') ? folder.uri.path : folder.uri.path + '/';
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : uri.path;
}
