#!/usr/bin/env node
// Fills the git-ignored .cache/lint-corpus/<owner>+<name>/<path> with the real public files that
// test/corpus/labels.json refers to (labels and references are committed; the code never is).
// Sources, in order: a local mirror of the repository (`--mirror DIR`, default $LINT_CORPUS_MIRROR
// or /work/.mirror, holding <owner>+<name>/repo as a git directory), else raw.githubusercontent.com
// at the labelled commit. Files already cached are kept.
/* global fetch, AbortSignal -- Node ≥ 18 globals */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const mirror = flag('--mirror') ?? process.env.LINT_CORPUS_MIRROR ?? '/work/.mirror';
const cache = flag('--cache') ?? join(root, '.cache', 'lint-corpus');
const labels = JSON.parse(readFileSync(join(root, 'test', 'corpus', 'labels.json'), 'utf8'));

function fromMirror(repo, commit, path) {
  for (const git of [join(mirror, repo.replace('/', '+'), 'repo', '.git'), join(mirror, repo.replace('/', '+'), 'repo')]) {
    if (!existsSync(git)) continue;
    try {
      return execFileSync('git', ['--git-dir', git, 'show', `${commit}:${path}`], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // Not at that commit in this mirror: try the next source.
    }
  }
  return undefined;
}

async function fromGitHub(repo, commit, path) {
  const url = `https://raw.githubusercontent.com/${repo}/${commit}/${path.split('/').map(encodeURIComponent).join('/')}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(20000) });
    return res.ok ? Buffer.from(await res.arrayBuffer()) : undefined;
  } catch {
    return undefined;
  }
}

let fetched = 0;
let kept = 0;
const missing = [];
for (const file of labels.files) {
  for (const path of [file.path, ...(file.context ?? [])]) {
    const target = join(cache, file.repo.replace('/', '+'), path);
    if (existsSync(target)) {
      kept++;
      continue;
    }
    const body = fromMirror(file.repo, file.commit, path) ?? (await fromGitHub(file.repo, file.commit, path));
    if (!body) {
      missing.push(`${file.repo}@${file.commit.slice(0, 7)}:${path}`);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body);
    fetched++;
  }
}
console.log(`lint corpus: ${fetched} fetched, ${kept} already cached, ${missing.length} unavailable → ${cache}`);
for (const m of missing) console.log(`  unavailable: ${m}`);
