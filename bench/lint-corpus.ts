// `npm run bench:lint-corpus`: precision and recall of the linter per rule on real public PyTorch
// code, labelled in test/corpus/labels.json (references only) and read from the git-ignored cache
// that scripts/fetch-lint-corpus.mjs fills. Files missing from the cache are skipped with a reason.
//
//   --against DIR   also score another copy of the linter (DIR/src/core/lint, e.g. the code before a
//                   change) and print both: "before" = DIR, "after" = this tree.
//   --cache DIR     the cache (default .cache/lint-corpus)
//   --json          end with one JSON document
//   --verbose       list every missed and unexpected finding
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as current from '../src/core/lint';

interface Expectation {
  code: string;
  lines: [number, number];
  cell?: number;
  path?: string;
  /** Other places where the same mistake may be reported instead (one finding expected). */
  or?: { lines: [number, number]; cell?: number; path?: string }[];
}
interface LabelledFile {
  repo: string;
  commit: string;
  path: string;
  scope: 'single' | 'cross';
  expect: Expectation[];
  context?: string[];
}
interface Labels {
  rules: string[];
  files: LabelledFile[];
}
/** One finding, reduced to what scoring needs. */
interface Finding {
  code: string;
  path: string;
  line: number;
  cell?: number;
  /** Related locations (e.g. the loss call of a diagnostic placed at the sigmoid). */
  related: { path: string; line: number; cell?: number }[];
}
/** What a linter copy must offer: lint one file, seeing the other files of its project. */
type LintFile = (file: string, project: Map<string, string>) => Promise<Finding[]>;

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const json = args.includes('--json') || process.env.npm_config_json === 'true';
const verbose = args.includes('--verbose');
const cache = resolve(flag('--cache') ?? '.cache/lint-corpus');
const against = flag('--against');
const labels = JSON.parse(readFileSync('test/corpus/labels.json', 'utf8')) as Labels;

type LintModule = typeof current & { lintProjectFile?: unknown };

/** Adapts a copy of src/core/lint: with a project API when it has one (cross-file), else file by file. */
function linterOf(lint: LintModule): LintFile {
  const project = (lint as { LintProject?: new () => { setFile(p: string, t: string): void; lint(p: string): Promise<unknown[]> } }).LintProject;
  return async (file, files) => {
    type D = { code: string; line: number; cell?: number; related?: { path?: string; line: number; cell?: number }[] };
    let diagnostics: D[];
    if (project) {
      const p = new project();
      for (const [path, text] of files) p.setFile(path, text);
      diagnostics = (await p.lint(file)) as D[];
    } else {
      const text = files.get(file)!;
      diagnostics = (file.endsWith('.ipynb') ? await lint.lintNotebook(text, {}, file) : await lint.lintText(text)) as D[];
    }
    return diagnostics.map((d) => ({
      code: d.code,
      path: file,
      line: d.line,
      cell: d.cell,
      related: (d.related ?? []).map((r) => ({ path: r.path ?? file, line: r.line, cell: r.cell })),
    }));
  };
}

interface Score {
  tp: number;
  fp: number;
  fn: number;
}
type Scores = Map<string, Score>; // by rule, plus 'all'

function matches(e: Expectation, file: LabelledFile, at: { path: string; line: number; cell?: number }): boolean {
  return [e, ...(e.or ?? [])].some((place) => {
    const path = place.path ?? file.path;
    return at.path === path && at.line >= place.lines[0] && at.line <= place.lines[1] && (place.cell === undefined || at.cell === place.cell);
  });
}

