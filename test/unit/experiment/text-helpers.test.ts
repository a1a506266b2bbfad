import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { LineMap } from '../../../src/core/experiment';
import { closest, didYouMean, editDistance } from '../../../src/core/experiment/suggest';

describe('LineMap', () => {
  it('maps offsets to 1-based line/column across \\n, \\r\\n and \\r', () => {
    const text = 'ab\ncd\r\nef\rgh';
    const map = new LineMap(text);
    assert.deepEqual(map.position(0), { line: 1, column: 1 });
    assert.deepEqual(map.position(text.indexOf('d')), { line: 2, column: 2 });
    assert.deepEqual(map.position(text.indexOf('e')), { line: 3, column: 1 });
    assert.deepEqual(map.position(text.indexOf('h')), { line: 4, column: 2 });
    assert.equal(map.offset({ line: 4, column: 2 }), text.indexOf('h'));
  });
});

describe('suggest', () => {
  it('edit distance counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('hidden', 'hidden'), 0);
    assert.equal(editDistance('hiden', 'hidden'), 1);
    assert.equal(editDistance('rleu', 'relu'), 1);
  });

  it('suggests only plausible typos, ignoring case and separators', () => {
    assert.equal(closest('bce_with_logits', ['bce-with-logits', 'cross-entropy', 'bce', 'mse']), 'bce-with-logits');
    assert.equal(closest('Adam', ['sgd', 'adam', 'adamw']), 'adam');
    assert.equal(closest('optimizer.lrr', ['optimizer.lr', 'optimizer.eps', 'seed']), 'optimizer.lr');
    assert.equal(closest('banana', ['relu', 'tanh']), undefined);
    assert.equal(didYouMean('tanhh', ['relu', 'tanh']), 'did you mean `tanh`?');
  });
});
