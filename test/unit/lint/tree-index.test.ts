// The shared TreeIndex and the memoised syntax helpers must agree with plain tree-sitter answers
// (a full cursor walk, `.parent` chains, Node properties) on real fixture code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { initParser, PythonDocument, SemanticModel } from '../../../src/core/lint';
import type { Node } from '../../../src/core/lint/parser';
import { INDEXED_TYPES, TreeIndex } from '../../../src/core/lint/semantic/tree-index';
import { callArgs, endOf, field, named, textOf, typeOf, walk } from '../../../src/core/lint/semantic/syntax';

function pyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? pyFiles(p) : p.endsWith('.py') ? [p] : [];
  });
}
// Every fixture, half-written ones included (ERROR nodes), as one module.
const SOURCE = pyFiles('test/fixtures/lint').sort().map((f) => readFileSync(f, 'utf8')).join('\n');

/** Every named node, pre-order, with its real parent chain (via a cursor). */
function allNamed(root: Node): { node: Node; ancestors: Node[] }[] {
  const out: { node: Node; ancestors: Node[] }[] = [];
  const visit = (n: Node, ancestors: Node[]) => {
    if (n.isNamed) out.push({ node: n, ancestors });
    for (const c of n.children) if (c) visit(c, [n, ...ancestors]);
  };
  visit(root, []);
  return out;
}

test('TreeIndex holds exactly the named nodes of its types, in source order, with the right ancestors', async () => {
  await initParser();
  const doc = new PythonDocument(SOURCE);
  const index = new TreeIndex(doc.root);
  const nodes = allNamed(doc.root);
  const types = new Set(INDEXED_TYPES);
  const expected = nodes.filter(({ node }) => types.has(node.type));
  assert.ok(expected.length > 500);
  assert.deepEqual(index.nodes.map((n) => n.id), expected.map(({ node }) => node.id));
  for (const type of INDEXED_TYPES) {
    assert.deepEqual(index.byType(type).map((n) => n.id), expected.filter(({ node }) => node.type === type).map(({ node }) => node.id), type);
  }
  // Nearest indexed ancestor, for indexed and non-indexed nodes alike (expressions: no same-range descendants).
  for (const { node, ancestors } of nodes) {
    if (!types.has(node.type) && !['identifier', 'attribute', 'argument_list'].includes(node.type)) continue;
    const real = ancestors.find((a) => types.has(a.type));
    assert.equal(index.closest(node, types)?.id, real?.id, `${node.type} at ${node.startIndex}`);
  }
  doc.dispose();
});

test('walk with types matches a full walk; memoised helpers match Node properties', async () => {
  await initParser();
  const doc = new PythonDocument(SOURCE);
  // Indexed types (answered by the TreeIndex) and others (answered by descendantsOfType), from the root and from a function.
  const someFunction = doc.root.descendantsOfType('function_definition')[3]!;
  for (const root of [doc.root, someFunction]) {
    for (const only of [new Set(['call', 'function_definition', 'lambda']), new Set(['identifier', 'comparison_operator'])]) {
      const fast: number[] = [];
      walk(root, (n) => void fast.push(n.id), only);
      const slow: number[] = [];
      walk(root, (n) => void (n.isNamed && only.has(n.type) && slow.push(n.id)));
      assert.deepEqual(fast, slow);
      assert.ok(fast.length > 0);
    }
  }
  // Skipping children with `false`: no call inside a function is visited.
  const outside: Node[] = [];
  walk(doc.root, (n) => (n.type === 'function_definition' ? false : void outside.push(n)), new Set(['call', 'function_definition']));
  const functions = allNamed(doc.root).filter(({ node }) => node.type === 'function_definition').map(({ node }) => node);
  for (const c of outside) assert.ok(!functions.some((f) => c.startIndex >= f.startIndex && c.endIndex <= f.endIndex));
  assert.ok(outside.length > 0);
  for (const { node } of allNamed(doc.root).slice(0, 3000)) {
    assert.equal(typeOf(node), node.type);
    assert.equal(endOf(node), node.endIndex);
    assert.equal(textOf(node), node.text);
    assert.equal(field(node, 'function')?.id, node.childForFieldName('function')?.id);
    assert.deepEqual(named(node).map((n) => n.id), node.namedChildren.filter((c) => c && c.type !== 'comment').map((c) => c!.id));
    if (node.type === 'call') assert.equal(callArgs(node), callArgs(node), 'memoised');
  }
  doc.dispose();
});

test('the semantic model built on the index answers like before on scopes and no_grad', async () => {
  await initParser();
  const src = 'import torch\nclass M(torch.nn.Module):\n    def forward(self, x):\n        with torch.no_grad():\n            y = self.f(x)\n        return y\n@torch.no_grad()\ndef g(x):\n    return h(x)\nz = h(1)\n';
  const doc = new PythonDocument(src);
  const sem = new SemanticModel(doc.root);
  const callAt = (text: string) => sem.calls.find((c) => c.text === text)!;
  assert.equal(sem.inNoGrad(callAt('self.f(x)')), true);
  assert.equal(sem.inNoGrad(callAt('h(x)')), true);
  assert.equal(sem.inNoGrad(callAt('h(1)')), false);
  assert.equal(sem.enclosingModuleClass(callAt('self.f(x)'))?.name, 'M');
  assert.equal(sem.enclosingModuleClass(callAt('h(1)')), undefined);
  assert.equal(sem.scopeOf(callAt('h(x)')).type, 'function_definition');
  assert.equal(sem.scopeOf(callAt('h(1)')).id, doc.root.id);
  doc.dispose();
});
