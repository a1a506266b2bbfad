import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSpec } from '../../../src/core/experiment/schema';
import { describeData, encodeRows, generate, prepare, type PreparedData } from '../../../src/core/data';
import { LogitLabError } from '../../../src/core/errors';

// The real file lives beside the clone (shared/ next to the repository), never copied into it.
const HEART = path.resolve(__dirname, '../../../../shared/data/heart.csv');
const heartCtx = { baseDir: path.dirname(HEART), workspaceRoot: path.dirname(HEART) };
const heartSpec = (extra: object = {}) => DataSpec.parse({ kind: 'csv', path: 'heart.csv', target: 'target', ...extra });

const heartLines = fs.readFileSync(HEART, 'utf8').trim().split('\n');
const heartHeader = heartLines[0].split(',');
const heartRows = heartLines.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [heartHeader[i], v])));

function column(table: PreparedData['train'], j: number): number[] {
  return Array.from({ length: table.n }, (_, i) => table.x[i * table.d + j]);
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / v.length);

function errorWith(check: (e: LogitLabError) => boolean) {
  return (e: unknown) => {
    if (!(e instanceof LogitLabError)) throw e;
    assert.ok(check(e), `unexpected error: ${e.format()}`);
    return true;
  };
}

test('heart.csv: 303 rows, numeric columns standardised, thal one-hot', () => {
  const prepared = prepare(heartSpec(), heartCtx);
  assert.equal(prepared.train.n + prepared.val.n, 303);
  assert.deepEqual(prepared.classNames, ['0', '1']);
  assert.equal(prepared.train.y.filter((y) => y === 1).length + prepared.val.y.filter((y) => y === 1).length, 83);
  const numeric = heartHeader.filter((c) => c !== 'thal' && c !== 'target');
  assert.deepEqual(prepared.featureNames.slice(0, numeric.length), numeric);
  assert.ok(prepared.featureNames.slice(numeric.length).every((name) => name.startsWith('thal=')));
  assert.equal(prepared.featureNames.at(-1), 'thal=<unknown>');
  const info = describeData(heartSpec(), heartCtx);
  assert.deepEqual([info.samples, info.features, info.classes], [303, prepared.featureNames.length, 2]);
  assert.deepEqual(info.columns, heartHeader);
});

test('heart.csv: thal categories come from the training split only; the rest is "unknown"', () => {
  for (const seed of [0, 1, 2, 3]) {
    const prepared = prepare(heartSpec({ seed }), heartCtx);
    const pre = prepared.preprocessing;
    const known = pre.features.flatMap((f) => (f.kind === 'one-hot' ? [f.category] : []));
    const unknownIndex = prepared.featureNames.indexOf('thal=<unknown>');
    for (const category of known) {
      const j = prepared.featureNames.indexOf(`thal=${category}`);
      assert.ok(column(prepared.train, j).some((v) => v === 1), `seed ${seed}: ${category} appears in training`);
    }
    assert.ok(column(prepared.train, unknownIndex).every((v) => v === 0));
    // Every validation row whose thal value training never saw is flagged, and only those.
    const unseen = heartRows.filter((row) => !known.includes(row.thal)).length;
    assert.equal(mean(column(prepared.val, unknownIndex)) * prepared.val.n, unseen, `seed ${seed}`);
    assert.ok(known.includes('normal') && known.includes('fixed') && known.includes('reversible'));
    // The file's two stray values are singletons: at most one of them can be in training.
    assert.ok(known.length <= 5);
  }
});

