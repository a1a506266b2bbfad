// A reference computed by a parity script under Debian's /usr/bin/python3 (NumPy, scikit-learn):
// its JSON answer, or why it could not run (exit 3 = the script's own "cannot import" answer), for
// the tests to print and skip on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

export function pythonReference<T>(script: string, request: unknown): T | string {
  const run = spawnSync(PYTHON, [script, JSON.stringify(request)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.error) return `${PYTHON} not runnable: ${run.error.message}`;
  if (run.status === 3) return run.stderr.trim();
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as T;
}
