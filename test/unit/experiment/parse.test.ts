import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseExperiment } from '../../../src/core/experiment';
import { ACTIVATION_NAMES } from '../../../src/core/nn/activations';
import { LOSS_NAMES } from '../../../src/core/nn/losses';
import { assertAt, errorAt, EXAMPLE } from './fixtures';

const FILE = 'demo.experiment.json';

describe('parseExperiment', () => {
  it('parses the documented example, comments and all, filling defaults', () => {
    const { value, errors } = parseExperiment(EXAMPLE, FILE);
    assert.deepEqual(errors, []);
    assert.ok(value);
    assert.equal(value.name, 'moons-mlp');
    assert.equal(value.baseline, 'logistic');
    assert.deepEqual(value.sweep, { 'optimizer.lr': [0.1, 0.01, 0.001], seed: [0, 1, 2] });
    assert.equal(value.optimizer.eps, 1e-8, 'default filled in');
    assert.equal(value.training.earlyStopping?.minDelta, 0);
  });

  it('accepts trailing commas and block comments', () => {
    const text = '/* a study */ { "data": { "kind": "xor", }, "model": { "hidden": [4, 4,], }, }';
    const { value, errors } = parseExperiment(text, FILE);
    assert.deepEqual(errors, []);
    assert.deepEqual(value?.model.hidden, [4, 4]);
    assert.equal(value?.name, 'experiment');
  });

  it('places a wrong value on the value, saying what was expected', () => {
    const text = '{\n  "data": { "kind": "moons", "noise": "abc" }\n}';
    const { value, errors } = parseExperiment(text, FILE);
    assert.equal(value, undefined);
    const e = errorAt(errors, ['data', 'noise']);
    assert.equal(e.message, 'expected a number between 0 and 100, got "abc"');
    assertAt(e, text, '"abc"');
    assert.equal(e.details.location?.file, FILE);
    assert.equal(e.details.severity, 'error');
  });

  it('places an unknown key on the key with a did-you-mean', () => {
    const text = '{\n  "data": { "kind": "moons" },\n  "model": { "hiden": [2] }\n}';
    const e = errorAt(parseExperiment(text, FILE).errors, ['model', 'hiden']);
    assert.match(e.message, /unknown key `hiden`/);
    assert.equal(e.hint, 'did you mean `hidden`?');
    assertAt(e, text, '"hiden"');
  });

  it('locates errors below comments in the documented example', () => {
    const text = EXAMPLE.replace('"patience": 50', '"patience": -50').replace('"baseline"', '"basline"');
    const errors = parseExperiment(text, FILE).errors;
    assertAt(errorAt(errors, ['training', 'earlyStopping', 'patience']), text, '-50');
    const key = errorAt(errors, ['basline']);
    assert.equal(key.message, 'unknown key `basline` in the experiment');
    assert.equal(key.hint, 'did you mean `baseline`?');
    assertAt(key, text, '"basline"');
  });

  it('lists the known keys when nothing is close', () => {
    const text = '{ "data": { "kind": "moons" }, "optimizer": { "zzzzzz": 1 } }';
    const e = errorAt(parseExperiment(text, FILE).errors, ['optimizer', 'zzzzzz']);
    assert.match(e.hint ?? '', /known keys: kind, lr, momentum/);
  });

  it('suggests the enum value and lists the allowed ones', () => {
    const text = '{\n  "data": { "kind": "moons" },\n  "loss": "bce_with_logits"\n}';
    const e = errorAt(parseExperiment(text, FILE).errors, ['loss']);
    // The allowed values are the loss registry's, in its order.
    assert.equal(e.message, `expected one of ${LOSS_NAMES.map((n) => `\`${n}\``).join(', ')}, got "bce_with_logits"`);
    assert.equal(e.hint, `did you mean \`bce-with-logits\`? (allowed: ${LOSS_NAMES.join(', ')})`);
    assertAt(e, text, '"bce_with_logits"');
  });

  it('suggests a data kind for a misspelt discriminator', () => {
    const text = '{ "data": { "kind": "moosn" } }';
    const e = errorAt(parseExperiment(text, FILE).errors, ['data', 'kind']);
    assert.match(e.hint ?? '', /did you mean `moons`\?/);
    assertAt(e, text, '"moosn"');
  });

  it('blames a missing required key on its parent key', () => {
    const text = '{\n  "data": { "kind": "moons" },\n  "success": { "metric": "trainAcc" }\n}';
    const e = errorAt(parseExperiment(text, FILE).errors, ['success', 'atLeast']);
    assert.equal(e.message, '`success` needs `atLeast`: a number between 0 and 1');
    assertAt(e, text, '"success"');
  });

  it('blames a missing data kind on `data`, and missing `data` on the opening brace', () => {
    const text = '{ "data": {} }';
    assertAt(errorAt(parseExperiment(text, FILE).errors, ['data', 'kind']), text, '"data"');
    const empty = '  {\n}';
    const e = errorAt(parseExperiment(empty, FILE).errors, ['data']);
    assert.match(e.message, /needs `data`/);
    assertAt(e, empty, '{');
  });

  it('describes integer, union and list constraints', () => {
    const text = '{ "data": { "kind": "moons", "samples": 2.5 }, "training": { "batchSize": 0 }, "optimizer": { "betas": [0.9] }, "model": { "hidden": [8, -5] } }';
    const errors = parseExperiment(text, FILE).errors;
    assert.equal(errorAt(errors, ['data', 'samples']).message, 'expected an integer between 4 and 1000000, got 2.5');
    assert.equal(errorAt(errors, ['training', 'batchSize']).message, 'expected "full" or an integer ≥ 1, got 0');
    assert.match(errorAt(errors, ['optimizer', 'betas']).message, /2 items .* got 1/);
    const hidden = errorAt(errors, ["model", "hidden", 1]);
    assert.equal(hidden.message, 'expected an integer between 1 and 4096, got -5');
    assertAt(hidden, text, '-5');
  });

  it('counts columns in UTF-16 code units after astral characters', () => {
    const text = '{ "description": "🌙🌙", "data": { "kind": "moons", "noise": -1 } }';
    const e = errorAt(parseExperiment(text, FILE).errors, ['data', 'noise']);
    assertAt(e, text, '-1');
    assert.equal(e.details.location?.column, text.indexOf('-1') + 1);
  });

  it('handles CRLF line endings', () => {
    const text = '{\r\n  "data": { "kind": "moons" },\r\n  "seed": -3\r\n}';
    const e = errorAt(parseExperiment(text, FILE).errors, ['seed']);
    assert.deepEqual([e.details.location?.line, e.details.location?.column], [3, 11]);
  });

  it('reports syntax errors where the parser stopped', () => {
    const text = '{\n  "data": { "kind": "moons" }\n  "seed": 1\n}';
    const { value, errors } = parseExperiment(text, FILE);
    assert.equal(value, undefined);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /syntax error: expected `,`/);
    assertAt(errors[0], text, '"seed"');
  });

  it('reports an unterminated file once, at its end', () => {
    const text = '{ "data": { "kind": "moons" ';
    const errors = parseExperiment(text, FILE).errors;
    assert.equal(errors.length, 1);
    assert.equal(errors[0].details.location?.column, text.length + 1);
  });

  it('rejects empty files, non-objects and duplicate keys', () => {
    assert.match(parseExperiment('  // nothing\n', FILE).errors[0].message, /empty/);
    assert.match(parseExperiment('[1]', FILE).errors[0].message, /JSON object, got a list/);
    const text = '{ "data": { "kind": "moons" }, "seed": 1, "seed": 2 }';
    const e = errorAt(parseExperiment(text, FILE).errors, ['seed']);
    assert.match(e.message, /duplicate key `seed`/);
    assertAt(e, text, '"seed"', 1);
  });

  it('formats one diagnostic as file:line:col: message (at path) with the hint below', () => {
    const text = '{ "data": { "kind": "moons" },\n  "model": { "activation": "rleu" } }';
    const e = errorAt(parseExperiment(text, FILE).errors, ['model', 'activation']);
    const col = text.split('\n')[1].indexOf('"rleu"') + 1;
    assert.equal(e.format().split('\n')[0], `${FILE}:2:${col}: expected one of ${ACTIVATION_NAMES.map((n) => `\`${n}\``).join(', ')}, got "rleu" (at model.activation)`);
    assert.match(e.format().split('\n')[1], /^ {2}hint: did you mean `relu`\?/);
  });
});
