// The same integration suite under desktop VS Code (Electron), for contributors whose machine can
// download VS Code (@vscode/test-electron fetches it on first use; it cannot on the offline CI
// machine, where `npm run test:vscode` uses code-server instead).
// Usage: npm run test:desktop   (VSCODE_VERSION=1.100.3 by default; xvfb-run on a headless Linux)
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO } from './codeServer';

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'logit-lab-desktop-'));
  const folder = join(home, 'workspace');
  cpSync(join(REPO, 'test', 'vscode', 'fixtures', 'workspace'), folder, { recursive: true });
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: REPO,
    extensionTestsPath: join(REPO, 'out', 'test', 'suite', 'index.js'),
    launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${join(home, 'user-data')}`],
  });
}

main().catch((err) => {
  console.error(`desktop suite failed: ${(err as Error).message}`);
  process.exit(1);
});
