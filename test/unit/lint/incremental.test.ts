// After a one-line edit the linter re-uses what did not change (the previous syntax copy's subtrees,
// see src/core/lint/tree-copy.ts). Whatever it re-uses, the result must be exactly a from-scratch
// lint's: random one-line edits (typing, deleting, pasting, re-indenting, renaming) are applied one
// after another to the rule fixtures and to the real files of the corpus cache, and after each one
// the incremental copy is compared node by node with a fresh copy, and the incremental lint's
// diagnostics with those of a fresh lint of the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { initParser, lintDocument, lintText, LintProject, PythonDocument } from '../../../src/core/lint';
import type { Node } from '../../../src/core/lint/parser';
import { copyTree } from '../../../src/core/lint/tree-copy';

function pyFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? pyFiles(p) : p.endsWith('.py') ? [p] : [];
    });
}

/** A small seeded generator (mulberry32), so a failure names the seed that reproduces it. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

interface Edit {
  start: number;
  end: number;
  text: string;
  kind: string;
}

const TYPED = ['a', 'x', '(', ')', ':', ',', ' ', '.', '0', '=', '"', '#', '\n', '    ', 'torch.sigmoid(', '.detach()', 'model.eval()', 'with torch.no_grad():'];

/** One random edit within one line of `text` (the kinds of change typing and pasting make). */
function randomEdit(text: string, pick: (n: number) => number): Edit {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const line = pick(starts.length);
  const lineStart = starts[line];
  const lineEnd = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  const at = lineStart + pick(lineEnd - lineStart + 1);
  const identifiers = [...text.slice(lineStart, lineEnd).matchAll(/[A-Za-z_]\w*/g)];
  switch (pick(7)) {
    case 0:
      return { start: at, end: at, text: TYPED[pick(TYPED.length)], kind: 'type' };
    case 1:
      return { start: at, end: Math.min(lineEnd, at + 1 + pick(4)), text: '', kind: 'delete' };
    case 2: {
      const other = pick(starts.length);
      const source = text.slice(starts[other], other + 1 < starts.length ? starts[other + 1] - 1 : text.length);
      return { start: lineStart, end: lineEnd, text: source, kind: 'paste line' };
    }
    case 3:
      return { start: lineStart, end: Math.min(text.length, lineEnd + 1), text: '', kind: 'delete line' };
    case 4:
      return text.startsWith('    ', lineStart) && pick(2)
        ? { start: lineStart, end: lineStart + 4, text: '', kind: 'dedent' }
        : { start: lineStart, end: lineStart, text: '    ', kind: 'indent' };
    case 5: {
      if (!identifiers.length) return { start: at, end: at, text: 'q', kind: 'type' };
      const m = identifiers[pick(identifiers.length)];
      const all = [...text.matchAll(/[A-Za-z_]\w*/g)];
      return { start: lineStart + m.index!, end: lineStart + m.index! + m[0].length, text: all[pick(all.length)][0], kind: 'rename' };
    }
    default:
      return { start: lineEnd, end: lineEnd, text: '  # note', kind: 'comment' };
  }
}

const shape = (n: Node) => [n.id, n.type, n.typeId, n.isNamed, n.startIndex, n.endIndex, n.fieldId, n.parent?.id ?? -1, n.text];

/** Applies `count` random edits to `source`, checking the copy and the diagnostics after each. */
async function check(name: string, source: string, count: number, seed: number): Promise<{ reused: number; total: number }> {
  await initParser();
  const pick = random(seed);
  const doc = new PythonDocument(source);
  lintDocument(doc);
  let reused = 0;
  let total = 0;
  try {
    for (let i = 0; i < count; i++) {
      const before = new Set(doc.syntax.nodes);
      const e = randomEdit(doc.text, pick);
      // Half the edits as the editor sends them: its whole new text (PythonDocument.update finds the range).
      if (i % 2) doc.update(doc.text.slice(0, e.start) + e.text + doc.text.slice(e.end));
      else doc.edit(e.start, e.end, e.text);
      const where = `${name}, seed ${seed}, edit ${i} (${e.kind} ${JSON.stringify(e.text)} at ${e.start}-${e.end})`;
      const incremental = doc.syntax;
      const fresh = copyTree(doc.tree, doc.text);
      assert.equal(incremental.nodeCount, fresh.nodeCount, `node count after ${where}`);
      for (let k = 0; k < fresh.nodeCount; k++) {
        assert.equal(incremental.nodes[k].tree, incremental, `tree of node ${k} after ${where}`);
        assert.deepEqual(shape(incremental.nodes[k]), shape(fresh.nodes[k]), `node ${k} after ${where}`);
      }
      reused += incremental.nodes.filter((n) => before.has(n)).length;
      total += incremental.nodeCount;
      assert.deepEqual(lintDocument(doc), await lintText(doc.text), `diagnostics after ${where}`);
    }
  } finally {
    doc.dispose();
  }
  return { reused, total };
}

const FIXTURES = pyFiles('test/fixtures/lint');

test('incremental re-lints equal fresh lints: random one-line edits on the rule fixtures', async () => {
  // The fixtures as one module (many classes, loops and functions), then each fixture on its own.
  const all = FIXTURES.map((f) => readFileSync(f, 'utf8')).join('\n');
  const { reused, total } = await check('all fixtures', all, 80, 12);
  // Most of the tree must be taken over, or the incremental path is not doing its job.
  assert.ok(reused / total > 0.8, `re-used ${reused} of ${total} nodes`);
  for (const [i, f] of FIXTURES.entries()) await check(f, readFileSync(f, 'utf8'), 6, 100 + i);
});

