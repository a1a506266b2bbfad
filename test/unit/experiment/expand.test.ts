import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { ExperimentError, expandRuns, MAX_RUNS, parseExperiment, RunSpec, slugify, tryExpandRuns, type ExpandedRun } from '../../../src/core/experiment';
import { assertAt, errorAt, EXAMPLE } from './fixtures';

const FILE = 'study.experiment.json';

function expandText(text: string) {
  const parsed = parseExperiment(text, FILE);
  assert.deepEqual(parsed.errors.map((e) => e.format()), []);
  return tryExpandRuns(parsed.value!, { source: parsed.source, raw: parsed.raw });
}

function runs(text: string): ExpandedRun[] {
  const { runs, errors } = expandText(text);
  assert.deepEqual(errors.map((e) => e.format()), []);
  return runs;
}

const byName = (list: ExpandedRun[], name: string) => {
  const run = list.find((r) => r.name === name);
  assert.ok(run, `no run named ${name}; have ${list.map((r) => r.name).join(', ')}`);
  return run;
};

describe('expandRuns', () => {
  it('a plain experiment is one run named after it', () => {
    const list = runs('{ "name": "moons-mlp", "data": { "kind": "moons" } }');
    assert.equal(list.length, 1);
    assert.equal(list[0].name, 'moons-mlp');
    assert.equal(list[0].id, 'moons-mlp');
    assert.equal(list[0].group, 'moons-mlp');
    assert.equal(list[0].kind, 'model');
    assert.deepEqual(list[0].overrides, {});
    assert.equal(list[0].spec.name, 'moons-mlp');
  });

  it('the documented example: 2 variants × 3 lr × 3 seeds + one baseline per seed', () => {
    const list = runs(EXAMPLE);
    const models = list.filter((r) => r.kind === 'model');
    const baselines = list.filter((r) => r.kind === 'baseline');
    assert.equal(models.length, 2 * 3 * 3);
    assert.equal(baselines.length, 3, 'data is the same everywhere, so one per seed');
    assert.equal(new Set(list.map((r) => r.id)).size, list.length, 'ids are unique');
    for (const r of list) assert.match(r.id, /^[A-Za-z0-9._-]+$/);

    const good = byName(list, 'moons-mlp/good lr=0.001 seed=2');
    // Objects merge, arrays replace, the sweep applies on top of the variant.
    assert.deepEqual(good.spec.model, { hidden: [16, 16], activation: 'relu', dropout: 0.2, init: 'he' });
    assert.equal(good.spec.optimizer.weightDecay, 1e-4);
    assert.equal(good.spec.optimizer.kind, 'adam');
    assert.equal(good.spec.optimizer.lr, 0.001);
    assert.equal(good.spec.seed, 2);
    assert.equal(good.group, 'moons-mlp/good lr=0.001');
    assert.deepEqual(good.overrides, { 'model.hidden': [16, 16], 'model.dropout': 0.2, 'optimizer.weightDecay': 1e-4, 'optimizer.lr': 0.001, seed: 2 });

    const tiny = byName(list, 'moons-mlp/tiny lr=0.1 seed=0');
    assert.deepEqual(tiny.spec.model.hidden, [2]);
    assert.equal(tiny.spec.model.activation, 'tanh');
    assert.equal(tiny.spec.model.dropout, 0);
    assert.equal(tiny.spec.optimizer.weightDecay, 0, 'the other variant does not leak');
    assert.equal(tiny.spec.training.earlyStopping?.patience, 50);

    // Seeds share a group, so success rates aggregate over them.
    const groups = new Map<string, number>();
    for (const r of models) groups.set(r.group, (groups.get(r.group) ?? 0) + 1);
    assert.equal(groups.size, 6);
    for (const n of groups.values()) assert.equal(n, 3);

    const base0 = byName(list, 'moons-mlp seed=0 (logistic)');
    assert.equal(base0.kind, 'baseline');
    assert.deepEqual(base0.spec.model.hidden, []);
    assert.equal(base0.spec.optimizer.lr, 0.01, 'the baseline trains like the base experiment');
    assert.equal(base0.spec.loss, 'bce-with-logits');
    assert.equal(base0.spec.training.epochs, 500);
    assert.equal(base0.group, 'moons-mlp (logistic)');
    assert.equal(base0.id, 'moons-mlp_seed-0_logistic');
    // Every expanded spec is a valid RunSpec.
    for (const r of list) assert.ok(RunSpec.safeParse(r.spec).success, r.name);
  });

  it('names runs capstone/tiny and capstone/good seed=3', () => {
    const list = runs(`{ "name": "capstone", "data": { "kind": "spiral" },
      "variants": [ { "name": "tiny", "model": { "hidden": [2] } }, { "name": "good" } ],
      "sweep": { "seed": [3] } }`);
    assert.deepEqual(list.map((r) => r.name), ['capstone/tiny seed=3', 'capstone/good seed=3']);
    assert.deepEqual(list.map((r) => r.id), ['capstone.tiny_seed-3', 'capstone.good_seed-3']);
    assert.deepEqual(runs('{ "name": "capstone", "data": { "kind": "spiral" }, "variants": [ { "name": "tiny" } ] }').map((r) => r.name), ['capstone/tiny']);
  });

  it('one baseline per distinct data, named by what it depends on', () => {
    const list = runs(`{ "name": "noise", "data": { "kind": "moons" }, "baseline": "logistic",
      "sweep": { "data.noise": [0.1, 0.3], "model.hidden": [[4], [8, 8]] } }`);
    assert.deepEqual(list.filter((r) => r.kind === 'baseline').map((r) => r.name), ['noise noise=0.1 (logistic)', 'noise noise=0.3 (logistic)']);
    assert.deepEqual(byName(list, 'noise noise=0.3 hidden=[8,8]').spec.data, { kind: 'moons', samples: 300, noise: 0.3, seed: 0, validation: 0.2, test: 0 });
    assert.equal(byName(list, 'noise noise=0.3 hidden=[8,8]').id, 'noise_noise-0.3_hidden-8-8');
  });

  it('labels sweep values by their full path when last segments collide', () => {
    const list = runs('{ "name": "s", "data": { "kind": "moons" }, "sweep": { "data.seed": [1], "seed": [2] } }');
    assert.equal(list[0].name, 's data.seed=1 seed=2');
    assert.equal(list[0].group, 's data.seed=1');
    assert.equal(list[0].spec.data.seed, 1);
  });

  it('changing data.kind in a variant drops the old kind\'s fields and takes the new defaults', () => {
    const list = runs(`{ "data": { "kind": "moons", "noise": 0.3, "validation": 0.1 },
      "variants": [ { "name": "blobs", "data": { "kind": "blobs", "classes": 4 } } ] }`);
    assert.deepEqual(list[0].spec.data, { kind: 'blobs', samples: 300, classes: 4, features: 2, std: 1, centerBox: [-10, 10], seed: 0, validation: 0.1, test: 0 });
  });

  it('blames a bad sweep value on that value', () => {
    const text = '{\n  "data": { "kind": "moons" },\n  "sweep": { "optimizer.lr": [0.1, -1] }\n}';
    const { errors, runs } = expandText(text);
    assert.equal(runs.length, 0);
    const e = errorAt(errors, ['sweep', 'optimizer.lr', 1]);
    assert.equal(e.message, 'expected a number > 0, got -1');
    assertAt(e, text, '-1');
  });

  it('blames a bad variant field on that field, once for all sweep values', () => {
    const text = '{ "data": { "kind": "moons" },\n  "sweep": { "seed": [0, 1, 2] },\n  "variants": [ { "name": "a" }, { "name": "b", "model": { "hiden": [2], "activation": "tan" } } ] }';
    const { errors } = expandText(text);
    assert.equal(errors.length, 2);
    const key = errorAt(errors, ['variants', 1, 'model', 'hiden']);
    assert.equal(key.hint, 'did you mean `hidden`?');
    assertAt(key, text, '"hiden"');
    const act = errorAt(errors, ['variants', 1, 'model', 'activation']);
    assert.match(act.hint ?? '', /did you mean `tanh`\?/);
    assertAt(act, text, '"tan"');
  });

  it('an unknown top-level field of a variant gets a did-you-mean', () => {
    const text = '{ "data": { "kind": "moons" }, "variants": [ { "name": "a", "modle": { "hidden": [2] } } ] }';
    const e = errorAt(expandText(text).errors, ['variants', 0, 'modle']);
    assert.equal(e.hint, 'did you mean `model`?');
    assertAt(e, text, '"modle"');
  });

  it('blames a field the new data kind lacks on the sweep value that switched kinds', () => {
    const text = '{ "data": { "kind": "moons" }, "sweep": { "data.kind": ["circles", "csv"] } }';
    const errors = expandText(text).errors;
    assert.deepEqual(errors.map((e) => e.message), ['`data` needs `path`: a non-empty string', '`data` needs `target`: a non-empty string']);
    for (const e of errors) {
      assert.deepEqual(e.details.jsonPath, ['sweep', 'data.kind', 1]);
      assertAt(e, text, '"csv"');
    }
  });

  it('rejects a sweep path that is not a run field, with a did-you-mean', () => {
    const text = '{ "data": { "kind": "moons" },\n  "sweep": { "optimizer.lrr": [0.1] } }';
    const e = errorAt(expandText(text).errors, ['sweep', 'optimizer.lrr']);
    assert.equal(e.message, '`optimizer.lrr` is not a field of a run');
    assert.equal(e.hint, 'did you mean `optimizer.lr`?');
    assertAt(e, text, '"optimizer.lrr"');
  });

  it('rejects duplicate variant names', () => {
    const text = '{ "data": { "kind": "moons" }, "variants": [ { "name": "a" }, { "name": "a" } ] }';
    const e = errorAt(expandText(text).errors, ['variants', 1, 'name']);
    assertAt(e, text, '"a"', 1);
  });

  it('guards against an exploding grid, with the count', () => {
    const values = JSON.stringify(Array.from({ length: 40 }, (_, i) => i));
    const text = `{ "data": { "kind": "moons" }, "variants": [ { "name": "a" }, { "name": "b" } ],\n  "sweep": { "seed": ${values}, "data.seed": ${values} } }`;
    const e = errorAt(expandText(text).errors, ['sweep']);
    assert.match(e.message, new RegExp(`expands to 3200 runs \\(2 variants × 40 seed × 40 data.seed\\), more than the limit of ${MAX_RUNS}`));
    assertAt(e, text, '"sweep"');
  });

  it('expandRuns throws an ExperimentError carrying the diagnostics', () => {
    const parsed = parseExperiment('{ "data": { "kind": "moons" }, "sweep": { "optimizer.lr": [0] } }', FILE);
    assert.throws(() => expandRuns(parsed.value!, { source: parsed.source, raw: parsed.raw }), (err: unknown) => {
      assert.ok(err instanceof ExperimentError);
      assert.equal(err.diagnostics.length, 1);
      const col = '{ "data": { "kind": "moons" }, "sweep": { "optimizer.lr": ['.length + 1;
      assert.equal(err.message, `study.experiment.json:1:${col}: expected a number > 0, got 0 (at sweep.optimizer.lr[0])\n  hint: write a value above 0`);
      return true;
    });
  });

  it('works on a parsed value alone (no source), without locations', () => {
    const parsed = parseExperiment('{ "data": { "kind": "moons" }, "sweep": { "seed": [0, 1] } }', FILE);
    const list = expandRuns(parsed.value!);
    assert.deepEqual(list.map((r) => r.name), ['experiment seed=0', 'experiment seed=1']);
  });

  it('slugify keeps ids directory-safe', () => {
    assert.equal(slugify('capstone/good seed=3'), 'capstone.good_seed-3');
    assert.equal(slugify('a:b*c?'), 'a-b-c');
    assert.equal(slugify('../..'), 'run');
  });
});
