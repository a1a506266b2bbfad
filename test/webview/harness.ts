// A stand-in for the VS Code webview host: the same CSP with a nonce, the bundle and CSS loaded from a
// resource origin (served by Playwright's router, no network), and an acquireVsCodeApi that records
// what the panel posts and keeps its state in sessionStorage (so a reload behaves like VS Code
// restoring a hidden panel).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = join(__dirname, '..', '..');
export const ORIGIN = 'https://logit-lab.test';
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'webview');

export const loadFixture = <T = unknown>(name: string): T => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'runs', name), 'utf8')) as T;

export function hostHtml(theme: 'light' | 'dark' | 'high-contrast' = 'light'): string {
  const nonce = 'bm9uY2UtZm9yLXRlc3Rz';
  const csp = `default-src 'none'; img-src ${ORIGIN} data:; style-src ${ORIGIN} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${ORIGIN}/media/panel.css">
<style nonce="${nonce}">body { --vscode-font-size: 13px; }</style>
</head><body class="vscode-${theme}"><div id="app"></div>
<script nonce="${nonce}">
  window.__posted = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => JSON.parse(sessionStorage.getItem('state') || 'null'),
    setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)),
  });
</script>
<script nonce="${nonce}" src="${ORIGIN}/dist/webview.js"></script>
</body></html>`;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}

export interface Panel { page: Page; console: string[] }

/** Opens the panel in a fresh page; every request outside the served origin is refused. */
export async function openPanel(browser: Browser, theme: 'light' | 'dark' | 'high-contrast' = 'light', size = { width: 1100, height: 900 }): Promise<Panel> {
  const page = await browser.newPage({ viewport: size, deviceScaleFactor: 1 });
  const log: string[] = [];
  page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  const html = hostHtml(theme);
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === '/panel.html') return route.fulfill({ body: html, contentType: 'text/html' });
    if (url.pathname === '/dist/webview.js') return route.fulfill({ body: readFileSync(join(ROOT, 'dist', 'webview.js')), contentType: 'text/javascript' });
    if (url.pathname === '/media/panel.css') return route.fulfill({ body: readFileSync(join(ROOT, 'media', 'panel.css')), contentType: 'text/css' });
    return route.fulfill({ status: 404, body: '' });
  });
  await page.goto(`${ORIGIN}/panel.html`);
  await page.waitForFunction(() => (window as unknown as { __logitLab?: unknown }).__logitLab !== undefined);
  return { page, console: log };
}

/** Sends host → webview messages the way VS Code does (window message events). */
/** Worker messages as the extension host forwards them: one 'live' batch. */
export const live = (...msgs: unknown[]) => ({ type: 'live', msgs });

export async function send(page: Page, ...messages: unknown[]): Promise<void> {
  await page.evaluate((msgs) => { for (const m of msgs) window.postMessage(m, '*'); }, messages);
}

/** Waits until the panel has applied every queued message and painted. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
}

/** RGB of the canvas pixel at CSS coordinates (x, y) of the canvas with data-key. */
export async function pixel(page: Page, key: string, x: number, y: number): Promise<[number, number, number]> {
  return page.evaluate(([k, px, py]) => {
    const c = document.querySelector(`canvas[data-key="${k}"]`) as HTMLCanvasElement;
    const dpr = c.width / c.getBoundingClientRect().width;
    const d = c.getContext('2d')!.getImageData(Math.round(px * dpr), Math.round(py * dpr), 1, 1).data;
    return [d[0], d[1], d[2]] as [number, number, number];
  }, [key, x, y] as const);
}

/** Maps data coordinates to canvas CSS pixels through the layout the panel drew with. */
export async function toPx(page: Page, key: string, x: number, y: number): Promise<[number, number]> {
  return page.evaluate(([k, dx, dy]) => (window as unknown as { __logitLab: { layouts: Record<string, { toPx(x: number, y: number): [number, number] }> } }).__logitLab.layouts[k].toPx(dx, dy), [key, x, y] as const);
}

/**
 * One Chromium for a test file, and panels opened in it that must end without CSP violations or
 * page errors (checked when the file's tests are done).
 */
export function usePanels(): { open: (theme?: 'light' | 'dark' | 'high-contrast') => Promise<Page>; browser: () => Browser } {
  let browser: Browser;
  const panels: Panel[] = [];
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
  });
  after(async () => {
    for (const p of panels) {
      assert.deepEqual(p.console.filter((l) => /Content Security Policy|Refused to/i.test(l)), [], 'no CSP violations in the console');
      assert.deepEqual(p.console.filter((l) => l.startsWith('pageerror') || l.startsWith('error')), [], 'no page errors');
      assert.deepEqual(await p.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), [], 'no securitypolicyviolation events');
    }
    await browser.close();
  });
  return {
    open: async (theme = 'light') => {
      const p = await openPanel(browser, theme);
      panels.push(p);
      return p.page;
    },
    browser: () => browser,
  };
}
