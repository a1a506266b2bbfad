// Issue 13's reproducers, one row each, through the built CLI as a user runs it: every bad input
// ends in exit 2 with its location (file:line:col or the flag/file it came from), the field and a
// hint, never a stack trace; every good input gives its result. Interruptions: a signal records a
// cancelled run and exits 128+N.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRunDir } from '../../../src/core/run/store';

const root = resolve(__dirname, '../../..');
const cli = join(root, 'bin', 'logit-lab.js');
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

before(() => {
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

function run(args: string[], cwd: string, timeout = 120_000) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
  assert.notEqual(r.signal, 'SIGKILL', `logit-lab ${args.join(' ')} did not exit within ${timeout / 1000} s`);
  return r;
}

function workspace(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'logit-lab-hard-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const experiment = (fields: Record<string, unknown>) => JSON.stringify({ name: 'x', data: { kind: 'moons', samples: 100 }, training: { epochs: 2 }, ...fields });
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

function csv(header: string, rows: number, row: (i: number) => string): string {
  const lines = [header];
  for (let i = 0; i < rows; i++) lines.push(row(i));
  return lines.join('\n') + '\n';
}

interface Case {
  name: string;
  files: Record<string, string | Buffer>;
  args: string[];
  exit: number;
  /** What stderr must say: the location and the message. */
  says: RegExp;
  /** Seconds it may take at most (limits are checked before any work). */
  within?: number;
  /** Makes what `files` cannot (a FIFO, a folder). */
  setup?: (ws: string) => void;
}

const mkfifo = (path: string) => assert.equal(spawnSync('mkfifo', [path]).status, 0, 'mkfifo');

const FILE = 'e.experiment.json';
const trainCases: Case[] = [
  { name: 'samples 1e9 refused up front', files: { [FILE]: experiment({ data: { kind: 'moons', samples: 1_000_000_000 } }) }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: expected an integer between 4 and 1000000, got 1000000000 \(at data\.samples\)\n {2}hint: the limit is 1,000,000 samples/, within: 10 },
  { name: '100k [ then 100k ] in description', files: { [FILE]: `{"name":"x","description":${'['.repeat(100_000)}${']'.repeat(100_000)},"data":{"kind":"moons"}}` }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: lists and objects are nested more than 64 deep here\n {2}hint:/ },
  { name: '20k nested objects', files: { [FILE]: `{"name":"x","description":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)},"data":{"kind":"moons"}}` }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: lists and objects are nested more than 64 deep/ },
  { name: '1M unclosed [', files: { [FILE]: `{"name":"x","description":${'['.repeat(1_000_000)}` }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: lists and objects are nested more than 64 deep/ },
  { name: 'an experiment file of 5 MB', files: { [FILE]: `{"name":"x","description":"${'a'.repeat(5 * 1024 * 1024)}","data":{"kind":"moons"}}` }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:1: the experiment file is 5\.0 MB, more than the limit/ },
  { name: 'UTF-16 experiment file: one error', files: { [FILE]: utf16(experiment({})) }, args: ['train', FILE], exit: 2, says: /^[^\n]*e\.experiment\.json:1:1: the experiment file is encoded as UTF-16, not UTF-8\n {2}hint: save it as UTF-8[^\n]*\n$/ },
  { name: 'noise 1e400', files: { [FILE]: '{"name":"x","data":{"kind":"moons","noise":1e400}}' }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:44: expected a number between 0 and 100, got a number too large to represent \(it overflows to Infinity\) \(at data\.noise\)\n {2}hint: / },
  { name: 'noise 1e308', files: { [FILE]: '{"name":"x","data":{"kind":"moons","noise":1e308}}' }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:44: expected a number between 0 and 100, got 1e\+308 \(at data\.noise\)\n {2}hint: the largest allowed value is 100/ },
  { name: 'tabular coefficient 1e308', files: { [FILE]: experiment({ data: { kind: 'tabular', samples: 100, rule: { linear: { x0: 1e308 } } } }) }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: .*\(at data\.rule\.linear\.x0\)\n {2}hint:/ },
  { name: 'window with one class', files: { [FILE]: experiment({ data: { kind: 'window', interval: [100, 200] } }) }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: every integer from -20 to 19 is outside the interval \(100, 200\): the data has only one class \(at data\.interval\)\n {2}hint:/ },
  { name: 'window range of 2e6 integers', files: { [FILE]: experiment({ data: { kind: 'window', from: -1_000_000, to: 1_000_000 } }) }, args: ['train', FILE], exit: 2, says: /\(at data\.to\)\n {2}hint: narrow the range/, within: 10 },
  { name: 'validation 0.5 + test 0.5', files: { [FILE]: experiment({ data: { kind: 'moons', validation: 0.5, test: 0.5 } }) }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: data\.validation 0\.5 \+ data\.test 0\.5 hold out 100% .* \(at data\.validation\)\n {2}hint:/ },
  { name: '100k variants: the run limit, fast', files: { [FILE]: experiment({ variants: Array.from({ length: 100_000 }, (_, i) => ({ name: `v${i % 50_000}` })) }) }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: this experiment expands to 100000 runs .*more than the limit of 1000/, within: 20 },
  { name: 'CSV column of 20k distinct IDs', files: { [FILE]: experiment({ data: { kind: 'csv', path: 'ids.csv', target: 'y' } }), 'ids.csv': csv('id,x,y', 20_000, (i) => `u${i},${i % 7},${i % 2}`) }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: ids\.csv: column "id" has 20000 distinct values.*\(at data\)\n {2}hint: .*add "id" to data\.drop/, within: 20 },
  { name: 'CSV thousands separators', files: { [FILE]: experiment({ data: { kind: 'csv', path: 'pop.csv', target: 'y' } }), 'pop.csv': csv('pop,y', 60, (i) => `"${91 + i},${905 + i}",${i % 2}`) }, args: ['train', FILE], exit: 2, says: /pop\.csv: column "pop" holds numbers with thousands separators \(e\.g\. "91,905"\).*\n {2}hint: remove the separators/ },
  { name: 'CSV column listed as numeric with no values', files: { [FILE]: experiment({ data: { kind: 'csv', path: 'e.csv', target: 'y', numeric: ['x', 'empty'] } }), 'e.csv': csv('x,empty,y', 40, (i) => `${i},,${i % 2}`) }, args: ['train', FILE], exit: 2, says: /column "empty" \(listed in data\.numeric\) has no values in any row \(at data\.numeric\[1\]\)\n {2}hint:/ },
  { name: 'UTF-16 CSV', files: { [FILE]: experiment({ data: { kind: 'csv', path: 'u.csv', target: 'y' } }), 'u.csv': utf16(csv('x,y', 20, (i) => `${i},${i % 2}`)) }, args: ['train', FILE], exit: 2, says: /u\.csv is encoded as UTF-16, not UTF-8 \(at data\.path\)\n {2}hint:/ },
  { name: 'a model of 33M parameters', files: { [FILE]: experiment({ model: { hidden: [4096, 4096, 4096] } }) }, args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: this model would have 33,579,009 parameters, more than the limit of 10,000,000 \(at model\.hidden\)\n {2}hint:/, within: 10 },
  { name: 'missing experiment file', files: {}, args: ['train', 'nope.experiment.json'], exit: 2, says: /nope\.experiment\.json: no such experiment file\n {2}hint:/ },
  { name: 'a FIFO named like an experiment file (must not hang)', files: {}, setup: (ws) => mkfifo(join(ws, FILE)), args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:1: this is a named pipe \(FIFO\), not an experiment file\n {2}hint:/, within: 20 },
  { name: 'a folder named like an experiment file', files: {}, setup: (ws) => mkdirSync(join(ws, FILE)), args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:1: this is a folder, not an experiment file\n {2}hint:/ },
  { name: 'a FIFO as the CSV file (must not hang)', files: { [FILE]: experiment({ data: { kind: 'csv', path: 'f.csv', target: 'y' } }) }, setup: (ws) => mkfifo(join(ws, 'f.csv')), args: ['train', FILE], exit: 2, says: /e\.experiment\.json:1:\d+: .*f\.csv.* (is not a file|not a regular file).*\(at data\.path\)\n {2}hint:/, within: 20 },
  { name: '--epochs 0', files: { [FILE]: experiment({}) }, args: ['train', FILE, '--epochs', '0'], exit: 2, says: /--epochs expects a whole number ≥ 1, got "0"/ },
];

for (const c of trainCases) {
  test(`train: ${c.name} → exit ${c.exit}, located, no stack`, () => {
    const ws = workspace(c.files);
    c.setup?.(ws);
    const started = Date.now();
    const r = run([...c.args, '-q', '--out', 'out', '--no-png'], ws);
    assert.equal(r.status, c.exit, r.stderr.slice(0, 2000));
    assert.match(r.stderr, c.says);
    assert.doesNotMatch(r.stderr, STACK_LINE);
    if (c.within) assert.ok(Date.now() - started < c.within * 1000, `took ${Date.now() - started} ms`);
    if (c.exit === 2) assert.ok(!existsSync(join(ws, 'out')), 'refused before any run folder was made');
  });
}

test('train: moons of 400k samples trains (no stack overflow in the split)', { timeout: 300_000 }, () => {
  const ws = workspace({ [FILE]: experiment({ data: { kind: 'moons', samples: 400_000 }, training: { epochs: 1, batchSize: 'full' }, record: { every: 1, grid: 8 } }) });
  const r = run(['train', FILE, '--json', '-q', '--out', 'out', '--no-png'], ws, 280_000);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.failures.length, 0);
  assert.equal(doc.runs[0].epochs, 1);
});

test('train: warnings (batch larger than the training set, mse, dropped and ignored columns, an empty column) in stderr, the table and --json', () => {
  const ws = workspace({
    [FILE]: experiment({ loss: 'mse', training: { epochs: 2, batchSize: 5000 }, data: { kind: 'csv', path: 'd.csv', target: 'y', numeric: ['x'], categorical: [] } }),
    'd.csv': csv('x,empty,note,y', 80, (i) => `${i % 9 === 0 ? '' : i},,n${i % 3},${i % 2}`),
  });
  const json = run(['train', FILE, '--json', '--out', 'out', '--no-png'], ws);
  assert.equal(json.status, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  const messages: string[] = doc.warnings.map((w: { message: string }) => w.message);
  const expected = [/batch size 5000 is larger than the \d+ training samples/, /^mse treats class labels/, /dropped 9 of 80 rows with missing values/, /ignored columns not listed in data\.numeric \/ data\.categorical: note/, /ignored a column without any value: empty/];
  for (const pattern of expected) {
    assert.ok(messages.some((m) => pattern.test(m)), `${pattern} in ${JSON.stringify(messages)}`);
    assert.match(json.stderr, new RegExp(`e\\.experiment\\.json:1:\\d+: warning: ${pattern.source.replace(/^\^/, '')}`));
  }
  for (const w of doc.warnings) assert.equal(typeof w.location?.line, 'number', `located: ${w.message}`);
  const text = run(['train', FILE, '-q', '--out', 'out2', '--no-png'], ws);
  assert.equal(text.status, 0);
  for (const pattern of expected) assert.match(text.stdout, new RegExp(`! warning: ${pattern.source.replace(/^\^/, '')}`));
});

test('train: a run name with terminal escapes is shown escaped', () => {
  const ws = workspace({ [FILE]: experiment({ name: 'a\u001b]0;PWNED\u0007\u001b[2J', training: { epochs: 2 } }) });
  const r = run(['train', FILE, '--out', 'out', '--no-png'], ws);
  assert.equal(r.status, 0, r.stderr);
  for (const stream of [r.stdout, r.stderr]) {
    assert.ok(!stream.includes('\u001b') && !stream.includes('\u0007'), 'no raw escape reaches the terminal');
  }
  assert.match(r.stdout, /a\\x1b\]0;PWNED\\x07\\x1b\[2J/);
});

// ---- predict -----------------------------------------------------------------------------------
let predictWs = '';
let runDir = '';
function trainedRun(): { ws: string; runDir: string } {
  if (runDir) return { ws: predictWs, runDir };
  predictWs = workspace({
    [FILE]: experiment({ name: 'p', data: { kind: 'csv', path: 'd.csv', target: 'label' }, training: { epochs: 5 } }),
    'd.csv': csv('x,city,label', 120, (i) => `${(i % 10) / 10},${i % 3 === 0 ? 'Berlin' : 'Paris'},${(i % 10) >= 5 ? 1 : 0}`),
  });
  const r = run(['train', FILE, '-q', '--out', 'out', '--no-png'], predictWs);
  assert.equal(r.status, 0, r.stderr);
  runDir = join(predictWs, 'out', 'p');
  assert.ok(existsSync(join(runDir, 'model', 'model.json')));
  return { ws: predictWs, runDir };
}

const predictCases: { name: string; args: (ws: string) => string[]; files?: Record<string, string | Buffer>; exit: number; says: RegExp }[] = [
  { name: 'a boolean value', args: () => ['--input', '{"x":true,"city":"Berlin"}'], exit: 2, says: /--input row 1, column "x": expected a number or a string, got true\n {2}hint:/ },
  { name: 'a list value', args: () => ['--input', '{"x":[1],"city":"Berlin"}'], exit: 2, says: /column "x": expected a number or a string, got a list\n {2}hint:/ },
  { name: 'an object value', args: () => ['--input', '{"x":1,"city":{"a":1}}'], exit: 2, says: /column "city": expected a number or a string, got an object\n {2}hint:/ },
  { name: 'x 1e308', args: () => ['--input', '{"x":1e308,"city":"Berlin"}'], exit: 2, says: /row 1: column "x" holds 1e\+308, far outside anything the model was trained on\n {2}hint:/ },
  { name: 'an empty list', args: () => ['--input', '[]'], exit: 2, says: /--input is an empty list: nothing to predict\n {2}hint:/ },
  { name: 'a list of a number', args: () => ['--input', '[1]'], exit: 2, says: /--input\[0\] must be a JSON object \(one row\), got number\n {2}hint:/ },
  { name: 'not JSON', args: () => ['--input', '{x:1'], exit: 2, says: /--input is not valid JSON: .*\n {2}hint:/ },
  { name: 'a missing column', args: () => ['--input', '{"x":1}'], exit: 2, says: /row 1 has no column "city"\n {2}hint:/ },
  { name: 'an empty CSV', files: { 'empty.csv': '' }, args: (ws) => ['--csv', join(ws, 'empty.csv')], exit: 2, says: /empty\.csv has no data rows: nothing to predict\n {2}hint:/ },
  { name: 'a header-only CSV', files: { 'header.csv': 'x,city\n' }, args: (ws) => ['--csv', join(ws, 'header.csv')], exit: 2, says: /header\.csv has no data rows: nothing to predict/ },
  { name: 'a missing CSV', args: (ws) => ['--csv', join(ws, 'nope.csv')], exit: 2, says: /nope\.csv: no such CSV file\n {2}hint:/ },
  { name: 'a CSV with a BOM', files: { 'bom.csv': '\uFEFFx,city\n0.9,Berlin\n0.1,Paris\n' }, args: (ws) => ['--csv', join(ws, 'bom.csv'), '--json'], exit: 0, says: /^$/ },
  { name: 'null is a missing value the model cannot impute', args: () => ['--input', '{"x":null,"city":"Berlin"}'], exit: 2, says: /missing value in column "x"\n {2}hint:/ },
];

for (const c of predictCases) {
  test(`predict: ${c.name} → exit ${c.exit}`, () => {
    const { ws, runDir } = trainedRun();
    for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(ws, name), text);
    const r = run(['predict', runDir, ...c.args(ws)], ws);
    assert.equal(r.status, c.exit, r.stderr);
    assert.match(r.stderr, c.says);
    assert.doesNotMatch(r.stderr, STACK_LINE);
    if (c.exit === 0) {
      const probs = JSON.parse(r.stdout) as Record<string, number>[];
      assert.equal(probs.length, 2);
      for (const p of probs) assert.ok(Math.abs(p['0'] + p['1'] - 1) < 1e-5);
    }
  });
}

// ---- signals -----------------------------------------------------------------------------------
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`train: ${signal} stops the run, records it as cancelled and exits ${code}`, { timeout: 120_000 }, async () => {
    const ws = workspace({ [FILE]: experiment({ name: 'long', data: { kind: 'moons', samples: 200 }, training: { epochs: 1_000_000 }, record: { every: 100_000, grid: 8 } }) });
    const child = spawn(process.execPath, [cli, 'train', FILE, '--out', 'out', '--no-png', '--json'], { cwd: ws, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (status) => done(status)));
    await new Promise<void>((started) => child.stderr.on('data', (d) => {
      stderr += d;
      if (/epoch \d+\/1000000/.test(stderr)) started();
    }));
    child.kill(signal);
    const status = await exited;
    assert.equal(status, code, stderr);
    assert.doesNotMatch(stderr, STACK_LINE);
    const doc = JSON.parse(stdout);
    assert.equal(doc.cancelled, true);
    assert.equal(doc.signal, signal);
    const record = readRunDir(join(ws, 'out', 'long'))!;
    assert.equal(record.status, 'cancelled');
    assert.ok(record.history.length > 0, 'the epochs trained before the signal are kept');
    assert.equal(record.history.length, doc.runs[0].epochs);
    assert.ok(existsSync(join(ws, 'out', 'long', 'model', 'model.json')), 'the cancelled run keeps the model it had');
  });
}

