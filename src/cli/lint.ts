// `logit-lab lint` — lint .py and .ipynb files, print like Ruff / JSON / SARIF, optionally --fix.
import { readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { classifyError } from '../core/boundary';
import { LogitLabError } from '../core/errors';
import { readLintableFile } from '../core/lint/read';
import { sanitize } from './sanitize';
import { lintProjectFor } from './lint-project';
import {
  ALL_RULES,
  applyFixes,
  applyNotebookEdits,
  fixUntilStable,
  initParser,
  lintNotebook,
  lintText,
  loadPyprojectConfig,
  mergeConfig,

  ruleDocUrl,
  type Diagnostic,
  type LintConfig,
  type LintProject,
} from '../core/lint';

export interface LintCommandOptions {
  format: 'text' | 'json' | 'sarif';
  select?: string;
  ignore?: string;
  fix?: boolean;
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.ipynb_checkpoints', '.tox', '.mypy_cache']);

/** A path that could not be linted, and why; the run goes on with the others. */
export interface FileError {
  file: string; // absolute
  message: string;
}

const isLintable = (p: string) => p.endsWith('.py') || p.endsWith('.ipynb');

/**
 * Every .py / .ipynb under the given paths, sorted, skipping virtualenvs and caches. A path that
 * cannot be visited (missing, a dangling link, a loop of links, unreadable) is an error of its own;
 * a folder reached twice through links is visited once.
 */
export function collectLintTargets(paths: string[], cwd: string): { files: string[]; errors: FileError[] } {
  const out: string[] = [];
  const errors: FileError[] = [];
  const seenDirs = new Set<string>();
  const visit = (p: string, explicit: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      // A missing explicit path, or a broken link named like Python code: say so. Other broken
      // entries in a folder (say, a dangling link to a log file) are not the linter's business.
      if (explicit || isLintable(p)) errors.push({ file: p, message: unreadable(err, explicit) });
      return;
    }
    if (st.isDirectory()) {
      let real: string;
      let names: string[];
      try {
        real = realpathSync(p);
        names = readdirSync(p).sort();
      } catch (err) {
        errors.push({ file: p, message: unreadable(err, explicit) });
        return;
      }
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      for (const name of names) if (!SKIP_DIRS.has(name)) visit(join(p, name), false);
    } else if (explicit || isLintable(p)) out.push(p);
  };
  for (const p of paths.length ? paths : ['.']) visit(resolve(cwd, p), true);
  return { files: [...new Set(out)], errors };
}

/** Every .py / .ipynb under the given paths; throws on the first path that cannot be visited. */
export function collectFiles(paths: string[], cwd: string): string[] {
  const { files, errors } = collectLintTargets(paths, cwd);
  if (errors.length) throw new LogitLabError(errors[0].message, { hint: 'Pass .py/.ipynb files or folders that contain them.' });
  return files;
}

function unreadable(err: unknown, explicit: boolean): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return explicit ? 'No such file or directory' : 'a symbolic link to a file that does not exist';
  if (code === 'ELOOP') return 'a loop of symbolic links';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return classifyError(err).message;
}

interface FileResult {
  file: string; // relative to cwd
  diagnostics: Diagnostic[];
  /** Set when the file could not be linted (or fixed); its diagnostics are then those found before. */
  error?: string;
}

function splitCodes(s: string | undefined): string[] | undefined {
  return s ? s.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean) : undefined;
}

async function lintFile(abs: string, config: LintConfig, project?: LintProject): Promise<Diagnostic[]> {
  const text = await readLintableFile(abs);
  if (project) {
    // Cross-file: the project answers for names imported from the other files (see lint-project.ts).
    project.setFile(abs, text);
    return project.lint(abs, { config });
  }
  return abs.endsWith('.ipynb') ? lintNotebook(text, { config }, abs) : lintText(text, { config });
}

async function fixFile(abs: string, config: LintConfig): Promise<number> {
  const text = await readLintableFile(abs);
  if (abs.endsWith('.ipynb')) {
    // One pass per notebook: group safe fixes by cell and apply them to each cell's source.
    const diags = (await lintNotebook(text, { config }, abs)).filter((d) => d.fix?.safe && d.cell !== undefined);
    const byCell = new Map<number, Diagnostic[]>();
    for (const d of diags) byCell.set(d.cell!, [...(byCell.get(d.cell!) ?? []), d]);
    let applied = 0;
    const edits = new Map<number, (s: string) => string>();
    for (const [cell, ds] of byCell) {
      edits.set(cell, (source) => {
        const r = applyFixes(source, ds.map((d) => d.fix!));
        applied += r.applied;
        return r.text;
      });
    }
    if (edits.size) writeFileSync(abs, applyNotebookEdits(text, edits));
    return applied;
  }
  const { text: fixed, applied } = await fixUntilStable(text, async (t) => (await lintText(t, { config })).flatMap((d) => (d.fix ? [d.fix] : [])));
  if (applied) writeFileSync(abs, fixed);
  return applied;
}

