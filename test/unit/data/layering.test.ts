// The data layer owns every dataset's schema and the experiment schema is built from its registry,
// so experiment/ imports data/ and data/ must never import experiment/ (not even for a type: that
// was the import cycle a new dataset used to need). Checked on the source text, madge-style.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DATASETS } from '../../../src/core/data';
import { DataSpec } from '../../../src/core/experiment/schema';
import { discriminatorValues } from '../../../src/core/experiment/introspect';

const CORE = path.resolve(__dirname, '../../../src/core');
const DATA = path.join(CORE, 'data');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

/** Every relative module a file imports or re-exports, resolved to a path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+['"](\.[^'"]+)['"]/g)]
    .map((m) => path.resolve(path.dirname(file), m[1]));
}

test('nothing under core/data imports core/experiment', () => {
  const files = sourceFiles(DATA);
  assert.ok(files.length > 20, `found ${files.length} data files`);
  const offending = files.flatMap((file) => importsOf(file)
    .filter((target) => target.startsWith(path.join(CORE, 'experiment')))
    .map((target) => `${path.relative(CORE, file)} → ${path.relative(CORE, target)}`));
  assert.deepEqual(offending, []);
});

test('the import scan sees experiment/ importing data/ (so it would see the reverse too)', () => {
  const schemaImports = importsOf(path.join(CORE, 'experiment', 'schema.ts'));
  assert.ok(schemaImports.some((target) => target.startsWith(DATA)), schemaImports.join(', '));
});

test('every file in data/datasets is one registry entry, and the schema union has exactly those kinds', () => {
  const files = readdirSync(path.join(DATA, 'datasets')).filter((name) => name.endsWith('.ts'));
  const kinds = Object.keys(DATASETS);
  assert.equal(kinds.length, files.length, `registry ${kinds.join(', ')} vs files ${files.join(', ')}`);
  assert.deepEqual(discriminatorValues(DataSpec).map(String).sort(), [...kinds].sort());
});