// ---- the error boundary ------------------------------------------------------------------------
test('an internal error is one line with where to report (exit 3); --verbose adds the stack', () => {
  // A saved preprocessing whose feature list is null: not something a user writes, so not exit 2 —
  // it stands in for any unexpected failure (a bug) inside a command.
  const { runDir } = trainedRun();
  const ws = workspace();
  cpSync(runDir, join(ws, 'run'), { recursive: true });
  const file = join(ws, 'run', 'model', 'preprocessing.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), features: null }));
  const input = ['--input', '{"x":1,"city":"Berlin"}'];
  const r = run(['predict', 'run', ...input], ws);
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /^internal error: TypeError: .*\n {2}this is a bug in Logit Lab: please report it/);
  assert.equal(r.stderr.trim().split('\n').length, 2, 'one line and where to report');
  assert.doesNotMatch(r.stderr, STACK_LINE);
  const verbose = run(['predict', 'run', ...input, '--verbose'], ws);
  assert.equal(verbose.status, 3);
  assert.match(verbose.stderr, STACK_LINE);
});

test('an --out below a file is an OS error a user can fix: exit 2, one message and a hint', () => {
  const ws = workspace({ [FILE]: experiment({}), afile: 'x' });
  const r = run(['train', FILE, '-q', '--out', 'afile/out'], ws);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /afile\/out: not a directory.*\n {2}hint: a part of the path is a file, not a folder/);
  assert.doesNotMatch(r.stderr, STACK_LINE);
});

test('run folders of refused experiments are never made; a refused run leaves nothing behind', () => {
  const ws = workspace({ [FILE]: experiment({ data: { kind: 'moons', samples: 2 } }) });
  const r = run(['train', FILE, '-q'], ws);
  assert.equal(r.status, 2);
  assert.ok(!existsSync(join(ws, '.logit-lab')) || readdirSync(join(ws, '.logit-lab')).length === 0);
});