export async function runLintCommand(paths: string[], options: LintCommandOptions): Promise<number> {
  try {
    await initParser();
    const cli: LintConfig = { select: splitCodes(options.select), ignore: splitCodes(options.ignore) };
    for (const code of [...(cli.select ?? []), ...(cli.ignore ?? [])]) {
      if (!ALL_RULES.some((r) => r.code.startsWith(code))) options.stderr(`warning: no rule matches "${code}"\n`);
    }
    const { files, errors } = collectLintTargets(paths, options.cwd);
    const shown = (abs: string) => relative(options.cwd, abs) || abs;
    const results: FileResult[] = errors.map((e) => ({ file: shown(e.file), diagnostics: [], error: e.message }));
    const project = lintProjectFor(files);
    let fixed = 0;
    // Each file inside its own boundary: one that cannot be read, parsed or fixed is reported with
    // its name and the run goes on, so no other file's findings (or applied fixes) are lost.
    for (const abs of files) {
      const result: FileResult = { file: shown(abs), diagnostics: [] };
      results.push(result);
      try {
        const config = mergeConfig(loadPyprojectConfig(abs).config, cli);
        if (options.fix) {
          try {
            fixed += await fixFile(abs, config);
          } catch (err) {
            result.error = `could not apply fixes: ${fileErrorMessage(err, abs)}`;
          }
        }
        result.diagnostics = await lintFile(abs, config, project);
      } catch (err) {
        result.error = fileErrorMessage(err, abs);
      }
    }
    results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const failed = results.filter((r) => r.error);
    // Like Ruff: files that could not be linted on stderr, findings on stdout.
    for (const r of failed) options.stderr(sanitize(`error: ${r.file}: ${r.error}`) + '\n');
    const total = results.reduce((n, r) => n + r.diagnostics.length, 0);
    if (options.format === 'json') options.stdout(JSON.stringify(toJson(results), null, 2) + '\n');
    else if (options.format === 'sarif') options.stdout(JSON.stringify(toSarif(results), null, 2) + '\n');
    else options.stdout(sanitize(toText(results, fixed)));
    return failed.length > 0 ? 2 : total > 0 ? 1 : 0;
  } catch (e) {
    options.stderr(sanitize(`error: ${e instanceof LogitLabError ? e.format() : classifyError(e).message}`) + '\n');
    return e instanceof LogitLabError ? 2 : 3;
  }
}

function fileErrorMessage(err: unknown, abs: string): string {
  // The file is named once, in front of the message: drop it from messages that name it again.
  if (err instanceof LogitLabError) return (err.hint ? `${err.message} — ${err.hint}` : err.message).replace(`${abs} is `, '').replace(`${abs}: `, '');
  const code = (err as NodeJS.ErrnoException).code;
  if (code) return unreadable(err, true);
  return classifyError(err).message.replace(/\n\s*/g, ' — ');
}

function where(r: FileResult, d: Diagnostic): string {
  // Cells as VS Code numbers them (1-based, markdown included), as in the messages.
  return d.cell === undefined ? `${r.file}:${d.line}:${d.column}` : `${r.file}:cell ${d.cell + 1}:${d.line}:${d.column}`;
}

function toText(results: FileResult[], fixed: number): string {
  const lines: string[] = [];
  let total = 0;
  let fixable = 0;
  for (const r of results) {
    for (const d of r.diagnostics) {
      total++;
      if (d.fix?.safe) fixable++;
      lines.push(`${where(r, d)}: ${d.code} ${d.fix?.safe ? '[*] ' : ''}${d.message}`);
    }
  }
  const failed = results.filter((r) => r.error);
  if (fixed) lines.push(`Fixed ${fixed} error${fixed === 1 ? '' : 's'}.`);
  if (total) {
    lines.push(`Found ${total} error${total === 1 ? '' : 's'}${fixed ? ' remaining' : ''}.`);
    if (fixable) lines.push(`[*] ${fixable} fixable with the \`--fix\` option.`);
  } else if (!failed.length) lines.push('All checks passed!');
  if (failed.length) lines.push(`${failed.length} file${failed.length === 1 ? '' : 's'} could not be linted (see the errors above).`);
  return lines.join('\n') + '\n';
}

function toJson(results: FileResult[]) {
  return results.flatMap((r) => [
    // A file that could not be linted is an entry of its own (code null, like Ruff's read errors).
    ...(r.error ? [{ file: r.file, line: 1, column: 1, code: null, name: 'file-error', severity: 'error', message: r.error, fixable: false }] : []),
    ...r.diagnostics.map((d) => ({
      file: r.file,
      ...(d.cell !== undefined ? { cell: d.cell } : {}),
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      code: d.code,
      name: d.name,
      severity: d.severity,
      message: d.message,
      fixable: !!d.fix,
    })),
  ]);
}

function toSarif(results: FileResult[]) {
  const level = (s: string) => (s === 'info' ? 'note' : s);
  const rules = ALL_RULES.map((r) => ({
    id: r.code,
    name: r.slug,
    shortDescription: { text: r.summary },
    helpUri: ruleDocUrl(r),
    defaultConfiguration: { level: level(r.severity) },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'logit-lab', informationUri: 'https://github.com/logit-lab/logit-lab', version: '0.1.0', rules } },
        invocations: [{
          executionSuccessful: results.every((r) => !r.error),
          toolExecutionNotifications: results.filter((r) => r.error).map((r) => ({
            level: 'error',
            message: { text: r.error },
            locations: [{ physicalLocation: { artifactLocation: { uri: r.file.split('\\').join('/') } } }],
          })),
        }],
        results: results.flatMap((r) =>
          r.diagnostics.map((d) => ({
            ruleId: d.code,
            ruleIndex: ALL_RULES.findIndex((x) => x.code === d.code),
            level: level(d.severity),
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: r.file.split('\\').join('/') },
                  region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
                },
                ...(d.cell !== undefined ? { logicalLocations: [{ name: `cell ${d.cell}`, kind: 'module' }] } : {}),
              },
            ],
          })),
        ),
      },
    ],
  };
}

