// Table-driven: every fixture under test/fixtures/lint/<CODE>/{fire,silent}/ is linted, and its
// findings must be exactly the lines marked `# expect: LL101` (several codes: `# expect: LL101, LL108`).
// `silent` files must not produce their folder's code. A last test scores the whole corpus per family.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES, lintNotebook, lintText, notebookSource, type Diagnostic } from '../../../src/core/lint';

const ROOT = 'test/fixtures/lint';

interface Fixture {
  code: string;
  kind: 'fire' | 'silent';
  path: string;
}

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const code of readdirSync(ROOT).sort()) {
    for (const kind of ['fire', 'silent'] as const) {
      const dir = join(ROOT, code, kind);
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) if (f.endsWith('.py') || f.endsWith('.ipynb')) out.push({ code, kind, path: join(dir, f) });
    }
  }
  return out;
}

/** `cell:line:code` keys of the `# expect:` marks (cell -1 for .py). */
function expectedKeys(path: string): Set<string> {
  const keys = new Set<string>();
  const text = readFileSync(path, 'utf8');
  const sources = path.endsWith('.ipynb') ? notebookSource(text).cells.map((c) => ({ cell: c.index, source: c.source })) : [{ cell: -1, source: text }];
  for (const { cell, source } of sources) {
    source.split('\n').forEach((line, i) => {
      const m = /#\s*expect:\s*([A-Z0-9,\s]+)$/.exec(line);
      if (m) for (const code of m[1].split(/[\s,]+/).filter(Boolean)) keys.add(`${cell}:${i + 1}:${code}`);
    });
  }
  return keys;
}

async function lintFixture(path: string): Promise<Diagnostic[]> {
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.ipynb') ? lintNotebook(text) : lintText(text);
}

/** `cell:line:code` keys of a fixture's findings. */
function actualKeys(diagnostics: Diagnostic[]): Set<string> {
  return new Set(diagnostics.map((d) => `${d.cell ?? -1}:${d.line}:${d.code}`));
}

for (const fx of fixtures()) {
  test(`${fx.code} ${fx.kind}: ${fx.path.split('/').pop()}`, async () => {
    const diagnostics = await lintFixture(fx.path);
    const actual = actualKeys(diagnostics);
    const expected = expectedKeys(fx.path);
    if (fx.kind === 'fire') assert.ok([...expected].some((k) => k.endsWith(fx.code)), 'a fire fixture marks at least one finding of its code');
    else assert.ok(![...expected].some((k) => k.endsWith(fx.code)), 'a silent fixture must not expect its own code');
    const show = (s: Set<string>) => [...s].sort().join(' ') || '(none)';
    const detail = diagnostics.map((d) => `  ${d.cell ?? ''}:${d.line}:${d.column} ${d.code} ${d.message}`).join('\n');
    assert.equal(show(actual), show(expected), `findings differ from # expect marks:\n${detail}`);
  });
}

// The corpus-wide gate. It lints every fixture itself and scores the findings against the files' own
// `# expect:` marks, so it fails on its own (run alone: --test-name-pattern precision) when a rule
// breaks, and it checks what no single fixture can: that every rule has fire and silent fixtures and
// every family enough marked findings for the ratios to mean something — a family with nothing marked
// would otherwise score a vacuous 1.0.
const MIN_MARKS_PER_FAMILY = 5;

test('precision ≥ 0.95 and recall ≥ 0.9 per rule family over the fixture corpus', async () => {
  const all = fixtures();
  const known = new Set<string>(ALL_RULES.map((r) => r.code));
  for (const folder of new Set(all.map((fx) => fx.code))) assert.ok(folder === 'ALL' || known.has(folder), `test/fixtures/lint/${folder} names no rule`);
  for (const code of known) {
    for (const kind of ['fire', 'silent'] as const) assert.ok(all.some((fx) => fx.code === code && fx.kind === kind), `${code} has no ${kind} fixture`);
  }

  const tally = new Map<string, { tp: number; fp: number; fn: number }>();
  for (const code of known) tally.set(code.slice(0, 3), { tp: 0, fp: 0, fn: 0 });
  const count = (key: string, field: 'tp' | 'fp' | 'fn') => {
    const family = key.split(':')[2].slice(0, 3);
    const t = tally.get(family) ?? { tp: 0, fp: 0, fn: 0 };
    t[field]++;
    tally.set(family, t);
  };
  for (const fx of all) {
    const expected = expectedKeys(fx.path);
    const actual = actualKeys(await lintFixture(fx.path));
    for (const k of actual) count(k, expected.has(k) ? 'tp' : 'fp');
    for (const k of expected) if (!actual.has(k)) count(k, 'fn');
  }

  const failures: string[] = [];
  for (const [family, { tp, fp, fn }] of [...tally].sort()) {
    const marks = tp + fn;
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = marks ? tp / marks : 0;
    console.log(`${family}xx  precision ${precision.toFixed(3)}  recall ${recall.toFixed(3)}  (tp ${tp}, fp ${fp}, fn ${fn})`);
    if (marks < MIN_MARKS_PER_FAMILY) failures.push(`${family}xx has ${marks} marked findings (< ${MIN_MARKS_PER_FAMILY})`);
    if (precision < 0.95) failures.push(`${family}xx precision ${precision.toFixed(3)} < 0.95 (tp ${tp}, fp ${fp})`);
    if (recall < 0.9) failures.push(`${family}xx recall ${recall.toFixed(3)} < 0.9 (tp ${tp}, fn ${fn})`);
  }
  assert.deepEqual(failures, []);
});
