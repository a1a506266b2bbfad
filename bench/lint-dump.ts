// `npx tsx bench/lint-dump.ts OUT [DIR…]`: every lint diagnostic, as JSON lines, of the rule fixtures
// (test/fixtures/lint), the local corpus cache (.cache/lint-corpus, when present) and any DIR given
// (e.g. the bench's inputs from `npx tsx bench/lint.ts --write-inputs DIR`): each file alone
// (lintText / lintNotebook), then each folder's .py files as one LintProject (cross-file).
// For performance work: a change that only makes the linter faster leaves OUT byte-identical
// (`cmp before.txt after.txt`). `--root DIR` lints with another copy of the linter (a snapshot); the
// inputs are always this folder's.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = resolve(rootAt >= 0 ? args.splice(rootAt, 2)[1] : '.');
const [out, ...extra] = args;
if (!out) throw new Error('usage: npx tsx bench/lint-dump.ts OUT [DIR…] [--root DIR]');

function pythonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...pythonFiles(path));
    else if (/\.(py|ipynb)$/.test(name)) found.push(path);
  }
  return found;
}

async function main(): Promise<void> {
  const lint: typeof import('../src/core/lint') = await import(join(root, 'src/core/lint'));
  await lint.initParser();
  const files = ['test/fixtures/lint', '.cache/lint-corpus', ...extra].map((d) => resolve(d)).flatMap(pythonFiles);
  const lines: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const diagnostics = file.endsWith('.ipynb') ? await lint.lintNotebook(text, {}, file) : await lint.lintText(text);
    lines.push(`${relative('.', file)} ${JSON.stringify(diagnostics)}`);
  }
  const folders = new Map<string, string[]>();
  for (const file of files.filter((f) => f.endsWith('.py'))) folders.set(dirname(file), [...(folders.get(dirname(file)) ?? []), file]);
  for (const [folder, inFolder] of folders) {
    const project = new lint.LintProject();
    for (const file of inFolder) project.setFile(relative(folder, file), readFileSync(file, 'utf8'));
    for (const file of inFolder) lines.push(`project ${relative('.', file)} ${JSON.stringify(project.lintSync(relative(folder, file)))}`);
    project.dispose();
  }
  writeFileSync(out, lines.join('\n') + '\n');
  console.log(`${files.length} files, ${folders.size} folders → ${out}`);
}

void main();
