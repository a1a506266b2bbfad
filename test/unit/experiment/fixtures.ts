// Shared fixture text and a helper that computes expected positions from the text itself, so the
// tests assert exact line:column without hard-coding numbers that could drift from the fixture.
import * as assert from 'node:assert/strict';
import type { LogitLabError } from '../../../src/core/errors';

export const EXAMPLE = `{
  "name": "moons-mlp",
  "seed": 0,
  "data": { "kind": "moons", "samples": 300, "noise": 0.1, "validation": 0.2 },
  "model": { "hidden": [16], "activation": "relu", "dropout": 0, "init": "he" },
  "loss": "bce-with-logits",           // bce-with-logits | cross-entropy | bce (sigmoid+BCE) | mse
  "optimizer": { "kind": "adam", "lr": 0.01, "weightDecay": 0 },   // sgd (momentum, nesterov) | adam | adamw
  "training": { "epochs": 500, "batchSize": "full",
                "earlyStopping": { "monitor": "valLoss", "patience": 50, "restoreBest": true } },
  "baseline": "logistic",              // also train logistic regression on the same split
  "sweep": { "optimizer.lr": [0.1, 0.01, 0.001], "seed": [0, 1, 2] },  // grid product of dotted paths
  "variants": [ { "name": "tiny", "model": { "hidden": [2], "activation": "tanh" } },
                { "name": "good", "model": { "hidden": [16, 16], "dropout": 0.2 },
                  "optimizer": { "weightDecay": 1e-4 } } ],  // named deep-merged overrides (× sweep)
  "success": { "metric": "trainAcc", "atLeast": 0.95 },             // success rate per sweep group
  "record": { "every": 10, "grid": 100 }                             // boundary snapshots
}
`;

/** 1-based line/column of the `nth` occurrence of `token` in `text` (UTF-16 code units). */
export function positionOf(text: string, token: string, nth = 0, length = token.length): { line: number; column: number; endLine: number; endColumn: number } {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(token, index + 1);
    assert.notEqual(index, -1, `fixture has no occurrence #${nth} of ${token}`);
  }
  const pos = (offset: number) => {
    const before = text.slice(0, offset);
    const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
    return { line: before.split(/\r\n|\r|\n/).length, column: offset - lineStart + 1 };
  };
  const start = pos(index);
  const end = pos(index + length);
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/** Asserts an error sits exactly on `token` (the nth occurrence), or on its first `length` characters. */
export function assertAt(error: LogitLabError | undefined, text: string, token: string, nth = 0, length = token.length): void {
  assert.ok(error, `expected an error at ${token}`);
  const { file: _file, ...location } = error.details.location ?? { file: '' };
  assert.deepEqual(location, positionOf(text, token, nth, length), `error "${error.message}" is not at ${token}`);
}

/** The single error whose JSON path is `path` (dotted with [i]). */
export function errorAt(errors: LogitLabError[], path: (string | number)[]): LogitLabError {
  const found = errors.filter((e) => JSON.stringify(e.details.jsonPath) === JSON.stringify(path));
  assert.equal(found.length, 1, `expected one error at ${JSON.stringify(path)}, got: ${errors.map((e) => e.format()).join(' | ')}`);
  return found[0];
}
