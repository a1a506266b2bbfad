// Cross-file context for `logit-lab lint`: every file linted plus the Python files next to the
// files named on the command line (so `logit-lab lint train.py` still sees `from model import Net`).
// `logit-lab lint DIR` gets the whole folder. Files that cannot be read are left out of the
// context (the lint of that file reports its own error).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LintProject } from '../core/lint';

export function lintProjectFor(files: string[]): LintProject {
  const project = new LintProject();
  const add = (abs: string) => {
    if (project.has(abs)) return;
    try {
      if (statSync(abs).isFile()) project.setFile(abs, readFileSync(abs, 'utf8'));
    } catch {
      // Unreadable: not part of the context.
    }
  };
  for (const abs of files) add(abs);
  for (const folder of new Set(files.map((f) => dirname(f)))) {
    let names: string[] = [];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) if (name.endsWith('.py')) add(join(folder, name));
  }
  return project;
}
