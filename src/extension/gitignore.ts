// Offers, once per workspace folder, to keep run history out of git.
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { log } from './log';

const KEY = 'logitLab.gitignoreOffered';

export async function offerGitignore(state: vscode.Memento, folder: string): Promise<void> {
  const offered = state.get<string[]>(KEY, []);
  if (offered.includes(folder)) return;
  const isRepo = await fs.access(join(folder, '.git')).then(() => true, () => false);
  if (!isRepo) return;
  const file = join(folder, '.gitignore');
  const current = await fs.readFile(file, 'utf8').catch(() => '');
  if (/^\/?\.logit-lab\/?\s*$/m.test(current)) return;
  await state.update(KEY, [...offered, folder]);
  const choice = await vscode.window.showInformationMessage('Logit Lab keeps run history in .logit-lab/. Add it to .gitignore?', 'Add to .gitignore', 'Not Now');
  if (choice !== 'Add to .gitignore') return;
  const sep = current === '' || current.endsWith('\n') ? '' : '\n';
  await fs.writeFile(file, `${current}${sep}.logit-lab/\n`);
  log().info(`Added .logit-lab/ to ${file}.`);
}
