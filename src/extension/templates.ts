// "New Experiment…": a quick pick of the lesson templates shipped in the extension's examples/,
// copied into the workspace (with the CSV they read, if any) and opened.
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { applyEdits, modify, parse } from 'jsonc-parser';
import { log } from './log';

interface Template {
  file: string;
  name: string;
  description?: string;
  dataPath?: string;
}

export async function listTemplates(extensionPath: string): Promise<Template[]> {
  const dir = join(extensionPath, 'examples');
  let names: string[] = [];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.experiment.json')).sort();
  } catch {
    return [];
  }
  const out: Template[] = [];
  for (const n of names) {
    const file = join(dir, n);
    try {
      const obj = parse(await fs.readFile(file, 'utf8')) as { name?: string; description?: string; data?: { kind?: string; path?: string } };
      const dataPath = obj?.data?.kind === 'csv' ? obj.data.path : undefined;
      // A lesson whose CSV is not shipped cannot be trained: not offered.
      if (dataPath && !(await fs.access(resolve(dir, dataPath)).then(() => true, () => false))) continue;
      out.push({ file, name: obj?.name ?? n.replace(/\.experiment\.json$/, ''), description: obj?.description, dataPath });
    } catch {
      // A template that does not parse is not offered.
    }
  }
  // The first lesson first.
  return out.sort((a, b) => (basename(a.file) === 'moons.experiment.json' ? -1 : basename(b.file) === 'moons.experiment.json' ? 1 : 0));
}

export async function newExperiment(extensionPath: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = await pickFolder(target);
  if (!folder) {
    void vscode.window.showWarningMessage('Open a folder first: Logit Lab creates the experiment file in the workspace.');
    return undefined;
  }
  const templates = await listTemplates(extensionPath);
  if (templates.length === 0) {
    void vscode.window.showErrorMessage('Logit Lab: no experiment templates were found in the extension.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    templates.map((t) => ({ label: t.name, description: basename(t.file), detail: t.description, template: t })),
    { title: 'New Logit Lab experiment', placeHolder: 'Pick a lesson template', matchOnDetail: true },
  );
  if (!picked) return undefined;
  const t = picked.template;
  const dir = target && (await isDirectory(target)) ? target.fsPath : folder.uri.fsPath;
  const suggested = await freeName(dir, basename(t.file));
  const name = await vscode.window.showInputBox({
    title: 'New Logit Lab experiment',
    prompt: `File name (in ${vscode.workspace.asRelativePath(dir) || basename(dir)})`,
    value: suggested,
    valueSelection: [0, suggested.length - '.experiment.json'.length],
    validateInput: async (v) => {
      if (!v.endsWith('.experiment.json')) return 'The name must end with .experiment.json';
      if (/[\\/]/.test(v)) return 'Just a file name, please';
      return (await exists(join(dir, v))) ? `${v} already exists` : undefined;
    },
  });
  if (!name) return undefined;
  const dest = join(dir, name);
  // The template's relative "$schema" points into the extension's repository; in the workspace the
  // schema comes from contributes.jsonValidation instead.
  const text = await fs.readFile(t.file, 'utf8');
  await fs.writeFile(dest, applyEdits(text, modify(text, ['$schema'], undefined, { formattingOptions: { insertSpaces: true, tabSize: 2 } })));
  if (t.dataPath) {
    // Copy the CSV the lesson reads, keeping its relative path, unless the workspace has one already.
    const from = resolve(dirname(t.file), t.dataPath);
    const to = resolve(dir, t.dataPath);
    if (!relative(folder.uri.fsPath, to).startsWith('..') && !(await exists(to))) {
      await fs.mkdir(dirname(to), { recursive: true });
      await fs.copyFile(from, to).catch((err) => log().warn(`Could not copy ${from}: ${(err as Error).message}`));
    }
  }
  const uri = vscode.Uri.file(dest);
  await vscode.window.showTextDocument(uri);
  log().info(`Created ${vscode.workspace.asRelativePath(uri)} from the ${t.name} template.`);
  return uri;
}

async function pickFolder(target?: vscode.Uri): Promise<vscode.WorkspaceFolder | undefined> {
  if (target) {
    const f = vscode.workspace.getWorkspaceFolder(target);
    if (f) return f;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Where should the experiment go?' });
}

async function freeName(dir: string, base: string): Promise<string> {
  if (!(await exists(join(dir, base)))) return base;
  const stem = base.replace(/\.experiment\.json$/, '');
  for (let i = 2; ; i++) {
    const n = `${stem}-${i}.experiment.json`;
    if (!(await exists(join(dir, n)))) return n;
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

async function isDirectory(uri: vscode.Uri): Promise<boolean> {
  return fs.stat(uri.fsPath).then((s) => s.isDirectory(), () => false);
}
