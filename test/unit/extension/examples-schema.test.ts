// Examples are copied into users' workspaces: a relative "$schema" would point nowhere there ("Unable
// to load schema"). The extension maps *.experiment.json to the schema through jsonValidation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';

const ROOT = join(__dirname, '..', '..', '..');

describe('examples', () => {
  it('carry no $schema; package.json maps *.experiment.json to the shipped schema', () => {
    const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.experiment.json'));
    assert.ok(files.length >= 10);
    for (const f of files) assert.equal(parse(readFileSync(join(ROOT, 'examples', f), 'utf8')).$schema, undefined, f);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: '*.experiment.json', url: './schema/experiment.schema.json' }]);
  });
});