test('heart.csv: scaler statistics are the training split\'s (no leakage from validation)', () => {
  const prepared = prepare(heartSpec({ validation: 0.3, test: 0.1 }), heartCtx);
  let differsFromWholeFile = 0;
  prepared.preprocessing.features.forEach((f, j) => {
    if (f.kind !== 'numeric') return;
    const raw = column(prepared.train, j).map((v) => v * f.std + f.mean);
    assert.ok(Math.abs(mean(raw) - f.mean) < 1e-4 * Math.max(1, Math.abs(f.mean)), `${f.name} mean`);
    assert.ok(Math.abs(std(raw) - f.std) < 1e-4 * Math.max(1, f.std), `${f.name} std`);
    const wholeFile = mean(heartRows.map((row) => Number(row[f.column])));
    if (Math.abs(wholeFile - f.mean) > 1e-3 * Math.max(1, Math.abs(f.mean))) differsFromWholeFile++;
  });
  assert.ok(differsFromWholeFile >= 6, `${differsFromWholeFile} columns differ from the whole-file mean`);
});

test('encodeRows replays preprocessing; an unseen category sets the unknown indicator', () => {
  const prepared = prepare(heartSpec(), heartCtx);
  const pre = prepared.preprocessing;
  const names = prepared.featureNames;
  const row = { ...heartRows[0] };
  const [normal, weird] = [encodeRows(pre, [{ ...row, thal: 'normal' }]), encodeRows(pre, [{ ...row, thal: 'weird' }])];
  assert.equal(normal.length, names.length);
  assert.equal(normal[names.indexOf('thal=normal')], 1);
  assert.equal(normal[names.indexOf('thal=<unknown>')], 0);
  assert.equal(weird[names.indexOf('thal=<unknown>')], 1);
  assert.ok(names.filter((n) => n.startsWith('thal=') && n !== 'thal=<unknown>').every((n) => weird[names.indexOf(n)] === 0));
  const age = pre.features[0];
  assert.ok(age.kind === 'numeric');
  assert.ok(Math.abs(normal[0] - (63 - age.mean) / age.std) < 1e-6);
  // Numbers work as well as strings.
  assert.deepEqual(encodeRows(pre, [{ ...row, age: 63, thal: 'normal' }]), normal);
  const { age: _age, ...withoutAge } = row;
  assert.throws(() => encodeRows(pre, [withoutAge]), errorWith((e) => /"age"/.test(e.message)));
});

