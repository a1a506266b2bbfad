// The pieces every entry point's error boundary is built from: classifying what was thrown,
// guards run before a recursive parser, terminal sanitising, and the split at sizes that used to
// overflow the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyError, describeFailure, failureMessage, EXIT } from '../../../src/core/boundary';
import { LogitLabError } from '../../../src/core/errors';
import { foreignEncoding, tooDeepAt } from '../../../src/core/text-guards';
import { sanitize, sanitizeLine } from '../../../src/cli/sanitize';
import { stratifiedSplit } from '../../../src/core/data/split';
import { Rng } from '../../../src/core/rng';
import { guardCommand } from '../../../src/extension/commandBoundary';

test('user errors exit 2 with their location; OS errors a user can fix too; anything else exits 3 in one line', () => {
  const user = new LogitLabError('bad noise', { location: { file: 'e.json', line: 3, column: 7 }, jsonPath: ['data', 'noise'], hint: 'use 0.1' });
  const table: [unknown, number, RegExp][] = [
    [user, EXIT.badInput, /^e\.json:3:7: bad noise \(at data\.noise\)\n {2}hint: use 0\.1$/],
    [Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/out/run.json' }), EXIT.badInput, /^\/out\/run\.json: no space left on device, write\n {2}hint: the disk is full/],
    [Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', path: '/x' }), EXIT.badInput, /permission denied.*\n {2}hint: check the file's permissions/],
    [new TypeError("Cannot read properties of null (reading 'x')"), EXIT.internal, /^internal error: TypeError: Cannot read properties of null \(reading 'x'\)\n {2}this is a bug in Logit Lab/],
    [new RangeError('Maximum call stack size exceeded'), EXIT.internal, /^internal error: RangeError: Maximum call stack size exceeded\n/],
    ['a thrown string', EXIT.internal, /^internal error: a thrown string\n/],
    [undefined, EXIT.internal, /^internal error: undefined\n/],
    [{ toString() { throw new Error('no'); } }, EXIT.internal, /^internal error: \[object Object\]\n/],
  ];
  for (const [thrown, exitCode, text] of table) {
    const d = describeFailure(thrown);
    assert.equal(d.exitCode, exitCode, String(d.text));
    assert.match(d.text, text);
    assert.doesNotMatch(d.text, /\n\s+at /, 'no stack without --verbose');
  }
  assert.match(describeFailure(new TypeError('x'), { verbose: true }).text, /\n\s+at /);
  assert.equal(classifyError(user).kind, 'user');
});

test('failureMessage gives a worker what to post: the message, whether it is a bug, the location to underline', () => {
  const m = failureMessage(new LogitLabError('bad', { location: { file: 'f', line: 2, column: 3 }, jsonPath: ['data', 'kind'] }));
  assert.deepEqual(m, { message: 'f:2:3: bad (at data.kind)', internal: false, location: { file: 'f', line: 2, column: 3, path: 'data.kind' } });
  assert.equal(failureMessage(new Error('boom')).internal, true);
  assert.equal(failureMessage(null).internal, true);
});

test('an extension command that throws becomes one notification and a logged stack, never a rejection', async () => {
  const shown: [string, string][] = [];
  const logged: string[] = [];
  const report = { notify: (kind: 'user' | 'internal', text: string) => shown.push([kind, text]), log: (text: string) => logged.push(text) };
  const failing = guardCommand('logitLab.train', async () => { throw new TypeError('oops'); }, report);
  assert.equal(await failing(), undefined);
  assert.deepEqual(shown.map(([k]) => k), ['internal']);
  assert.match(shown[0][1], /^logitLab\.train: internal error: TypeError: oops — this is a bug/);
  assert.match(logged[0], /\n\s+at /, 'the stack goes to the log');
  const user = guardCommand('logitLab.train', () => { throw new LogitLabError('no data', { hint: 'add data' }); }, report);
  await user();
  assert.deepEqual(shown[1], ['user', 'logitLab.train: no data — hint: add data']);
  assert.equal(await guardCommand('ok', (a: number) => a * 2, report)(21), 42);
});

test('UTF-16 is detected with or without a byte-order mark; UTF-8 and binary files are not UTF-16', () => {
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"name":"x"}', 'utf16le')]).toString('utf8');
  const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('{"name":"x"}', 'utf16le').swap16()]).toString('utf8');
  const bare = Buffer.from('{"name":"x","data":{}}', 'utf16le').toString('utf8');
  for (const t of [le, be, bare]) assert.equal(foreignEncoding(t), 'UTF-16');
  for (const t of ['{"name":"x"}', 'héllo wörld ✓', '', '\0\0\0\0\u0001\u0002\0x\0\0\0\0\0\0\u0003']) assert.equal(foreignEncoding(t), undefined, JSON.stringify(t));
});

test('nesting depth is measured outside strings and comments', () => {
  assert.equal(tooDeepAt('{"a":[[1]]}', 3), -1);
  assert.equal(tooDeepAt('{"a":[[[1]]]}', 3), 7);
  assert.equal(tooDeepAt(`{"a":"${'['.repeat(100)}"}`, 3), -1, 'brackets in a string do not count');
  assert.equal(tooDeepAt(`{"a":"\\"${'['.repeat(100)}"}`, 3), -1, 'an escaped quote does not end the string');
  assert.equal(tooDeepAt(`{// ${'['.repeat(100)}\n}`, 3), -1, 'line comments do not count');
  assert.equal(tooDeepAt(`{/* ${'{'.repeat(100)} */}`, 3), -1, 'block comments do not count');
  assert.equal(tooDeepAt('['.repeat(1_000_000), 64), 64, 'a million unclosed brackets: found at the 65th');
});

test('control characters become visible escapes; text, tabs and newlines stay', () => {
  assert.equal(sanitize('a\u001b]0;PWNED\u0007\u001b[2J'), 'a\\x1b]0;PWNED\\x07\\x1b[2J');
  assert.equal(sanitize('ok\tline\nnext ✓ é'), 'ok\tline\nnext ✓ é');
  assert.equal(sanitize('\u009b31m\u202eevil'), '\\x9b31m\\u202eevil');
  assert.equal(sanitizeLine('two\nlines\r\n'), 'two\\nlines\\x0d\\n');
});

test('the stratified split handles a million labels (no push(...slice) stack overflow) and keeps every index once', () => {
  const n = 1_000_000;
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const split = stratifiedSplit(y, 3, { validation: 0.2, test: 0.1 }, new Rng(1));
  assert.equal(split.train.length + split.val.length + split.test.length, n);
  const seen = new Uint8Array(n);
  for (const part of [split.train, split.val, split.test]) for (const i of part) seen[i]++;
  assert.ok(seen.every((c) => c === 1));
  assert.ok(Math.abs(split.val.length - 0.2 * n) <= 3);
});
