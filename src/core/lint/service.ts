// The editor's linter, as plain-data calls: one LintProject per workspace folder (so `from model
// import Net` resolves) and the kept parses of open files outside any folder. The extension runs it
// on the lint thread (src/worker/lintWorker.ts, reached through ./thread.ts): there linting a
// keystroke never blocks the extension host, and the thread's young generation is sized for the
// linter's short-lived allocations. Tests and a failed thread use it in-process, through the same calls.
import { initParser, PythonDocument } from './parser';
import { lintDocument, lintText, type Diagnostic, type LintOptions } from './lint';
import { lintNotebook } from './notebook';
import { LintProject } from './project';
import { loadPyprojectConfig, mergeConfig, type LintConfig } from './config';
import { readLintableFile } from './read';
import { ruleByCode } from './rules';
import { ruleDocUrl } from './docs';

/** What the editor's settings say, and where pyproject.toml's [tool.logit-lab.lint] is looked for. */
export interface LintSettings {
  select?: string[];
  ignore?: string[];
  /** The linted file on disk: its folders are searched upwards for pyproject.toml. */
  configFrom?: string;
}

export interface ServiceDiagnostic extends Diagnostic {
  /** The rule's documentation page. */
  docUrl?: string;
}

export interface LintReply {
  diagnostics: ServiceDiagnostic[];
  /** For the debug log: a rule that crashed on this file (the others still ran). */
  notes: string[];
  /** For the user's log: a pyproject.toml that could not be read. */
  warnings: string[];
}

/** A file of a folder to index: its text when open in an editor, else read from `fsPath`. */
export interface IndexedFile {
  path: string;
  fsPath: string;
  text?: string;
}

export class LintService {
  private readonly projects = new Map<string, LintProject>();
  private readonly loose = new Map<string, PythonDocument>();

  /** Builds the project of a folder from its files; returns the files that could not be read. */
  async indexFolder(folder: string, files: IndexedFile[]): Promise<{ unreadable: string[] }> {
    this.projects.get(folder)?.dispose();
    const project = new LintProject();
    this.projects.set(folder, project);
    const unreadable: string[] = [];
    await Promise.all(
      files.map(async (f) => {
        try {
          project.setFile(f.path, f.text ?? (await readLintableFile(f.fsPath)));
        } catch (err) {
          unreadable.push(`${f.fsPath}: ${(err as Error).message}`);
        }
      }),
    );
    return { unreadable };
  }

  async hasFolder(folder: string): Promise<boolean> {
    return this.projects.has(folder);
  }

  async dropFolders(): Promise<void> {
    for (const p of this.projects.values()) p.dispose();
    this.projects.clear();
  }

  /** Adds or updates a file; returns the files to re-lint (its importers), none when the text is unchanged. */
  async setFile(folder: string, path: string, text: string): Promise<string[]> {
    const project = this.project(folder);
    return project.setFile(path, text) ? project.importersOf(path) : [];
  }

  /** Removes a file; returns the files that imported it (to re-lint). */
  async removeFile(folder: string, path: string): Promise<string[]> {
    const project = this.project(folder);
    const importers = project.importersOf(path);
    project.removeFile(path);
    return importers;
  }

  /** Lints a file of a folder's project at `text` (the editor's path: an incremental re-parse). */
  async lintProjectFile(folder: string, path: string, text: string, settings: LintSettings): Promise<LintReply> {
    const project = this.project(folder);
    const run = lintRun(settings);
    project.setFile(path, text);
    return run.reply(await project.lint(path, run.options));
  }

  /** Lints an open file outside any folder, keeping its parse under `key` for the next edit. */
  async lintOpenFile(key: string, text: string, settings: LintSettings): Promise<LintReply> {
    await initParser();
    const run = lintRun(settings);
    let doc = this.loose.get(key);
    if (doc) doc.update(text);
    else this.loose.set(key, (doc = new PythonDocument(text)));
    return run.reply(lintDocument(doc, run.options));
  }

  async forgetOpenFile(key: string): Promise<void> {
    this.loose.get(key)?.dispose();
    this.loose.delete(key);
  }

  /** Lints a file on its own, read from disk. */
  async lintFile(fsPath: string, settings: LintSettings): Promise<LintReply> {
    const run = lintRun(settings);
    return run.reply(await lintText(await readLintableFile(fsPath), run.options));
  }

  /** Lints a notebook's JSON (from the editor's cells, or `fsPath` read from disk when `json` is absent). */
  async lintNotebook(json: string | undefined, fsPath: string, settings: LintSettings): Promise<LintReply> {
    const run = lintRun(settings);
    const text = json ?? (await readLintableFile(fsPath));
    return run.reply(await lintNotebook(text, run.options, fsPath));
  }

  async dispose(): Promise<void> {
    await this.dropFolders();
    for (const doc of this.loose.values()) doc.dispose();
    this.loose.clear();
  }

  private project(folder: string): LintProject {
    const project = this.projects.get(folder);
    if (!project) throw new Error(`no lint project for ${folder}: index the folder first`);
    return project;
  }
}

/** The calls the lint thread answers: every public method of LintService. */
export type LintCalls = { [K in Exclude<keyof LintService, 'dispose'>]: LintService[K] };

function configOf(settings: LintSettings, warnings: string[]): LintConfig {
  let fromFile: LintConfig = {};
  if (settings.configFrom) {
    try {
      fromFile = loadPyprojectConfig(settings.configFrom).config;
    } catch (err) {
      warnings.push((err as Error).message);
    }
  }
  const fromSettings: LintConfig = {};
  if (settings.select?.length) fromSettings.select = settings.select;
  if (settings.ignore?.length) fromSettings.ignore = settings.ignore;
  return mergeConfig(fromFile, fromSettings);
}

/** One lint's options and the reply that collects what it logged. */
function lintRun(settings: LintSettings): { options: LintOptions; reply(found: Diagnostic[]): LintReply } {
  const notes: string[] = [];
  const warnings: string[] = [];
  const options: LintOptions = { config: configOf(settings, warnings), debug: (m) => notes.push(m) };
  return { options, reply: (found) => reply(found, notes, warnings) };
}

function reply(found: Diagnostic[], notes: string[], warnings: string[]): LintReply {
  return {
    diagnostics: found.map((d) => {
      const rule = ruleByCode(d.code);
      return rule ? { ...d, docUrl: ruleDocUrl(rule) } : d;
    }),
    notes,
    warnings,
  };
}
