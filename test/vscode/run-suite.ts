// Runs test/vscode/suite (bundled to out/test/suite/index.js) inside code-server's real extension
// host. code-server rejects --extensionDevelopmentPath, but its workbench URL takes a `payload` with
// extensionDevelopmentPath/extensionTestsPath; the suite's exit code comes back through
// window.codeAutomationExit. Usage: node --import tsx test/vscode/run-suite.ts [--restricted]  (after npm run build)
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { format } from 'node:util';
import type { ConsoleMessage } from 'playwright-core';
import { join } from 'node:path';
import { ARTIFACTS, REPO, launchChromium, startCodeServer, tempHome } from './codeServer';

// --restricted: the Restricted Mode suite, in an untrusted folder with workspace trust on.
const RESTRICTED = process.argv.includes('--restricted');
const SUITE = join(REPO, 'out', 'test', RESTRICTED ? 'restricted' : 'suite', 'index.js');
const TIMEOUT_MS = Number(process.env.LOGIT_LAB_SUITE_TIMEOUT_MS ?? 600_000);

async function main(): Promise<number> {
  if (!existsSync(SUITE)) throw new Error(`${SUITE} is missing: run \`npm run build\` first`);
  if (!existsSync(join(REPO, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const t0 = Date.now();
  const label = RESTRICTED ? 'restricted' : 'suite';
  const home = tempHome(label, RESTRICTED);
  const folder = join(home.home, 'workspace');
  cpSync(join(REPO, 'test', 'vscode', 'fixtures', 'workspace'), folder, { recursive: true });
  mkdirSync(ARTIFACTS, { recursive: true });

  const server = await startCodeServer({ label, folder, home, trust: RESTRICTED });
  const browser = await launchChromium();
  const metrics: string[] = [];
  let closing = '';
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const exit = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    // The extension host forwards console calls as ('%c LEVEL', css, format, ...args): format them,
    // in order (jsonValue is async, so messages are chained).
    let chain = Promise.resolve();
    const render = async (m: ConsoleMessage): Promise<string> => {
      const args = await Promise.all(m.args().map((a) => a.jsonValue().catch(() => String(a))));
      if (typeof args[0] === 'string' && args[0].startsWith('%c')) args.splice(0, 2);
      return args.length ? format(...args) : m.text();
    };
    page.on('console', (m) => {
      chain = chain.then(async () => {
        const text = await render(m).catch(() => m.text());
        if (/open-vsx|vsda|unexpected (service worker )?controller|ERR_NAME_NOT_RESOLVED|allow-same-origin/.test(text)) return;
        if (text.includes('LOGIT-LAB-METRIC')) metrics.push(text.slice(text.indexOf('LOGIT-LAB-METRIC') + 17));
        if (text.includes('LOGIT-LAB-SUITE:')) closing = text.slice(text.indexOf('LOGIT-LAB-SUITE:') + 17);
        console.log(`[vscode] ${text}`);
      });
    });
    const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(REPO)],
      ['extensionTestsPath', remote(SUITE)],
    ]);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
    const code = await Promise.race([
      exit,
      new Promise<number>((_, rej) => setTimeout(() => rej(new Error(`the suite did not finish within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS)),
    ]).catch(async (err) => {
      await page.screenshot({ path: join(ARTIFACTS, `${label}-timeout.png`) }).catch(() => {});
      throw err;
    });
    await page.screenshot({ path: join(ARTIFACTS, `${label}-end.png`) }).catch(() => {});
    await chain;
    console.log(`\nvscode suite finished with exit code ${code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const m of metrics) console.log(`  ${m}`);
    console.log(closing ? `vscode-suite: ${closing}` : 'vscode-suite: 0 passed, 1 failed (the suite printed no summary)');
    return closing ? code : 1;
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`vscode suite: ${(err as Error).stack ?? err}`);
    console.log('vscode-suite: 0 passed, 1 failed');
    process.exit(1);
  },
);
