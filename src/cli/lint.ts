// `logit-lab lint` — lint .py and .ipynb files, print like Ruff / JSON / SARIF, optionally --fix.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LogitLabError } from '../core/errors';
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

/** Every .py / .ipynb under the given paths, sorted, skipping virtualenvs and caches. */
export function collectFiles(paths: string[], cwd: string): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!SKIP_DIRS.has(name)) visit(join(p, name), false);
    } else if (explicit || p.endsWith('.py') || p.endsWith('.ipynb')) out.push(p);
  };
  for (const p of paths.length ? paths : ['.']) {
    const abs = resolve(cwd, p);
    try {
      statSync(abs);
    } catch {
      throw new LogitLabError(`No such file or directory: ${p}`, { hint: 'Pass .py/.ipynb files or folders that contain them.' });
    }
    visit(abs, true);
  }
  return [...new Set(out)];
}

interface FileResult {
  file: string; // relative to cwd
  diagnostics: Diagnostic[];
}

function splitCodes(s: string | undefined): string[] | undefined {
  return s ? s.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean) : undefined;
}

async function lintFile(abs: string, config: LintConfig, project?: LintProject): Promise<Diagnostic[]> {
  const text = readFileSync(abs, 'utf8');
  if (project) {
    // Cross-file: the project answers for names imported from the other files (see lint-project.ts).
    project.setFile(abs, text);
    return project.lint(abs, { config });
  }
  return abs.endsWith('.ipynb') ? lintNotebook(text, { config }, abs) : lintText(text, { config });
}

async function fixFile(abs: string, config: LintConfig): Promise<number> {
  const text = readFileSync(abs, 'utf8');
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
    const files = collectFiles(paths, options.cwd);
    const project = lintProjectFor(files);
    const results: FileResult[] = [];
    let fixed = 0;
    for (const abs of files) {
      const config = mergeConfig(loadPyprojectConfig(abs).config, cli);
      if (options.fix) fixed += await fixFile(abs, config);
      results.push({ file: relative(options.cwd, abs) || abs, diagnostics: await lintFile(abs, config, project) });
    }
    const total = results.reduce((n, r) => n + r.diagnostics.length, 0);
    if (options.format === 'json') options.stdout(JSON.stringify(toJson(results), null, 2) + '\n');
    else if (options.format === 'sarif') options.stdout(JSON.stringify(toSarif(results), null, 2) + '\n');
    else options.stdout(toText(results, fixed));
    return total > 0 ? 1 : 0;
  } catch (e) {
    options.stderr(`error: ${e instanceof LogitLabError ? e.format() : (e as Error).message}\n`);
    return 2;
  }
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
  if (fixed) lines.push(`Fixed ${fixed} error${fixed === 1 ? '' : 's'}.`);
  if (total) {
    lines.push(`Found ${total} error${total === 1 ? '' : 's'}${fixed ? ' remaining' : ''}.`);
    if (fixable) lines.push(`[*] ${fixable} fixable with the \`--fix\` option.`);
  } else lines.push('All checks passed!');
  return lines.join('\n') + '\n';
}

function toJson(results: FileResult[]) {
  return results.flatMap((r) =>
    r.diagnostics.map((d) => ({
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
  );
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

