// The LL3xx/LL4xx rules beyond the fixture table: their quick fixes, and the shape analysis they share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFixes, fixUntilStable, initParser, lintText, PythonDocument, SemanticModel } from '../../../src/core/lint';
import { shapes } from '../../../src/core/lint/torch/shapes';

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';
const safeFixes = async (text: string) => (await lintText(text)).flatMap((d) => (d.fix ? [d.fix] : []));

test('LL303 fix compares the logits with 0; it is safe, so --fix applies it', async () => {
  const src = HEADER + 'model = nn.Sequential(nn.Linear(2, 1))\nx = torch.randn(4, 2)\nwith torch.no_grad():\n    preds = (model(x) >= 0.5).float()\n';
  const d = (await lintText(src)).find((x) => x.code === 'LL303')!;
  assert.ok(d, 'LL303 reported');
  assert.equal(d.fix?.safe, true);
  const fixed = applyFixes(src, [d.fix!]).text;
  assert.ok(fixed.includes('(model(x) >= 0).float()'), fixed);
  assert.deepEqual((await lintText(fixed)).map((x) => x.code), []);
  assert.equal((await fixUntilStable(src, safeFixes)).text, fixed);
});

test('LL305 fix adds dim=1 in every call shape, offered but not applied by --fix', async () => {
  const cases: [string, string][] = [
    ['p = F.softmax(z)', 'p = F.softmax(z, dim=1)'],
    ['p = F.softmax(z, )', 'p = F.softmax(z, dim=1)'],
    ['p = F.log_softmax(z, dtype=torch.float64)', 'p = F.log_softmax(z, dtype=torch.float64, dim=1)'],
    ['head = nn.Softmax()', 'head = nn.Softmax(dim=1)'],
    ['head = nn.Softmax(\n)', 'head = nn.Softmax(dim=1\n)'],
  ];
  for (const [line, expected] of cases) {
    const src = HEADER + 'z = torch.randn(4, 3)\n' + line + '\n';
    const d = (await lintText(src)).find((x) => x.code === 'LL305');
    assert.ok(d?.fix, `LL305 with a fix on ${line}`);
    assert.equal(d.fix.safe, false);
    const fixed = applyFixes(src, [d.fix]).text;
    assert.ok(fixed.endsWith(expected + '\n'), JSON.stringify(fixed.slice(HEADER.length)));
    assert.deepEqual((await lintText(fixed)).filter((x) => x.code === 'LL305'), []);
    assert.equal((await fixUntilStable(src, safeFixes)).applied, 0);
  }
});

test('rules of these families respect # noqa and stay silent without torch (LL401: without sklearn)', async () => {
  const src = HEADER + 'm = nn.Sequential(nn.Linear(2, 1))\nx = torch.randn(3, 2)\np = F.softmax(x)  # noqa: LL305\nq = m(x) > 0.5  # noqa\n';
  assert.deepEqual((await lintText(src)).map((d) => d.code), []);
  const noTorch = 'from keras import layers\nimport numpy as np\nF = np\np = F.softmax(np.ones(3))\n';
  assert.deepEqual((await lintText(noTorch)).map((d) => d.code), []);
  const sklearn = 'from sklearn.preprocessing import StandardScaler\nX_test = [[1.0], [2.0]]\nStandardScaler().fit(X_test)\n';
  assert.deepEqual((await lintText(sklearn)).map((d) => d.code), ['LL401']);
});

test('shape analysis: factories, reshapes, indexing, models, dataset makers', async () => {
  await initParser();
  const src =
    HEADER +
    'from sklearn.datasets import make_moons\nfrom sklearn.model_selection import train_test_split\n' +
    'a = torch.randn(8, 3)\nb = a[:, 0]\nc = b.unsqueeze(1)\nd = c.view(-1)\ne = a[:, None]\nc2 = b[:, None]\nf = torch.zeros((5,))\n' +
    'mlp = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Dropout(0.1), nn.Linear(4, 1))\ng = mlp(a)\nh = g.squeeze(1)\n' +
    'X, y = make_moons(100)\nX_tr, X_te, y_tr, y_te = train_test_split(X, y)\ni = torch.tensor(y_tr, dtype=torch.float32)\n' +
    'for j in loader:\n    k = j.float()\n';
  const doc = new PythonDocument(src);
  try {
    const sem = new SemanticModel(doc.root);
    const s = shapes(sem);
    /** Shape of the value assigned to `name` (the right-hand side of its last assignment). */
    const last = (name: string) => {
      const m = [...src.matchAll(new RegExp(`^( *)${name} = `, 'gm'))].pop()!;
      const at = m.index + m[1].length;
      const right = doc.root.descendantForIndex(at, at + name.length)!.parent!.childForFieldName('right')!;
      const found = s.of(right);
      return found && `${found.rank}:${found.last ?? '?'}`;
    };
    assert.equal(last('a'), '2:3');
    assert.equal(last('b'), '1:?');
    assert.equal(last('c'), '2:1');
    assert.equal(last('d'), '1:?');
    assert.equal(last('e'), '3:3');
    assert.equal(last('c2'), '2:1');
    assert.equal(last('f'), '1:5');
    assert.equal(last('g'), '2:1');
    assert.equal(last('h'), '1:?');
    assert.equal(s.of(doc.root.descendantForIndex(src.indexOf('(X, y)') + 4)!)?.rank, 1, 'y of make_moons is 1-D');
    assert.equal(last('i'), '1:?');
    assert.equal(last('k'), undefined, 'a loader batch has no known shape');
  } finally {
    doc.dispose();
  }
});
