// Entry points: lint a text (async, initialises the parser) or an already-parsed PythonDocument
// (sync, the editor's warm path). Applies config, `# noqa` suppression, and maps offsets to
// 1-based UTF-16 line/column.
import { initParser, PythonDocument, type LineIndex } from './parser';
import { RuleContext, type Fix, type Rule, type Severity } from './rule';
import { SemanticModel } from './semantic';
import { ALL_RULES } from './rules';
import { isEnabled, severityOf, type LintConfig } from './config';
import type { ModuleResolver } from './semantic/facts';

export interface Diagnostic {
  code: string;
  /** The rule's slug. */
  name: string;
  severity: Severity;
  message: string;
  /** 1-based; columns in UTF-16 code units (cell-relative for notebooks). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** UTF-16 offsets into the linted text (for notebooks: into the cell's source). */
  startIndex: number;
  endIndex: number;
  fix?: Fix;
  /** Notebook code-cell index (into `cells[]`), for .ipynb only. */
  cell?: number;
  /**
   * Related places (VS Code relatedInformation): in this text (`path` undefined; `cell` for
   * notebooks) or in another file of the project (`path`, 1-based `line`).
   */
  related?: RelatedDiagnosticPlace[];
}

export interface RelatedDiagnosticPlace {
  message: string;
  path?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** For places in the linted text: UTF-16 offsets (cell-relative for notebooks). */
  startIndex?: number;
  endIndex?: number;
  cell?: number;
}

export interface LintOptions {
  config?: LintConfig;
  /** Rules to run (default: every registered rule). */
  rules?: readonly Rule[];
  /** Receives rule crashes (a crashing rule never stops the others). */
  debug?: (message: string) => void;
  /** Answers for names imported from the project's other files (see LintProject); none = this file only. */
  resolver?: ModuleResolver;
}

export async function lintText(text: string, opts: LintOptions = {}): Promise<Diagnostic[]> {
  await initParser();
  const doc = new PythonDocument(text);
  try {
    return lintDocument(doc, opts);
  } finally {
    doc.dispose();
  }
}

/** Synchronous lint of a parsed document (requires `initParser()` to have resolved). */
export function lintDocument(doc: PythonDocument, opts: LintOptions = {}): Diagnostic[] {
  const config = opts.config ?? {};
  const rules = (opts.rules ?? ALL_RULES).filter((r) => isEnabled(r, config));
  if (!rules.length) return [];
  const semantic = new SemanticModel(doc.root, opts.resolver);
  const ctx = new RuleContext(doc, semantic);
  for (const rule of rules) {
    ctx.rule = rule;
    try {
      rule.check(ctx);
    } catch (e) {
      opts.debug?.(`${rule.code} ${rule.slug} crashed: ${(e as Error).stack ?? e}`);
    }
  }
  const lines = doc.lineIndex;
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const f of ctx.findings) {
    const key = `${f.rule.code}:${f.start}:${f.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const start = lines.position(f.start);
    if (isSuppressed(doc.text, lines, start.line, f.rule.code)) continue;
    // A `# noqa` on a related line of this file (e.g. the loss call) silences it too.
    if (f.related?.some((r) => r.start !== undefined && isSuppressed(doc.text, lines, lines.position(r.start).line, f.rule.code))) continue;
    const end = lines.position(f.end);
    diagnostics.push({
      code: f.rule.code,
      name: f.rule.slug,
      severity: severityOf(f.rule, config),
      message: f.message,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      startIndex: f.start,
      endIndex: f.end,
      fix: f.fix,
      ...(f.related
        ? {
            related: f.related.map((r): RelatedDiagnosticPlace => {
              if (r.start === undefined) return { message: r.message, path: r.path, line: r.line ?? 1, column: 1, endLine: r.line ?? 1, endColumn: 1 };
              const a = lines.position(r.start);
              const b = lines.position(r.end ?? r.start);
              return { message: r.message, line: a.line, column: a.column, endLine: b.line, endColumn: b.column, startIndex: r.start, endIndex: r.end };
            }),
          }
        : {}),
    });
  }
  return diagnostics.sort((a, b) => a.startIndex - b.startIndex || a.code.localeCompare(b.code));
}

const NOQA = /#\s*noqa(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?/i;

/** Ruff's convention: `# noqa` silences every rule on the line, `# noqa: LL101, LL203` those codes. */
export function isSuppressed(text: string, lines: LineIndex, line: number, code: string): boolean {
  const source = text.slice(lines.lineStart(line), lines.lineEnd(line));
  const hash = source.indexOf('#');
  if (hash < 0) return false;
  const m = NOQA.exec(source.slice(hash));
  if (!m) return false;
  if (!m[1]) return true;
  return m[1].split(/[\s,]+/).some((c) => c.toUpperCase() === code);
}
