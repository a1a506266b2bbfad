import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentError, loadExperiment, loadExperimentText } from '../../../src/core/experiment';
import { LogitLabError } from '../../../src/core/errors';
import { EXAMPLE } from './fixtures';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'logit-lab-load-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('loadExperiment', () => {
  it('loads, expands and checks the documented example from disk', () => {
    const file = write('moons.experiment.json', EXAMPLE);
    const { experiment, runs, diagnostics } = loadExperiment(file, root);
    assert.equal(experiment.name, 'moons-mlp');
    assert.equal(runs.length, 21);
    assert.deepEqual(diagnostics, []);
  });

  it('returns warnings without throwing', () => {
    const { runs, diagnostics } = loadExperimentText('{ "data": { "kind": "moons", "samples": 50 }, "training": { "batchSize": 64 } }', path.join(root, 'buffer.experiment.json'), root);
    assert.equal(runs.length, 1);
    assert.deepEqual(diagnostics.map((d) => d.details.severity), ['warning']);
  });

  it('throws one ExperimentError with every diagnostic, one per line', () => {
    const text = '{\n  "data": { "kind": "moons", "noise": -1 },\n  "model": { "hiden": [2] }\n}';
    const file = write('bad.experiment.json', text);
    assert.throws(() => loadExperiment(file, root), (err: unknown) => {
      assert.ok(err instanceof ExperimentError);
      assert.ok(err instanceof LogitLabError);
      assert.equal(err.diagnostics.length, 2);
      const noiseCol = text.split('\n')[1].indexOf('-1') + 1;
      const keyCol = text.split('\n')[2].indexOf('"hiden"') + 1;
      assert.equal(err.format(), [
        `${file}:2:${noiseCol}: expected a number between 0 and 100, got -1 (at data.noise)`,
        '  hint: the smallest allowed value is 0',
        `${file}:3:${keyCol}: unknown key \`hiden\` in \`model\` (at model.hiden)`,
        '  hint: did you mean `hidden`?',
      ].join('\n'));
      assert.equal(err.details.location?.line, 2, 'the error itself points at the first diagnostic');
      return true;
    });
  });

  it('semantic errors also throw, warnings riding along', () => {
    const text = '{ "data": { "kind": "iris" }, "training": { "batchSize": 1000 } }';
    assert.throws(() => loadExperimentText(text, path.join(root, 'x.experiment.json'), root), (err: unknown) => {
      assert.ok(err instanceof ExperimentError);
      assert.deepEqual(err.diagnostics.map((d) => [d.details.jsonPath?.join('.'), d.details.severity]), [['loss', 'error'], ['training.batchSize', 'warning']]);
      return true;
    });
  });

  it('a missing file is a LogitLabError, not a raw ENOENT', () => {
    assert.throws(() => loadExperiment(path.join(root, 'nope.experiment.json'), root), (err: unknown) => {
      assert.ok(err instanceof LogitLabError);
      assert.match(err.message, /cannot read experiment file .*nope\.experiment\.json: not found/);
      return true;
    });
  });

  it('tolerates a byte-order mark', () => {
    const file = write('bom.experiment.json', '\uFEFF{ "data": { "kind": "xor" } }');
    assert.equal(loadExperiment(file, root).runs.length, 1);
  });
});
