// Seeded, time-bounded fuzzing of experiment files and notebooks: mutated texts (random edits,
// hostile values at random places) go through the checker (and data preparation when they pass)
// and through the notebook linter. Every input must end in an error — a LogitLabError, located and
// with a hint when it is about the experiment file — or a result; anything else is a crash and fails the test.
// FUZZ_SEED and FUZZ_MS change the seed and the time budget (per part); the tally is printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '../../../src/core/rng';
import { LogitLabError } from '../../../src/core/errors';
import { diagnoseExperimentText, isErrorDiagnostic } from '../../../src/core/experiment';
import { prepare } from '../../../src/core/data';
import { initParser, lintNotebook } from '../../../src/core/lint';

const SEED = Number(process.env.FUZZ_SEED ?? 13);
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 12_000);
const root = resolve(__dirname, '../../..');

interface Tally { tried: number; errors: number; results: number; crashes: { input: string; error: string }[] }
const newTally = (): Tally => ({ tried: 0, errors: 0, results: 0, crashes: [] });

/** Hostile values a mutation writes somewhere in the document (as JSON text, some not valid JSON). */
const HOSTILE_TEXT = [
  'null', 'true', '[]', '{}', '""', '-1', '0', '1e400', '-1e400', '1e308', '1e-320', '9007199254740993', '1000000000', '0.5',
  '"\\u001b]0;PWNED\\u0007"', '"\\u0000"', `"${'x'.repeat(2000)}"`, '"../../etc/passwd"', '"/etc/passwd"', '"d.csv"',
  '{"kind":"csv","path":"d.csv","target":"y"}', '{"kind":"csv","path":"../../outside.csv","target":"y"}', '{"kind":"window","interval":[100,200]}',
  '['.repeat(80) + ']'.repeat(80), '{"a":'.repeat(70) + '1' + '}'.repeat(70), '['.repeat(100_000) + ']'.repeat(100_000), '{"a":'.repeat(20_000), '[1,2,3]', '{"cell_type":"code","source":42}', 'NaN', 'Infinity', '-', '"\\ud800"',
];
const NOISE_CHARS = '{}[]",:0123456789eE.-+ \n\t\u0000\uFEFF\u202eabc\\/*';

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(list.length)];
}

/** Character offsets of values in the text (numbers, strings, literals, containers), for replacing. */
function valueSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const re = /-?\d+(\.\d+)?([eE][-+]?\d+)?|"(?:[^"\\\n]|\\.)*"|true|false|null|\[\]|\{\}/g;
  for (let m = re.exec(text); m && spans.length < 2000; m = re.exec(text)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

function mutate(text: string, rng: Rng): string {
  const n = 1 + rng.int(3);
  let out = text;
  for (let i = 0; i < n; i++) {
    const at = rng.int(out.length + 1);
    switch (rng.int(6)) {
      case 0: { // insert noise
        let noise = '';
        for (let k = 1 + rng.int(4); k > 0; k--) noise += pick(rng, [...NOISE_CHARS]);
        out = out.slice(0, at) + noise + out.slice(at);
        break;
      }
      case 1: // delete a range
        out = out.slice(0, at) + out.slice(Math.min(out.length, at + 1 + rng.int(40)));
        break;
      case 2: { // duplicate a range
        const end = Math.min(out.length, at + 1 + rng.int(80));
        out = out.slice(0, end) + out.slice(at, end) + out.slice(end);
        break;
      }
      default: { // replace a value with a hostile one
        const spans = valueSpans(out);
        if (!spans.length) break;
        const [s, e] = pick(rng, spans);
        out = out.slice(0, s) + pick(rng, HOSTILE_TEXT) + out.slice(e);
      }
    }
  }
  return out;
}

function corpus(dir: string, suffix: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(suffix)) found.push(readFileSync(join(d, e.name), 'utf8'));
    }
  };
  walk(dir);
  return found;
}

/**
 * Mutates the seeds for the time budget; `judge` says how each input ended ('error' for a
 * LogitLabError, 'result' otherwise) and anything it throws is a crash.
 */
async function fuzz(seeds: string[], seed: number, judge: (text: string) => 'error' | 'result' | Promise<'error' | 'result'>): Promise<Tally> {
  const rng = new Rng(seed);
  const tally = newTally();
  const started = Date.now();
  while (Date.now() - started < BUDGET_MS) {
    const text = mutate(pick(rng, seeds), rng);
    tally.tried++;
    try {
      tally[(await judge(text)) === 'error' ? 'errors' : 'results']++;
    } catch (err) {
      tally.crashes.push({ input: text, error: (err as Error)?.stack ?? String(err) });
    }
  }
  return tally;
}

/** The tally is reported, reached both outcomes, and holds no crash. */
function expectNoCrash(t: { diagnostic(s: string): void }, what: string, tally: Tally): void {
  report(t, what, tally);
  assert.ok(tally.tried > 50, `only ${tally.tried} inputs in ${BUDGET_MS} ms`);
  assert.ok(tally.results > 0 && tally.errors > 0, 'the mutations reach both outcomes');
  assert.equal(tally.crashes.length, 0, tally.crashes.slice(0, 3).map((c) => c.error).join('\n\n'));
}

function report(t: { diagnostic(s: string): void }, what: string, tally: Tally): void {
  const line = `${what}: ${tally.tried} inputs tried, ${tally.errors} ended in an error, ${tally.results} in a result, ${tally.crashes.length} crashes (seed ${SEED})`;
  t.diagnostic(line);
  if (tally.crashes.length) {
    const dump = mkdtempSync(join(tmpdir(), 'logit-lab-fuzz-'));
    tally.crashes.slice(0, 20).forEach((c, i) => writeFileSync(join(dump, `crash-${i}.txt`), `${c.error}\n----\n${c.input}`));
    t.diagnostic(`crashing inputs saved in ${dump}`);
  }
}

