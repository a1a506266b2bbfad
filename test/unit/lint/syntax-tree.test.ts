// The linter reads a plain-JS copy of each tree-sitter tree (src/core/lint/syntax-tree.ts). The copy
// must answer exactly like web-tree-sitter's own Nodes, on real fixture code (ERROR nodes included)
// and on non-ASCII text (offsets are UTF-16), whichever way it was copied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Node as WasmNode } from 'web-tree-sitter';
import { initParser, lintDocument, PythonDocument } from '../../../src/core/lint';
import type { Node } from '../../../src/core/lint/parser';
import { copyTree } from '../../../src/core/lint/tree-copy';

function pyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? pyFiles(p) : p.endsWith('.py') ? [p] : [];
  });
}
const FIXTURES = pyFiles('test/fixtures/lint').sort().map((f) => readFileSync(f, 'utf8')).join('\n');
const UNICODE = 'import torch\nnäme = "héllo 🎉"  # ünïcode\nx = torch.sigmoid(näme)\ndef f(a, *, b=1):\n    return [a for a in b if a]\n';

/** Both trees in pre-order, paired; fails on the first structural difference. */
function paired(mirror: Node, wasm: WasmNode): [Node, WasmNode][] {
  const out: [Node, WasmNode][] = [];
  const visit = (m: Node, w: WasmNode) => {
    out.push([m, w]);
    const wc = w.children.filter((c): c is WasmNode => !!c);
    assert.equal(m.children.length, wc.length, `children of ${w.type} at ${w.startIndex}`);
    m.children.forEach((c, i) => {
      assert.equal(c.parent, m);
      visit(c, wc[i]);
    });
  };
  visit(mirror, wasm);
  return out;
}

const same = (m: Node | null, w: WasmNode | null, what: string) => {
  assert.equal(m === null, w === null, what);
  if (m && w) assert.deepEqual([m.type, m.startIndex, m.endIndex], [w.type, w.startIndex, w.endIndex], what);
};

for (const [name, source] of [['fixtures', FIXTURES], ['unicode', UNICODE]] as const) {
  test(`the syntax copy answers like web-tree-sitter: ${name}`, async () => {
    await initParser();
    const doc = new PythonDocument(source);
    const fields = doc.tree.language.fields.filter((f): f is string => !!f);
    const pairs = paired(doc.root, doc.tree.rootNode);
    assert.equal(pairs.length, doc.syntax.nodeCount);
    pairs.forEach(([m], i) => assert.equal(doc.syntax.nodes[i], m, 'nodes[] is pre-order by id'));
    let checkedFields = 0;
    for (const [m, w] of pairs) {
      const at = `${w.type} at ${w.startIndex}`;
      assert.deepEqual([m.type, m.isNamed, m.startIndex, m.endIndex, m.text], [w.type, w.isNamed, w.startIndex, w.endIndex, w.text], at);
      assert.deepEqual(m.namedChildren.map((c) => [c.type, c.startIndex]), w.namedChildren.map((c) => [c!.type, c!.startIndex]), at);
      if (!m.isNamed || !m.children.length || checkedFields > 4000) continue;
      checkedFields++;
      for (const f of fields) {
        same(m.childForFieldName(f), w.childForFieldName(f), `${at} .${f}`);
        assert.deepEqual(m.childrenForFieldName(f).map((c) => c.startIndex), w.childrenForFieldName(f).map((c) => c!.startIndex), `${at} .${f}[]`);
      }
    }
    assert.ok(checkedFields > (name === 'fixtures' ? 1000 : 5));
    // Lookups by offset and by type.
    for (let at = 0; at < source.length; at += 37) {
      same(doc.root.descendantForIndex(at, at + 3), doc.tree.rootNode.descendantForIndex(at, at + 3), `descendantForIndex(${at})`);
      same(doc.root.namedDescendantForIndex(at), doc.tree.rootNode.namedDescendantForIndex(at), `namedDescendantForIndex(${at})`);
    }
    for (const types of [['call'], ['identifier', 'lambda'], ['ERROR']]) {
      assert.deepEqual(
        doc.root.descendantsOfType(types).map((n) => [n.type, n.startIndex]),
        doc.tree.rootNode.descendantsOfType(types).map((n) => [n!.type, n!.startIndex]),
        types.join(),
      );
    }
    doc.dispose();
  });
}

test('the fast copy (runtime exports) and the public-cursor copy are the same tree', async () => {
  await initParser();
  const doc = new PythonDocument(FIXTURES);
  const slow = copyTree(doc.tree, doc.text);
  const fast = doc.syntax;
  assert.equal(slow.nodeCount, fast.nodeCount);
  const shape = (n: Node) => [n.id, n.type, n.isNamed, n.startIndex, n.endIndex, n.fieldId, n.parent?.id ?? -1];
  for (let i = 0; i < fast.nodeCount; i++) assert.deepEqual(shape(slow.nodes[i]), shape(fast.nodes[i]));
  doc.dispose();
});

test('edits re-copy the tree: lints follow the text', async () => {
  await initParser();
  const src = 'import torch\nimport torch.nn as nn\ncriterion = nn.BCEWithLogitsLoss()\nloss = criterion(torch.sigmoid(z), y)\n';
  const doc = new PythonDocument(src);
  assert.deepEqual(lintDocument(doc).map((d) => d.code), ['LL101']);
  const first = doc.root;
  const at = src.indexOf('torch.sigmoid(z)');
  doc.edit(at, at + 'torch.sigmoid(z)'.length, 'z');
  assert.notEqual(doc.root, first);
  assert.equal(doc.root.text, doc.text);
  assert.deepEqual(lintDocument(doc).map((d) => d.code), []);
  doc.dispose();
});