function workspace(): { root: string; outside: string; write: (rel: string, text: string) => string } {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'logit-lab-data-'));
  const root = path.join(top, 'ws');
  const outside = path.join(top, 'outside');
  fs.mkdirSync(path.join(root, 'exp'), { recursive: true });
  fs.mkdirSync(outside);
  const write = (rel: string, text: string) => {
    const file = path.join(top, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  return { root, outside, write };
}

// 20 rows; a is missing on rows 3 and 7 (file lines 4 and 8), b on row 5 (line 6).
function smallCsv(): string {
  const lines = ['a,b,c,label'];
  for (let i = 1; i <= 20; i++) {
    const a = i === 3 ? '' : i === 7 ? 'NA' : String(i);
    const b = i === 5 ? '?' : i % 3 === 0 ? 'x' : 'y';
    lines.push(`${a},${b},${(i * 0.5).toFixed(1)},${i % 2 === 0 ? 'yes' : 'no'}`);
  }
  return lines.join('\n') + '\n';
}

test('missing values: drop-rows drops and says how many', () => {
  const ws = workspace();
  ws.write('ws/exp/small.csv', smallCsv());
  const ctx = { baseDir: path.join(ws.root, 'exp'), workspaceRoot: ws.root };
  const prepared = prepare(DataSpec.parse({ kind: 'csv', path: 'small.csv', target: 'label', validation: 0 }), ctx);
  assert.equal(prepared.train.n, 17);
  assert.deepEqual(prepared.classNames, ['no', 'yes']);
  assert.ok(prepared.notes.some((n) => /dropped 3 of 20 rows/.test(n)), prepared.notes.join('; '));
});

test('missing values: impute with the training mean / mode', () => {
  const ws = workspace();
  ws.write('ws/exp/small.csv', smallCsv());
  const ctx = { baseDir: path.join(ws.root, 'exp'), workspaceRoot: ws.root };
  const prepared = prepare(DataSpec.parse({ kind: 'csv', path: 'small.csv', target: 'label', missing: 'impute', validation: 0 }), ctx);
  assert.equal(prepared.train.n, 20);
  const observedA = Array.from({ length: 20 }, (_, i) => i + 1).filter((i) => i !== 3 && i !== 7);
  const pre = prepared.preprocessing;
  assert.ok(Math.abs((pre.imputed?.a as number) - mean(observedA)) < 1e-12);
  assert.equal(pre.imputed?.b, 'y'); // 13 y vs 6 x among observed values
  const a = pre.features[0];
  assert.ok(a.kind === 'numeric');
  assert.ok(Math.abs(a.std - std([...observedA, mean(observedA), mean(observedA)])) < 1e-9, 'scaled after imputation');
  assert.ok(prepared.notes.some((n) => /imputed 3 missing values/.test(n)));
  // Replayed at predict time too.
  const encoded = encodeRows(pre, [{ a: '', b: 'NA', c: 1 }]);
  assert.equal(encoded[0], 0);
  assert.equal(encoded[prepared.featureNames.indexOf('b=y')], 1);
});

test('missing values: error names the file, its line and the column', () => {
  const ws = workspace();
  const file = ws.write('ws/exp/small.csv', smallCsv());
  const ctx = { baseDir: path.join(ws.root, 'exp'), workspaceRoot: ws.root };
  assert.throws(() => prepare(DataSpec.parse({ kind: 'csv', path: 'small.csv', target: 'label', missing: 'error' }), ctx),
    errorWith((e) => /small\.csv:4: missing value in column "a"/.test(e.message) && e.details.location?.line === 4 &&
      e.details.location.file === fs.realpathSync(file) && e.details.jsonPath?.join('.') === 'data.missing'));
});

test('a row without a label is dropped even when imputing; integer labels 0..k-1 are used as is', () => {
  const ws = workspace();
  ws.write('ws/exp/labels.csv', 'f,label\n1,2\n2,0\n3,\n4,1\n5,2\n6,0\n7,1\n');
  const ctx = { baseDir: path.join(ws.root, 'exp'), workspaceRoot: ws.root };
  const raw = generate(DataSpec.parse({ kind: 'csv', path: 'labels.csv', target: 'label', missing: 'impute' }), ctx);
  assert.deepEqual(Array.from(raw.y), [2, 0, 1, 2, 0, 1]);
  assert.deepEqual(raw.classNames, ['0', '1', '2']);
  assert.ok(raw.notes.some((n) => /dropped 1 rows without a value in the target/.test(n)));
  ws.write('ws/exp/gap.csv', 'f,label\n1,3\n2,1\n3,3\n4,1\n');
  const gap = generate(DataSpec.parse({ kind: 'csv', path: 'gap.csv', target: 'label' }), ctx);
  assert.deepEqual([gap.classNames, Array.from(gap.y)], [['1', '3'], [1, 0, 1, 0]]);
});

test('paths that leave the workspace are rejected: .., absolute, symlink out', () => {
  const ws = workspace();
  ws.write('outside/secret.csv', 'a,label\n1,0\n2,1\n');
  ws.write('ws/inside.csv', 'a,label\n1,0\n2,1\n3,0\n4,1\n');
  const ctx = { baseDir: path.join(ws.root, 'exp'), workspaceRoot: ws.root };
  const spec = (p: string) => DataSpec.parse({ kind: 'csv', path: p, target: 'label' });
  const atDataPath = errorWith((e) => e.details.jsonPath?.join('.') === 'data.path' && (e.hint ?? '').length > 0);
  assert.throws(() => prepare(spec('../../outside/secret.csv'), ctx), atDataPath);
  assert.throws(() => prepare(spec(path.join(ws.outside, 'secret.csv')), ctx), atDataPath);
  assert.throws(() => prepare(spec(path.join(ws.root, 'inside.csv')), ctx), atDataPath);
  fs.symlinkSync(path.join(ws.outside, 'secret.csv'), path.join(ws.root, 'exp', 'link.csv'));
  assert.throws(() => prepare(spec('link.csv'), ctx), errorWith((e) => /outside the workspace/.test(e.message)));
  fs.symlinkSync(ws.outside, path.join(ws.root, 'exp', 'dirlink'));
  assert.throws(() => prepare(spec('dirlink/secret.csv'), ctx), errorWith((e) => /outside the workspace/.test(e.message)));
  // Inside is fine, through .. and through a symlink that stays inside.
  assert.equal(generate(spec('../inside.csv'), ctx).n, 4);
  fs.symlinkSync(path.join(ws.root, 'inside.csv'), path.join(ws.root, 'exp', 'alias.csv'));
  assert.equal(generate(spec('alias.csv'), ctx).n, 4);
  assert.throws(() => prepare(spec('missing.csv'), ctx), errorWith((e) => /not found/.test(e.message)));
});

test('unknown column names get a did-you-mean hint and the list of columns', () => {
  const spec = (extra: object) => heartSpec(extra);
  assert.throws(() => prepare(spec({ target: 'targte' }), heartCtx), errorWith((e) =>
    e.details.jsonPath?.join('.') === 'data.target' && /did you mean "target"/.test(e.hint ?? '') && /thalach/.test(e.hint ?? '')));
  assert.throws(() => prepare(spec({ categorical: ['thal', 'chest'] }), heartCtx), errorWith((e) =>
    e.details.jsonPath?.join('.') === 'data.categorical.1' && /columns: age, sex/.test(e.hint ?? '')));
});

test('explicit column lists: categorical numbers, drop, and a numeric column holding text', () => {
  const prepared = prepare(heartSpec({ categorical: ['thal', 'cp'], drop: ['chol'] }), heartCtx);
  assert.ok(!prepared.featureNames.includes('chol'));
  assert.ok(prepared.featureNames.includes('cp=1') && prepared.featureNames.includes('cp=<unknown>'));
  const onlyTwo = prepare(heartSpec({ numeric: ['age', 'thalach'] }), heartCtx);
  assert.deepEqual(onlyTwo.featureNames.slice(0, 2), ['age', 'thalach']);
  assert.ok(onlyTwo.featureNames.slice(2).every((n) => n.startsWith('thal=')));
  assert.ok(onlyTwo.notes.some((n) => /ignored columns/.test(n) && /chol/.test(n)));
  assert.throws(() => prepare(heartSpec({ numeric: ['age', 'thal'] }), heartCtx), errorWith((e) =>
    e.details.jsonPath?.join('.') === 'data.numeric.1' && /heart\.csv:\d+: column "thal" is listed as numeric/.test(e.message)));
  assert.throws(() => prepare(heartSpec({ numeric: ['target'] }), heartCtx), LogitLabError);
});

test('slice over CSV features: numeric means and the most frequent thal category', () => {
  const prepared = prepare(heartSpec(), heartCtx, ['age', 'thalach']);
  assert.deepEqual(prepared.sliceFeatures, [0, 7]);
  const normal = prepared.featureNames.indexOf('thal=normal');
  const thal = prepared.featureNames.map((n, j) => (n.startsWith('thal=') ? j : -1)).filter((j) => j >= 0);
  assert.deepEqual(thal.map((j) => prepared.sliceBase[j]), thal.map((j) => (j === normal ? 1 : 0)));
  assert.ok(Math.abs(prepared.sliceBase[0]) < 1e-6, 'standardised training mean is 0');
  assert.throws(() => prepare(heartSpec(), heartCtx, ['age', 'thal']), errorWith((e) =>
    e.details.jsonPath?.join('.') === 'record.features.1' && /one-hot encoded into thal=/.test(e.hint ?? '')));
  assert.throws(() => prepare(heartSpec(), heartCtx, ['age', 'thalac']), errorWith((e) => /did you mean "thalach"/.test(e.hint ?? '')));
});
