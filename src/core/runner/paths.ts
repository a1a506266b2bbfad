// Where an experiment's runs go: `<workspace>/.logit-lab/runs/<time>-<name>/<run-id>/`. Kept free
// of the engine so the extension host can name directories without loading TF.js.
import { join } from 'node:path';

export function runsRoot(workspaceRoot: string): string {
  return join(workspaceRoot, '.logit-lab', 'runs');
}

export function defaultOutDir(workspaceRoot: string, experimentName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  return join(runsRoot(workspaceRoot), `${stamp}-${safeName(experimentName)}`);
}

export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'run';
}