test('incremental re-lints equal fresh lints: deeply nested code (the copier: explicit-stack path)', async () => {
  const deep = `import torch\ndef f(x):\n    return ${'('.repeat(700)}x${')'.repeat(700)}\n\ny = f(torch.sigmoid(z))\n`;
  await check('deep nesting', deep, 12, 7);
});

test('incremental re-lints equal fresh lints: random one-line edits on real files (corpus cache)', async (t) => {
  const files = pyFiles('.cache/lint-corpus');
  if (!files.length) {
    t.skip('no corpus cache (.cache/lint-corpus): run node scripts/fetch-lint-corpus.mjs');
    return;
  }
  for (const [i, f] of files.entries()) await check(f, readFileSync(f, 'utf8'), 6, 1000 + i);
});

test('incremental re-lints equal fresh lints in a project: random edits to a file whose model lives in another', async () => {
  await initParser();
  // The editor's path: setFile with the whole new text (an incremental edit of the kept parse), then a
  // cross-file lint; compared with a project built from scratch on the same texts.
  const files = new Map([
    ['model.py', 'import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 1)\n\n    def forward(self, x):\n        return torch.sigmoid(self.fc(x))\n'],
    ['train.py', FIXTURES.filter((f) => f.includes('LL101/fire') || f.includes('LL203/fire')).map((f) => readFileSync(f, 'utf8')).join('\n') + '\nfrom model import Net\nnet = Net()\ncriterion = nn.BCEWithLogitsLoss()\nloss = criterion(net(x), y)\n'],
  ]);
  const project = new LintProject();
  for (const [path, text] of files) project.setFile(path, text);
  project.lintSync('train.py');
  const pick = random(77);
  try {
    for (let i = 0; i < 30; i++) {
      const path = i % 5 === 4 ? 'model.py' : 'train.py';
      const e = randomEdit(files.get(path)!, pick);
      const text = files.get(path)!.slice(0, e.start) + e.text + files.get(path)!.slice(e.end);
      files.set(path, text);
      project.setFile(path, text);
      const fresh = new LintProject();
      for (const [p, t] of files) fresh.setFile(p, t);
      assert.deepEqual(project.lintSync('train.py'), fresh.lintSync('train.py'), `project edit ${i} (${e.kind} in ${path})`);
      fresh.dispose();
    }
  } finally {
    project.dispose();
  }
});

test('the callers a function gets from its importers follow edits of those importers, as a fresh project sees them', async () => {
  await initParser();
  // The import index is redone only for edited files: renaming, dropping and adding imports of
  // `fit` in the importers must change what loop.py's parameters are known as, exactly as a rebuild.
  const h = 'import torch\nimport torch.nn as nn\n';
  const net = 'class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 1)\n    def forward(self, x):\n        return torch.sigmoid(self.fc(x))\n';
  const files = new Map([
    ['loop.py', h + 'def fit(model, criterion):\n    return criterion(model(torch.randn(2, 4)), torch.rand(2, 1))\n'],
    ['model.py', h + net],
    ['a.py', h + 'from model import Net\nfrom loop import fit\nfit(Net(), nn.BCEWithLogitsLoss())\n'],
    ['b.py', h + 'x = 1\n'],
  ]);
  const steps: [string, string][] = [
    ['a.py', h + 'from model import Net\nfrom loop import fit as train\ntrain(Net(), nn.BCEWithLogitsLoss())\n'],
    ['a.py', h + 'from model import Net\nx = Net()\n'],
    ['b.py', h + 'from model import Net\nfrom loop import fit\nfit(Net(), nn.BCELoss())\n'],
    ['a.py', h + 'from model import Net\nfrom loop import fit\nfit(Net(), nn.BCEWithLogitsLoss())\n'],
    ['b.py', h + 'x = 2\n'],
    ['loop.py', h + 'def fit(model, loss_fn):\n    return loss_fn(model(torch.randn(2, 4)), torch.rand(2, 1))\n'],
  ];
  const project = new LintProject();
  for (const [path, text] of files) project.setFile(path, text);
  const seen = new Set<string>();
  try {
    for (const [i, [path, text]] of [['', ''] as [string, string], ...steps].entries()) {
      if (path) {
        files.set(path, text);
        project.setFile(path, text);
      }
      const fresh = new LintProject();
      for (const [p, t] of files) fresh.setFile(p, t);
      const got = project.lintSync('loop.py');
      assert.deepEqual(got, fresh.lintSync('loop.py'), `step ${i} (${path || 'start'})`);
      seen.add(got.map((d) => d.code).join(','));
      fresh.dispose();
    }
  } finally {
    project.dispose();
  }
  // The steps moved the answer: with and without a logits loss reaching fit's criterion.
  assert.ok(seen.size >= 2, `loop.py's diagnostics never changed: ${[...seen].join(' | ')}`);
});

test('the comparison can fail: a copy told the wrong edit keeps a stale subtree', async () => {
  await initParser();
  const doc = new PythonDocument('def f(x):\n    return x + 1\n\ny = f(2)\n');
  const previous = doc.syntax;
  const at = doc.text.indexOf('+');
  doc.edit(at, at + 1, '*');
  const fresh = copyTree(doc.tree, doc.text).nodes.map(shape);
  // Claiming the edit was elsewhere and nothing changed: the old `x + 1` is moved over unchanged.
  const misled = copyTree(doc.tree, doc.text, undefined, { previous, start: 0, oldEnd: 0, newEnd: 0, changed: [] });
  assert.notDeepEqual(misled.nodes.map(shape), fresh);
  assert.ok(misled.nodes.some((n) => n.type === '+'));
  doc.dispose();
});
