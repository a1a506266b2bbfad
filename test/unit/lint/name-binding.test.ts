// The semantic model binds def/class names, lambda parameters, imports and builtins through scope
// lookup from the syntax tree — no text patterns, no hand list of builtins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { initParser, PythonDocument, SemanticModel } from '../../../src/core/lint';
import type { Node } from '../../../src/core/lint/parser';
import { walk } from '../../../src/core/lint/semantic/syntax';
import { PYTHON_BUILTINS } from '../../../src/core/lint/semantic/python-builtins';

const SOURCE = `import torch
from os import path as p

def outer(a):
    def inner():
        return helper(a)
    class Local:
        pass
    return inner, Local, len, UserWarning

class Net:
    def forward(self):
        return inner

square = lambda v, *rest, k=1: v * v + k
text = "def fake(): pass"
fake(), helper(), __file__, torch, p, square, Net, outer, get_ipython
`;

async function model() {
  await initParser();
  const doc = new PythonDocument(SOURCE);
  const sem = new SemanticModel(doc.root);
  const ids: Node[] = [];
  walk(doc.root, (n) => void (n.type === 'identifier' && ids.push(n)));
  /** The `nth` identifier (0-based) spelled `name`. */
  const at = (name: string, nth = 0) => ids.filter((n) => n.text === name)[nth];
  return { sem, at };
}

test('def and class names are bound in the scope that holds them, and only there', async () => {
  const { sem, at } = await model();
  assert.equal(sem.declarationOf(at('inner', 1)), 'definition'); // `return inner, …` inside outer
  assert.equal(sem.declarationOf(at('Local', 1)), 'definition');
  assert.equal(sem.declarationOf(at('inner', 2)), undefined); // Net.forward cannot see outer's locals
  assert.equal(sem.declarationOf(at('Net', 1)), 'definition');
  assert.equal(sem.declarationOf(at('outer', 1)), 'definition');
  // A def in a string is not a definition.
  assert.equal(sem.declarationOf(at('fake')), undefined);
  assert.equal(sem.declarationOf(at('helper', 1)), undefined);
});

test('lambda parameters bind in the lambda; imports, builtins and the module namespace in the last scopes', async () => {
  const { sem, at } = await model();
  for (const name of ['v', 'rest', 'k']) assert.equal(sem.declarationOf(at(name)), 'definition', name);
  assert.equal(sem.declarationOf(at('torch', 1)), 'import');
  assert.equal(sem.declarationOf(at('p', 1)), 'import');
  for (const name of ['len', 'UserWarning', '__file__', 'get_ipython']) assert.equal(sem.declarationOf(at(name)), 'builtin', name);
});

test("the builtins are Python's own: every name of dir(builtins) of /usr/bin/python3 (regenerate with scripts/gen-python-builtins.ts)", () => {
  const names = JSON.parse(execFileSync('/usr/bin/python3', ['-c', 'import builtins, json; print(json.dumps(dir(builtins)))'], { encoding: 'utf8' })) as string[];
  assert.ok(names.length > 100);
  assert.deepEqual(names.filter((n) => !PYTHON_BUILTINS.has(n)), []);
});

test('a star import is read from the tree, not from text that looks like one', async () => {
  await initParser();
  const stars = (src: string) => new SemanticModel(new PythonDocument(src).root).imports.starImports;
  assert.deepEqual(stars('from torch.nn import *\nfrom .utils import *\n'), ['torch.nn', '.utils']);
  assert.deepEqual(stars('TEMPLATE = """\nfrom torch.nn import *\n"""\n'), []);
});
