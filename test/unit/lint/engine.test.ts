import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALL_RULES,
  applyFixes,
  fixUntilStable,
  initParser,
  lintDocument,
  lintNotebook,
  lintText,
  loadPyprojectConfig,
  PythonDocument,
  renderAllDocs,
  renderRuleDoc,
  SemanticModel,
  type Rule,
} from '../../../src/core/lint';

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';
const SIGMOID_BCE = HEADER + 'crit = nn.BCEWithLogitsLoss()\nz = torch.randn(3)\nloss = crit(torch.sigmoid(z), torch.rand(3))\n';

async function semantic(src: string) {
  await initParser();
  const doc = new PythonDocument(src);
  return { doc, sem: new SemanticModel(doc.root) };
}
function findCall(doc: PythonDocument, text: string) {
  const at = doc.text.indexOf(text);
  let n = doc.root.descendantForIndex(at, at + text.length)!;
  while (n.text !== text && n.parent) n = n.parent;
  return n;
}

test('semantic: imports resolve to qualified names through aliases', async () => {
  const { doc, sem } = await semantic(
    'import torch.nn as nn\nfrom torch import nn as tnn\nimport torch.nn.functional as F\nfrom torch.nn import Sigmoid, BCEWithLogitsLoss as BL\nimport torch\n' +
      'a = nn.Sigmoid\nb = tnn.Sigmoid\nc = F.sigmoid\nd = Sigmoid\ne = BL\nf = torch.nn.modules.loss.BCELoss\ng = np.sigmoid\n',
  );
  const q = (v: string) => sem.qualifiedName(doc.root.descendantForIndex(doc.text.indexOf(`${v} = `))!.parent!.childForFieldName('right')!);
  assert.equal(q('a'), 'torch.nn.Sigmoid');
  assert.equal(q('b'), 'torch.nn.Sigmoid');
  assert.equal(q('c'), 'torch.sigmoid');
  assert.equal(q('d'), 'torch.nn.Sigmoid');
  assert.equal(q('e'), 'torch.nn.BCEWithLogitsLoss');
  assert.equal(q('f'), 'torch.nn.BCELoss');
  assert.equal(q('g'), undefined);
  assert.equal(sem.torchInScope, true);
  doc.dispose();
  const numpy = await semantic('import numpy as np\nx = np.exp(1)\n');
  assert.equal(numpy.sem.torchInScope, false);
  numpy.doc.dispose();
});

test('semantic: module classes, Sequential last layer, value facts through variables', async () => {
  const { doc, sem } = await semantic(
    HEADER +
      'class Net(nn.Module):\n  def __init__(self):\n    super().__init__()\n    self.fc = nn.Linear(2, 1)\n  def forward(self, x):\n    return self.fc(x)\n' +
      'class Prob(Net):\n  def forward(self, x):\n    return torch.sigmoid(self.fc(x))\n' +
      'net = Net()\nprob = Prob()\nseq = nn.Sequential(nn.Linear(2, 3), nn.LogSoftmax(dim=1))\n' +
      'out = net(x)\np = torch.sigmoid(out)\nq = p.view(-1)\nr = prob(x)\ns = seq(x)\nt = seq[0](x)\nu = out.softmax(1)\n',
  );
  assert.deepEqual([...sem.moduleClasses.keys()], ['Net', 'Prob']);
  const target = (v: string) => doc.root.descendantForIndex(doc.text.indexOf(`\n${v} = `) + 1)!.parent!.childForFieldName('right')!;
  const kind = (v: string) => sem.valueOf(target(v)).kind;
  assert.equal(kind('out'), 'logits');
  assert.equal(kind('p'), 'sigmoid');
  assert.equal(kind('q'), 'sigmoid');
  assert.equal(kind('r'), 'sigmoid');
  assert.equal(kind('s'), 'logSoftmax');
  assert.equal(kind('t'), 'logits');
  assert.equal(kind('u'), 'softmax');
  const r = sem.valueOf(target('r'));
  assert.equal(r.via, 'model');
  assert.equal(r.model, 'Prob');
  doc.dispose();
});

test('semantic: branches with different definitions give unknown; losses, loops, no_grad, modes', async () => {
  const { doc, sem } = await semantic(
    HEADER +
      'if flag:\n  crit = nn.BCELoss()\nelse:\n  crit = nn.BCEWithLogitsLoss()\nloss = crit(a, b)\nl2 = F.cross_entropy(input=a, target=b)\n' +
      'for epoch in range(3):\n  for xb in loader:\n    with torch.no_grad():\n      v = model(xb)\n    model.train()\n',
  );
  const calls = sem.lossCalls();
  assert.deepEqual(calls.map((c) => [c.loss, c.input?.text, c.target?.text]), [['CrossEntropyLoss', 'a', 'b']]);
  assert.equal(sem.loops.length, 2);
  const v = findCall(doc, 'model(xb)');
  assert.equal(sem.enclosingLoops(v).length, 2);
  assert.equal(sem.inNoGrad(v), true);
  assert.equal(sem.inNoGrad(findCall(doc, 'range(3)')), false);
  doc.dispose();
});

