// Entry point VS Code's extension host calls (extensionTestsPath): runs the mocha suite with the
// real `vscode` API. Bundled by esbuild.mjs into out/test/suite/index.js; mocha (CJS, v11) loads
// from the repository's node_modules.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: false, reporter: 'spec' });
  for (const f of readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, f));
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('end', () => {
      const s = runner.stats;
      // The plain closing line, picked up by run-suite.mjs from the browser console.
      console.log(`LOGIT-LAB-SUITE: ${s?.passes ?? 0} passed, ${s?.failures ?? 0} failed, ${s?.pending ?? 0} skipped`);
    });
  });
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
}