async function score(lintFile: LintFile, scope: 'single' | 'all', misses: string[]): Promise<{ scores: Scores; skipped: string[] }> {
  const scores: Scores = new Map();
  const bump = (code: string, k: keyof Score) => {
    for (const key of [code, 'all']) {
      const s = scores.get(key) ?? { tp: 0, fp: 0, fn: 0 };
      s[k]++;
      scores.set(key, s);
    }
  };
  const skipped: string[] = [];
  for (const file of labels.files) {
    if (scope === 'single' && file.scope !== 'single') continue;
    const dir = join(cache, file.repo.replace('/', '+'));
    const project = new Map<string, string>();
    for (const p of [file.path, ...(file.context ?? [])]) {
      const abs = join(dir, p);
      if (existsSync(abs)) project.set(p, readFileSync(abs, 'utf8'));
    }
    if (!project.has(file.path)) {
      skipped.push(`${file.repo}/${file.path}: not in the cache (run node scripts/fetch-lint-corpus.mjs)`);
      continue;
    }
    const findings = (await lintFile(file.path, project)).filter((f) => labels.rules.includes(f.code));
    const used = new Set<number>();
    for (const e of file.expect) {
      const i = findings.findIndex((f, k) => !used.has(k) && f.code === e.code && [f, ...f.related].some((at) => matches(e, file, at)));
      if (i >= 0) {
        used.add(i);
        bump(e.code, 'tp');
      } else {
        bump(e.code, 'fn');
        misses.push(`missed ${e.code} ${file.repo}/${e.path ?? file.path}${e.cell !== undefined ? ` cell ${e.cell}` : ''}:${e.lines[0]}`);
      }
    }
    findings.forEach((f, k) => {
      if (used.has(k)) return;
      // Several findings for one expected mistake (e.g. at the sigmoid and at the loss) count once.
      if (file.expect.some((e) => e.code === f.code && [f, ...f.related].some((at) => matches(e, file, at)))) return;
      bump(f.code, 'fp');
      misses.push(`unexpected ${f.code} ${file.repo}/${f.path}${f.cell !== undefined ? ` cell ${f.cell}` : ''}:${f.line}`);
    });
  }
  return { scores, skipped };
}

const ratio = (a: number, b: number): string => (b ? (a / b).toFixed(2) : '  - ');

async function main(): Promise<void> {
  await current.initParser();
  if (!existsSync(cache)) {
    console.log(`bench:lint-corpus skipped: no cache at ${cache} (run node scripts/fetch-lint-corpus.mjs to fill it from the labelled references)`);
    return;
  }
  const copies: { name: string; lint: LintFile }[] = [];
  if (against) {
    const before = (await import(resolve(against, 'src/core/lint'))) as LintModule;
    await before.initParser();
    copies.push({ name: 'before', lint: linterOf(before) });
  }
  copies.push({ name: against ? 'after' : 'this tree', lint: linterOf(current) });
  const results: Record<string, Record<string, Record<string, Score>>> = {};
  let skippedAll: string[] = [];
  for (const copy of copies) {
    results[copy.name] = {};
    for (const scope of ['single', 'all'] as const) {
      const misses: string[] = [];
      const { scores, skipped } = await score(copy.lint, scope, misses);
      skippedAll = skipped;
      results[copy.name][scope] = Object.fromEntries(scores);
      if (verbose && scope === 'all') for (const m of misses) console.log(`  [${copy.name}] ${m}`);
    }
  }
  const files = labels.files.length;
  const buggy = labels.files.filter((f) => f.expect.length).length;
  console.log(`lint corpus: ${files} files (${buggy} with mistakes, ${files - buggy} clean), ${labels.files.filter((f) => f.scope === 'cross').length} cross-file`);
  for (const s of skippedAll) console.log(`  skipped ${s}`);
  const rules = [...new Set(Object.values(results).flatMap((r) => Object.keys(r.all)))].filter((r) => r !== 'all').sort();
  const header = copies.map((c) => `${c.name.padEnd(9)} single P/R   all P/R`).join(' │ ');
  console.log(`rule   │ ${header}`);
  for (const rule of [...rules, 'all']) {
    const cells = copies.map((c) => {
      const single = results[c.name].single[rule] ?? { tp: 0, fp: 0, fn: 0 };
      const all = results[c.name].all[rule] ?? { tp: 0, fp: 0, fn: 0 };
      const pr = (s: Score) => `${ratio(s.tp, s.tp + s.fp)}/${ratio(s.tp, s.tp + s.fn)}`;
      return `${''.padEnd(9)} ${pr(single).padEnd(11)} ${pr(all).padEnd(9)}`;
    });
    console.log(`${rule.padEnd(6)} │ ${cells.join(' │ ')}`);
  }
  if (json) console.log(JSON.stringify({ lintCorpus: results }));
}

void main();
