// Messages from the webview are input to the extension host: every well-formed message the panel
// sends passes unchanged, every malformed or hostile one is refused with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../../src/extension/webviewMessages';

const ok: unknown[] = [
  { type: 'ready' },
  { type: 'liveAck', seq: 35 },
  { type: 'explore', path: 'optimizer.lr', value: 0.01 },
  { type: 'explore', path: 'model.hidden', value: [16, 16] },
  { type: 'explore', path: 'model.activation', value: 'tanh' },
  { type: 'explore', path: 'data.noise', value: 0.2 },
  { type: 'predict', requestId: 3, modelDir: '/ws/.logit-lab/runs/x/run/model', input: { age: 60, thal: 'fixed' } },
  { type: 'export', format: 'png', name: 'moons-boundary.png', data: 'data:image/png;base64,AAAA' },
  { type: 'export', format: 'csv', name: 'moons-history.csv', data: 'epoch,loss\n1,0.6\n' },
  { type: 'openRun', runDir: '/ws/.logit-lab/runs/x/run' },
];

const refused: [string, unknown][] = [
  ['null', null],
  ['a string', 'ready'],
  ['a list', [{ type: 'ready' }]],
  ['no type', { path: 'seed' }],
  ['unknown type', { type: 'eval', code: 'process.exit()' }],
  ['liveAck without a sequence number', { type: 'liveAck', seq: 'soon' }],
  ['liveAck of a fractional sequence number', { type: 'liveAck', seq: 1.5 }],
  ['explore of the name', { type: 'explore', path: 'name', value: 'x' }],
  ['explore of an unknown path', { type: 'explore', path: '__proto__.polluted', value: 1 }],
  ['explore of a data path outside the schema', { type: 'explore', path: 'data.path.x', value: '../../etc/passwd' }],
  ['explore without a value that JSON can hold', { type: 'explore', path: 'seed', value: Infinity }],
  ['explore with a huge value', { type: 'explore', path: 'model.hidden', value: Array.from({ length: 5000 }, () => 16) }],
  ['explore with a nested-too-deep value', { type: 'explore', path: 'model.hidden', value: JSON.parse('['.repeat(20) + ']'.repeat(20)) }],
  ['predict with a fractional id', { type: 'predict', requestId: 1.5, modelDir: '/m', input: {} }],
  ['predict with a relative model dir', { type: 'predict', requestId: 1, modelDir: '../m', input: {} }],
  ['predict with a NUL in the dir', { type: 'predict', requestId: 1, modelDir: '/m\0x', input: {} }],
  ['predict with a boolean cell', { type: 'predict', requestId: 1, modelDir: '/m', input: { x: true } }],
  ['predict with an object cell', { type: 'predict', requestId: 1, modelDir: '/m', input: { x: { y: 1 } } }],
  ['predict with a list input', { type: 'predict', requestId: 1, modelDir: '/m', input: [1, 2] }],
  ['export with a path in the name', { type: 'export', format: 'png', name: '../../.bashrc', data: 'x' }],
  ['export with an absolute name', { type: 'export', format: 'json', name: '/etc/passwd', data: 'x' }],
  ['export of an unknown format', { type: 'export', format: 'sh', name: 'x.sh', data: 'x' }],
  ['export without data', { type: 'export', format: 'csv', name: 'x.csv' }],
  ['openRun with a relative dir', { type: 'openRun', runDir: 'runs/x' }],
  ['openRun with a number', { type: 'openRun', runDir: 42 }],
];

test('every message the panel sends passes unchanged', () => {
  for (const msg of ok) {
    const r = parseWebviewMessage(msg);
    assert.ok(r.ok, `refused ${JSON.stringify(msg)}: ${r.ok ? '' : r.reason}`);
    assert.deepEqual(r.msg, msg);
  }
});

test('malformed and hostile messages are refused with a reason', () => {
  for (const [what, msg] of refused) {
    const r = parseWebviewMessage(msg);
    assert.equal(r.ok, false, `accepted ${what}`);
    assert.ok(!r.ok && r.reason.length > 0, what);
  }
});

test('a parsed message carries only the known fields', () => {
  const r = parseWebviewMessage({ type: 'openRun', runDir: '/ws/run', extra: 'ignored' });
  assert.ok(r.ok);
  assert.deepEqual(Object.keys(r.msg), ['type', 'runDir']);
});