test('noqa: bare, with codes, and other codes', async () => {
  const src = (comment: string) => HEADER + `crit = nn.BCEWithLogitsLoss()\nz = torch.randn(3)\nloss = crit(torch.sigmoid(z), y)  ${comment}\n`;
  assert.equal((await lintText(src(''))).length, 1);
  assert.equal((await lintText(src('# noqa'))).length, 0);
  assert.equal((await lintText(src('# noqa: LL101'))).length, 0);
  assert.equal((await lintText(src('# noqa: LL503, LL101'))).length, 0);
  assert.equal((await lintText(src('# noqa: LL102'))).length, 1);
});

test('config: select/ignore prefixes and severity overrides; pyproject is found upward', async () => {
  assert.equal((await lintText(SIGMOID_BCE, { config: { select: ['LL5'] } })).length, 0);
  assert.equal((await lintText(SIGMOID_BCE, { config: { select: ['LL1'] } })).length, 1);
  assert.equal((await lintText(SIGMOID_BCE, { config: { ignore: ['LL1'] } })).length, 0);
  assert.equal((await lintText(SIGMOID_BCE, { config: { ignore: ['LL1'], select: ['LL101'] } })).length, 1);
  assert.equal((await lintText(SIGMOID_BCE, { config: { severity: { LL101: 'off' } } })).length, 0);
  assert.equal((await lintText(SIGMOID_BCE, { config: { severity: { LL1: 'info' } } }))[0].severity, 'info');
  const dir = mkdtempSync(join(tmpdir(), 'll-config-'));
  mkdirSync(join(dir, 'src', 'pkg'), { recursive: true });
  writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "x"\n\n[tool.logit-lab.lint]\nignore = ["LL503"]\nseverity = { LL101 = "warning" }\n');
  const { config, file } = loadPyprojectConfig(join(dir, 'src', 'pkg', 'train.py'));
  assert.equal(file, join(dir, 'pyproject.toml'));
  assert.deepEqual(config.ignore, ['LL503']);
  assert.equal((await lintText(SIGMOID_BCE, { config }))[0].severity, 'warning');
  writeFileSync(join(dir, 'pyproject.toml'), '[tool.logit-lab.lint]\nseverity = { LL101 = "loud" }\n');
  assert.throws(() => loadPyprojectConfig(join(dir, 'src')), /not a severity/);
});

test('columns are UTF-16 code units after non-ASCII text', async () => {
  const src = HEADER + 'crit = nn.BCEWithLogitsLoss()\nz = torch.randn(3)\nname = "😀é"; loss = crit(torch.sigmoid(z), y)\n';
  const [d] = await lintText(src);
  const line = src.split('\n')[d.line - 1];
  assert.equal(line.slice(d.column - 1, d.endColumn - 1), 'torch.sigmoid(z)');
  assert.equal(src.slice(d.startIndex, d.endIndex), 'torch.sigmoid(z)');
});

test('half-written code never throws and the rest of the file is still linted', async () => {
  const broken = SIGMOID_BCE + 'def train(model, loader\n    for x in loader:\n        out = model(x\n';
  assert.equal((await lintText(broken)).filter((d) => d.code === 'LL101').length, 1);
  for (let cut = 0; cut <= broken.length; cut += 7) await lintText(broken.slice(0, cut));
  await lintText('class Net(nn.Module):\n  def forward(self, x):\n    return self.');
});

test('a crashing rule is reported to debug and the others still run', async () => {
  const boom: Rule = { ...ALL_RULES[0], code: 'LL999', check: () => { throw new Error('boom'); } };
  const debug: string[] = [];
  const ds = await lintText(SIGMOID_BCE, { rules: [boom, ...ALL_RULES], debug: (m) => debug.push(m) });
  assert.equal(ds.length, 1);
  assert.match(debug[0], /LL999.*boom/);
});

test('incremental edits keep diagnostics right (warm path)', async () => {
  await initParser();
  const doc = new PythonDocument(SIGMOID_BCE);
  assert.equal(lintDocument(doc).length, 1);
  const at = doc.text.indexOf('torch.sigmoid(z)');
  doc.edit(at, at + 'torch.sigmoid(z)'.length, 'z');
  assert.equal(lintDocument(doc).length, 0);
  doc.edit(at, at + 1, 'z.sigmoid()');
  const [d] = lintDocument(doc);
  assert.equal(doc.text.slice(d.startIndex, d.endIndex), 'z.sigmoid()');
  doc.dispose();
});

