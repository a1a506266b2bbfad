// Runs every *.test.ts under one test folder with node's test runner (TypeScript through tsx):
//   node test/run.mjs test/unit [filter…]    node test/run.mjs test/webview
// Node 20's --test does not expand globs itself, so the files are listed here. Browser suites run
// one file at a time: two Chromiums on two cores only slow each other down.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const [dir = 'test/unit', ...filter] = process.argv.slice(2);
const files = find(dir).filter((f) => filter.length === 0 || filter.some((s) => f.includes(s))).sort();
const concurrency = dir.includes('unit') ? [] : ['--test-concurrency=1'];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...concurrency, '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
