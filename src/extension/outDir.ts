// Where a training's runs go, named as the CLI names them. The path helpers come from the runner's
// engine-free paths module (importing src/core/runner itself would pull TF.js into the host bundle).
import { readFileSync } from 'node:fs';
import { parse } from 'jsonc-parser';
import { defaultOutDir, safeName } from '../core/runner/paths';

export { safeName };

export function experimentName(text: string): string {
  const obj = parse(text, [], { allowTrailingComma: true, disallowComments: false }) as { name?: unknown } | undefined;
  return obj && typeof obj === 'object' && typeof obj.name === 'string' && obj.name ? obj.name : 'experiment';
}

export function experimentNameOfFile(file: string): string {
  try {
    return experimentName(readFileSync(file, 'utf8'));
  } catch {
    return 'experiment';
  }
}

export const newOutDir = defaultOutDir;
