// Writes docs/rules/LLnnn.md and docs/rules/README.md from the rule files in src/core/lint/rules/
// (each rule carries its own "What it does / Why is this bad / Example / Use instead" text).
// Run: npx tsx scripts/gen-rule-docs.ts. A unit test fails when the committed pages and this output differ.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES, renderAllDocs } from '../src/core/lint';

const dir = join(__dirname, '..', 'docs', 'rules');
const files = renderAllDocs(ALL_RULES);
// A page whose rule is gone would otherwise linger.
for (const name of readdirSync(dir)) if (name.endsWith('.md') && !(name in files)) rmSync(join(dir, name));
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
console.log(`wrote ${Object.keys(files).length} files to ${dir}`);