test('fuzz: experiment files end in a located error or a result, never a crash', { timeout: BUDGET_MS * 4 + 60_000 }, async (t) => {
  const ws = mkdtempSync(join(tmpdir(), 'logit-lab-fuzz-ws-'));
  const rows = ['x,city,y'];
  for (let i = 0; i < 60; i++) rows.push(`${i % 10},${i % 3 ? 'a' : 'b'},${i % 2}`);
  writeFileSync(join(ws, 'd.csv'), rows.join('\n') + '\n');
  const seeds = [
    ...corpus(join(root, 'examples'), '.experiment.json'),
    JSON.stringify({ name: 'csv', data: { kind: 'csv', path: 'd.csv', target: 'y' }, training: { epochs: 3 } }, null, 2),
    JSON.stringify({ name: 'v', data: { kind: 'moons', samples: 50 }, variants: [{ name: 'a', model: { hidden: [2] } }, { name: 'b' }], sweep: { seed: [0, 1] } }, null, 2),
  ];
  const file = join(ws, 'fuzz.experiment.json');
  const tally = await fuzz(seeds, SEED, (text) => {
    const { runs, diagnostics } = diagnoseExperimentText(text, file, ws);
    const errors = diagnostics.filter(isErrorDiagnostic);
    for (const e of errors) {
      assert.ok(e instanceof LogitLabError, 'diagnostics are LogitLabErrors');
      assert.ok(e.details.location && e.details.location.line >= 1, `an unlocated error: ${e.format()}`);
      assert.ok(e.hint, `an error without a hint: ${e.format()}`);
    }
    if (errors.length) return 'error';
    // Checked clean: the data of the first run must prepare, or fail with a LogitLabError.
    const spec = runs[0]?.spec;
    const samples = spec && 'samples' in spec.data ? spec.data.samples : 0;
    if (spec && samples <= 20_000) {
      try {
        const data = prepare(spec.data, { baseDir: ws, workspaceRoot: ws, file }, spec.record.features);
        // A "result" of infinite inputs is a crash postponed to training: count it as one.
        if (!data.train.x.every(Number.isFinite)) throw new Error('prepared data holds non-finite features');
      } catch (err) {
        if (!(err instanceof LogitLabError)) throw err;
        return 'error';
      }
    }
    return 'result';
  });
  expectNoCrash(t, 'experiment files', tally);
});

test('fuzz: notebooks end in a LogitLabError or diagnostics, never a crash', { timeout: BUDGET_MS * 4 + 60_000 }, async (t) => {
  await initParser();
  const seeds = [
    ...corpus(join(root, 'test', 'fixtures'), '.ipynb'),
    JSON.stringify({ cells: [{ cell_type: 'code', source: ['import torch\n', 'loss = torch.nn.BCEWithLogitsLoss()(torch.sigmoid(x), y)\n'] }, { cell_type: 'markdown', source: '# hi' }], nbformat: 4 }),
  ];
  const tally = await fuzz(seeds, SEED + 1, async (text) => {
    try {
      assert.ok(Array.isArray(await lintNotebook(text, {}, 'fuzz.ipynb')));
      return 'result';
    } catch (err) {
      if (err instanceof LogitLabError) return 'error';
      throw err;
    }
  });
  expectNoCrash(t, 'notebooks', tally);
});

test('fuzz through the CLI: mutated experiments train or exit 2, never a stack trace or exit 3', { timeout: BUDGET_MS * 6 + 120_000 }, (t) => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const ws = mkdtempSync(join(tmpdir(), 'logit-lab-fuzz-cli-'));
  const seeds = corpus(join(root, 'examples'), '.experiment.json');
  const rng = new Rng(SEED + 2);
  const tally = newTally();
  const started = Date.now();
  while (Date.now() - started < BUDGET_MS && tally.tried < 40) {
    const text = mutate(pick(rng, seeds), rng);
    const file = join(ws, `f${tally.tried}.experiment.json`);
    writeFileSync(file, text);
    // Keep the trainings small: big datasets are the limits' business, tested on their own.
    const { runs } = diagnoseExperimentText(text, file, ws);
    if (runs.some((r) => 'samples' in r.spec.data && r.spec.data.samples > 5000) || runs.length > 20) continue;
    tally.tried++;
    const r = spawnSync(process.execPath, [join(root, 'bin', 'logit-lab.js'), 'train', file, '-q', '--epochs', '1', '--no-png', '--threads', '1', '--out', join(ws, `out${tally.tried}`)], { cwd: ws, encoding: 'utf8', timeout: 60_000 });
    const stack = /^\s+at .+:\d+:\d+\)?$/m.test(r.stderr);
    if (r.status === 2) tally.errors++;
    else if (r.status === 0 || r.status === 1) tally.results++;
    if (stack || r.status === null || r.status > 2) tally.crashes.push({ input: text, error: `exit ${r.status} ${r.signal ?? ''}\n${r.stderr}` });
  }
  report(t, 'experiment files through the CLI', tally);
  assert.ok(tally.tried >= 5, `only ${tally.tried} inputs`);
  assert.equal(tally.crashes.length, 0, tally.crashes.slice(0, 3).map((c) => c.error).join('\n\n'));
});

test('the mutations are reproducible from the seed', () => {
  const a = new Rng(SEED);
  const b = new Rng(SEED);
  const text = readFileSync(join(root, 'examples', 'moons.experiment.json'), 'utf8');
  for (let i = 0; i < 20; i++) assert.equal(mutate(text, a), mutate(text, b));
});
