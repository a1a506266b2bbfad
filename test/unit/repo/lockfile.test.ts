// `npm ci` refuses a lockfile that names a dependency without locking it. That happens when the
// registry lacks a platform build of a package (npm install then drops it silently), and it only
// shows on a clean machine — so check the lockfile here, offline, on every test run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface LockedPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Node's lookup: node_modules/<name> beside the package, then in each enclosing node_modules. */
function isLocked(packages: Record<string, LockedPackage>, from: string, name: string): boolean {
  let base = from;
  for (;;) {
    if (packages[`${base ? base + '/' : ''}node_modules/${name}`]) return true;
    if (!base) return false;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

test('every dependency named in package-lock.json is locked, so npm ci works on a clean machine', () => {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockedPackage> };
  const missing: string[] = [];
  for (const [at, pkg] of Object.entries(lock.packages)) {
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      if (!isLocked(lock.packages, at, name)) missing.push(`${at || '(root)'} → ${name}`);
    }
  }
  assert.deepEqual(missing, [], 'regenerate the lock with a version whose platform builds are all on the registry');
});

test('package.json and package-lock.json pin the same direct dependencies', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, string> | undefined>;
  const root = (JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, Record<string, Record<string, string> | undefined>> }).packages[''];
  for (const field of ['dependencies', 'optionalDependencies', 'devDependencies']) {
    assert.deepEqual(root[field] ?? {}, pkg[field] ?? {}, field);
  }
});
