// Old syntax trees live in wasm memory, which JavaScript's GC never frees: PythonDocument must delete
// them on every edit. We watch the wasm heap itself (captured when the runtime creates it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initParser, PythonDocument } from '../../../src/core/lint';

const memories: WebAssembly.Memory[] = [];
const OriginalMemory = WebAssembly.Memory;
(WebAssembly as unknown as { Memory: unknown }).Memory = class extends OriginalMemory {
  constructor(descriptor: WebAssembly.MemoryDescriptor) {
    super(descriptor);
    memories.push(this);
  }
};
const heapBytes = () => memories.reduce((n, m) => n + m.buffer.byteLength, 0);
const big = 'import torch\n' + 'x = torch.sigmoid(model(y))  # some comment text\n'.repeat(500);

test('many incremental edits do not grow the wasm heap', async () => {
  await initParser();
  assert.ok(memories.length > 0, 'captured the tree-sitter wasm memory');
  const doc = new PythonDocument(big);
  for (let i = 0; i < 50; i++) doc.edit(20, 20, i % 2 ? 'a' : '');
  const before = heapBytes();
  for (let i = 0; i < 300; i++) {
    const at = 13 + ((i * 37) % 500);
    if (i % 2) doc.edit(at, at, 'z');
    else doc.edit(at, at + 1, '');
  }
  assert.equal(heapBytes(), before, 'heap grew across 300 edits');
  doc.dispose();
});

test('the heap check can fail: trees that are never deleted do grow it', async () => {
  await initParser();
  const before = heapBytes();
  const leaked: PythonDocument[] = [];
  for (let i = 0; i < 60 && heapBytes() === before; i++) leaked.push(new PythonDocument(big + `# ${i}\n`));
  assert.ok(heapBytes() > before);
  for (const d of leaked) d.dispose();
});

test('copying the tree after every edit (the linter reads the copy) does not grow the wasm heap', async () => {
  await initParser();
  const doc = new PythonDocument(big);
  for (let i = 0; i < 20; i++) {
    doc.edit(20, 20, i % 2 ? 'a' : '');
    void doc.root;
  }
  const before = heapBytes();
  for (let i = 0; i < 200; i++) {
    const at = 13 + ((i * 37) % 500);
    if (i % 2) doc.edit(at, at, 'z');
    else doc.edit(at, at + 1, '');
    assert.equal(doc.root.text, doc.text);
  }
  assert.equal(heapBytes(), before, 'heap grew across 200 edits and copies');
  doc.dispose();
});
