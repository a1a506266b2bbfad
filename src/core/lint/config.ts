// Lint configuration: select/ignore by code prefix and per-code severity, from
// `[tool.logit-lab.lint]` in the nearest pyproject.toml above the linted file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { LogitLabError } from '../errors';
import type { Rule, Severity } from './rule';

export interface LintConfig {
  /** Codes or prefixes to run (`LL1` = every LL1xx). Default: all. */
  select?: string[];
  /** Codes or prefixes to skip; wins over select when more specific or equal. */
  ignore?: string[];
  severity?: Record<string, Severity | 'off'>;
}

function longestMatch(code: string, prefixes: string[] | undefined): number {
  let best = -1;
  for (const p of prefixes ?? []) if (code.startsWith(p.trim().toUpperCase()) && p.length > best) best = p.trim().length;
  return best;
}

/** Ruff's rule: the most specific matching prefix decides; equal specificity → ignore wins. */
export function isEnabled(rule: Rule, config: LintConfig): boolean {
  if (config.severity?.[rule.code] === 'off') return false;
  const selected = config.select?.length ? longestMatch(rule.code, config.select) : 0;
  const ignored = longestMatch(rule.code, config.ignore);
  if (selected < 0) return false;
  return ignored < 0 || selected > ignored;
}

/** Severity for a rule: the most specific `severity` key (code or prefix) wins. */
export function severityOf(rule: Rule, config: LintConfig): Severity {
  let best: Severity | undefined;
  let bestLen = -1;
  for (const [key, value] of Object.entries(config.severity ?? {})) {
    if (value !== 'off' && rule.code.startsWith(key.toUpperCase()) && key.length > bestLen) {
      best = value;
      bestLen = key.length;
    }
  }
  return best ?? rule.severity;
}

/** Merge configs; later ones win field by field. */
export function mergeConfig(...configs: (LintConfig | undefined)[]): LintConfig {
  const out: LintConfig = {};
  for (const c of configs) {
    if (!c) continue;
    if (c.select) out.select = c.select;
    if (c.ignore) out.ignore = c.ignore;
    if (c.severity) out.severity = { ...out.severity, ...c.severity };
  }
  return out;
}

/** Find the nearest pyproject.toml at or above `fromPath`'s folder and read its `[tool.logit-lab.lint]`. */
export function loadPyprojectConfig(fromPath: string): { config: LintConfig; file?: string } {
  let dir = resolve(fromPath);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) dir = dirname(dir);
  for (;;) {
    const file = join(dir, 'pyproject.toml');
    if (existsSync(file)) return { config: readPyprojectConfig(file), file };
    if (dirname(dir) === dir) return { config: {} };
    dir = dirname(dir);
  }
}

export function readPyprojectConfig(file: string): LintConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new LogitLabError(`Cannot read ${file}: ${(e as Error).message}`, { hint: 'Fix the TOML syntax of pyproject.toml.' });
  }
  const section = ((doc.tool as Record<string, unknown> | undefined)?.['logit-lab'] as Record<string, unknown> | undefined)?.lint as
    | Record<string, unknown>
    | undefined;
  if (!section) return {};
  const list = (key: string): string[] | undefined => {
    const v = section[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw new LogitLabError(`[tool.logit-lab.lint] ${key} must be a list of rule codes`, { hint: `e.g. ${key} = ["LL1", "LL503"]`, location: { file, line: 1, column: 1 } });
    return v as string[];
  };
  const severity = section.severity as Record<string, string> | undefined;
  if (severity !== undefined) {
    for (const [k, v] of Object.entries(severity)) {
      if (!['error', 'warning', 'info', 'off'].includes(v))
        throw new LogitLabError(`[tool.logit-lab.lint.severity] ${k} = "${v}" is not a severity`, { hint: 'Use "error", "warning", "info" or "off".', location: { file, line: 1, column: 1 } });
    }
  }
  return { select: list('select'), ignore: list('ignore'), severity: severity as LintConfig['severity'] };
}