test('notebooks: one module across cells, magics blanked, cell-relative positions', async () => {
  const nb = {
    cells: [
      { cell_type: 'code', source: ['%pip install torch\n', 'import torch\n', 'import torch.nn as nn\n'] },
      { cell_type: 'markdown', source: 'text' },
      { cell_type: 'code', source: 'model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())\n!ls' },
      { cell_type: 'code', source: ['crit = nn.BCEWithLogitsLoss()\n', 'x = 1\n', '  loss = crit(model(x), y)\n'] },
    ],
  };
  const ds = await lintNotebook(JSON.stringify(nb));
  assert.equal(ds.length, 1);
  // At the Sigmoid in cell index 2, linked to the loss call in cell index 3.
  assert.deepEqual([ds[0].cell, ds[0].line, ds[0].column, ds[0].endColumn], [2, 1, 40, 52]);
  assert.deepEqual(ds[0].related?.map((r) => [r.cell, r.line, r.column]), [[3, 3, 10]]);
  assert.match(ds[0].message, /\(cell 4, line 3\)/);
});

test('fixes: applied, then re-lint finds nothing; unsafe fixes are not applied by --fix', async () => {
  const lintFixes = async (t: string) => (await lintText(t)).flatMap((d) => (d.fix ? [d.fix] : []));
  const cases: [string, string][] = [
    [SIGMOID_BCE, 'loss = crit(z, torch.rand(3))'],
    [HEADER + 'loss = F.cross_entropy(F.softmax(z, dim=1), y)\n', 'F.cross_entropy(z, y)'],
    [HEADER + 'crit = nn.CrossEntropyLoss()\nloss = crit(F.log_softmax(z, 1), y)\n', 'crit = nn.NLLLoss()'],
    [HEADER + 'm = nn.Linear(2, 1)\nloss = nn.BCELoss()(m(x), y)\n', 'nn.BCEWithLogitsLoss()(m(x), y)'],
    [HEADER + 'crit = nn.BCELoss()\nloss = crit(torch.sigmoid(z), y)\n', 'crit = nn.BCEWithLogitsLoss()\nloss = crit(z, y)'],
    [HEADER + 'w = torch.load("m.pt")\n', 'torch.load("m.pt", weights_only=True)'],
    [HEADER + 'model = nn.Linear(2, 1)\nout = model.forward(x)\n', 'out = model(x)'],
    [HEADER + 'crit = nn.MSELoss()\nfor x in xs:\n    loss = crit(x, x)\n    total += loss\n', 'total += loss.item()'],
  ];
  for (const [src, expected] of cases) {
    const { text, applied } = await fixUntilStable(src, lintFixes);
    assert.ok(applied > 0, `no fix applied to:\n${src}`);
    assert.ok(text.includes(expected), `expected ${expected} in:\n${text}`);
    assert.deepEqual((await lintText(text)).map((d) => d.code), [], text);
  }
  // The sigmoid lives in a model: dropping it would change predictions elsewhere, so not safe.
  const model = HEADER + 'model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())\ncrit = nn.BCEWithLogitsLoss()\nloss = crit(model(x), y)\n';
  const [d] = await lintText(model);
  assert.equal(d.fix?.safe, false);
  assert.equal(applyFixes(model, [d.fix!]).text.includes('nn.Sequential(nn.Linear(2, 1))'), true);
  assert.equal((await fixUntilStable(model, lintFixes)).applied, 0);
  // LL201's insertion is offered (not applied by --fix): it lands before backward(), same indent.
  const loop = HEADER + 'opt = torch.optim.SGD(m.parameters())\nfor x in xs:\n    loss = m(x).sum()\n    loss.backward()\n    opt.step()\n';
  const ll201 = (await lintText(loop)).find((x) => x.code === 'LL201')!;
  assert.equal(ll201.fix?.safe, false);
  const inserted = applyFixes(loop, [ll201.fix!]).text;
  assert.ok(inserted.includes('    opt.zero_grad()\n    loss.backward()'), inserted);
  assert.deepEqual((await lintText(inserted)).map((x) => x.code), []);
});

test('docs: every rule renders a page with the four sections, and the index lists them', () => {
  const files = renderAllDocs(ALL_RULES);
  for (const rule of ALL_RULES) {
    const page = renderRuleDoc(rule);
    assert.ok(page.startsWith(`# ${rule.code} ${rule.slug}\n`));
    for (const section of ['## What it does', '## Why is this bad', '## Example', '## Use instead']) assert.ok(page.includes(section), `${rule.code} ${section}`);
    assert.ok(files['README.md'].includes(`[${rule.code}](${rule.code}.md)`));
  }
  const codes = ALL_RULES.map((r) => r.code);
  assert.equal(new Set(codes).size, codes.length);
});
