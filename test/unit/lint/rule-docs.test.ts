// docs/rules/ is generated from the rule files: the committed pages must be exactly what
// scripts/gen-rule-docs.ts writes, so a rule's text is edited in one place (its own file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES, renderAllDocs } from '../../../src/core/lint';

const dir = join(__dirname, '..', '..', '..', 'docs', 'rules');

test('docs/rules/ matches what scripts/gen-rule-docs.ts generates (run `npx tsx scripts/gen-rule-docs.ts` after changing a rule)', () => {
  const generated = renderAllDocs(ALL_RULES);
  const committed = readdirSync(dir).filter((name) => name.endsWith('.md')).sort();
  assert.deepEqual(committed, Object.keys(generated).sort(), 'a page is missing, or a page has no rule');
  for (const [name, text] of Object.entries(generated)) assert.equal(readFileSync(join(dir, name), 'utf8'), text, `docs/rules/${name} drifted from its rule file`);
});

test('every rule file carries its documentation in the Ruff form, sections in order', () => {
  const sections = ['## What it does', '## Why is this bad', '## Example', '## Use instead'];
  for (const rule of ALL_RULES) {
    const at = sections.map((s) => rule.docs.indexOf(`${s}\n`));
    assert.ok(at.every((i) => i >= 0), `${rule.code} lacks a section: ${sections.filter((_, i) => at[i] < 0).join(', ')}`);
    assert.deepEqual([...at].sort((a, b) => a - b), at, `${rule.code}: sections out of order`);
    for (const [i, start] of at.entries()) {
      const body = rule.docs.slice(start + sections[i].length, at[i + 1] ?? rule.docs.length).trim();
      assert.ok(body.length > 0, `${rule.code} ${sections[i]} is empty`);
    }
    assert.match(rule.docs, /## Example\n[^]*```python\n[^]*## Use instead\n[^]*```python\n/, `${rule.code}: Example and Use instead need python code`);
  }
});
