// Experiment files come from workspaces we do not trust: a data path may not reach outside the
// workspace folder, neither with `..`, nor an absolute path, nor through a symlink.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogitLabError } from '../../errors';
import type { DataContext } from '../context';

const jsonPath = ['data', 'path'];

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function realpathOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** The real path of a data file, guaranteed to lie inside the workspace. */
export function resolveWorkspaceFile(relativePath: string, ctx: DataContext): string {
  if (path.isAbsolute(relativePath)) {
    throw new LogitLabError(`data.path must be relative to the experiment file, got the absolute path "${relativePath}"`, {
      jsonPath,
      hint: 'write the path relative to the experiment file, e.g. "data/heart.csv", and keep the file inside the workspace.',
    });
  }
  const root = realpathOrSelf(ctx.workspaceRoot);
  const candidate = path.resolve(realpathOrSelf(ctx.baseDir), relativePath);
  const outside = () => new LogitLabError(`data.path "${relativePath}" leads outside the workspace folder`, {
    jsonPath,
    hint: 'copy the data file into the workspace and point data.path at the copy.',
  });
  // Checked before existence, so an experiment cannot probe which files exist outside.
  if (!isInside(root, candidate)) throw outside();
  if (!fs.existsSync(candidate)) {
    throw new LogitLabError(`data file "${relativePath}" not found (looked for ${candidate})`, {
      jsonPath,
      hint: 'data.path is relative to the folder of the experiment file.',
    });
  }
  const real = fs.realpathSync(candidate);
  if (!isInside(root, real)) throw outside();
  if (!fs.statSync(real).isFile()) {
    throw new LogitLabError(`data.path "${relativePath}" is not a file`, { jsonPath, hint: 'point data.path at a .csv file.' });
  }
  return real;
}
