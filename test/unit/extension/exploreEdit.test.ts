// Explore edits change only the value's text, on one line, keeping the file's layout and comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { exploreEdit } from '../../../src/extension/exploreEdit';

const apply = (text: string, e: { offset: number; length: number; text: string } | undefined) => (e ? text.slice(0, e.offset) + e.text + text.slice(e.offset + e.length) : text);

describe('explore edit', () => {
  const moons = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'moons.experiment.json'), 'utf8');

  it('a new hidden array stays on its line; nothing else in the file moves', () => {
    const out = apply(moons, exploreEdit(moons, 'model.hidden', [16, 16, 8]));
    assert.deepEqual(parse(out).model.hidden, [16, 16, 8]);
    assert.equal(out.split('\n').length, moons.split('\n').length, 'same number of lines');
    const changed = out.split('\n').filter((l, i) => l !== moons.split('\n')[i]);
    assert.equal(changed.length, 1);
    assert.match(changed[0], /"hidden": \[16, 16, 8\]/);
  });

  it('the same value is no edit; a missing setting is inserted', () => {
    const current = parse(moons).optimizer.lr;
    assert.equal(exploreEdit(moons, 'optimizer.lr', current), undefined);
    const text = '{\n  // a comment\n  "model": { "hidden": [4] }\n}\n';
    const out = apply(text, exploreEdit(text, 'model.activation', 'tanh'));
    assert.equal(parse(out).model.activation, 'tanh');
    assert.match(out, /\/\/ a comment/);
  });

  it('a penalty is set as one inline object; null takes it out again, comments kept', () => {
    const text = '{\n  // a comment\n  "model": { "hidden": [4] }\n}\n';
    const withPenalty = apply(text, exploreEdit(text, 'model.penalty', { kind: 'l1', rate: 0.01 }));
    assert.deepEqual(parse(withPenalty).model, { hidden: [4], penalty: { kind: 'l1', rate: 0.01 } });
    const replaced = apply(withPenalty, exploreEdit(withPenalty, 'model.penalty', { kind: 'l2', rate: 0.1 }));
    assert.match(replaced, /"penalty": \{ "kind": "l2", "rate": 0\.1 \}/);
    const removed = apply(replaced, exploreEdit(replaced, 'model.penalty', null));
    assert.deepEqual(parse(removed).model, { hidden: [4] });
    assert.match(removed, /\/\/ a comment/);
    assert.equal(exploreEdit(removed, 'model.penalty', null), undefined, 'removing what is not there is no edit');
  });
});
