// Driving code-server's workbench as a user does: the command palette, Quick Open, screenshots, and
// installing the packaged VSIX into a fresh home. Shared by ui.test.ts and bench/editor-live.ts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, FrameLocator, Page } from 'playwright-core';
import { ARTIFACTS, CODE_SERVER, REPO, tempHome } from './codeServer';

export const VSIX = join(REPO, 'logit-lab.vsix');
export const shot = (name: string) => join(ARTIFACTS, `${name}.png`);

/** Packages the VSIX (unless LOGIT_LAB_VSIX names one) and installs it into a new temp home. */
export function installVsix(label: string): { vsix: string; home: ReturnType<typeof tempHome> } {
  // LOGIT_LAB_VSIX: test an already packaged VSIX (CI packages once) instead of packaging here.
  const vsix = process.env.LOGIT_LAB_VSIX || VSIX;
  if (!process.env.LOGIT_LAB_VSIX) execFileSync('npm', ['run', 'package'], { cwd: REPO, stdio: 'inherit' });
  if (!existsSync(vsix)) throw new Error(`no VSIX at ${vsix}`);
  const home = tempHome(label);
  execFileSync(CODE_SERVER, ['--user-data-dir', home.userData, '--extensions-dir', home.extensions, '--install-extension', vsix], {
    stdio: 'inherit',
    env: { ...process.env, XDG_CONFIG_HOME: home.xdg },
  });
  return { vsix, home };
}

/** A 1600×1000 page on code-server's workbench for `folder`, once its explorer is up. */
export async function openWorkbench(browser: Browser, serverUrl: string, folder: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${serverUrl}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
  return page;
}

export async function palette(page: Page, command: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${command}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: command }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

export async function quickOpen(page: Page, file: string): Promise<void> {
  // One retry: the file index of a fresh window can answer late.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(file);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: file }).first().waitFor({ timeout: 20_000 });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: file }).waitFor({ timeout: 15_000 });
      return;
    } catch (err) {
      if (attempt >= 2) {
        await page.screenshot({ path: shot(`ui-quick-open-${file}-failed`) });
        throw new Error(`could not open ${file} with Quick Open: ${(err as Error).message.split('\n')[0]}; see ${shot(`ui-quick-open-${file}-failed`)}`);
      }
    }
  }
}

/** The panel's webview document (the last ready webview's inner frame). */
export const panelFrame = (page: Page): FrameLocator => page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');

/**
 * The document of the editor panel (the side-bar view is a webview too, and which one is "last" or
 * biggest depends on what was opened), or of the side bar's when it is the only one on screen.
 */
export async function editorPanel(page: Page, timeoutMs = 15_000): Promise<Frame> {
  // Opening a file re-lays out the editor groups: for a moment no webview may be ready or on screen.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let best: { area: number; frame: Frame } | undefined;
    // Webviews float above the workbench: the side bar's is the one inside the side bar's box.
    const sidebar = await page.locator('.part.sidebar').first().boundingBox().catch(() => null);
    const inSidebar = (b: { x: number; width: number }) => !!sidebar && sidebar.width > 0 && b.x >= sidebar.x - 1 && b.x + b.width <= sidebar.x + sidebar.width + 1;
    for (const { box, frame } of await webviewsOnScreen(page)) {
      // The editor panel first, the biggest of the rest otherwise.
      const area = box.width * box.height + (inSidebar(box) ? 0 : 1e9);
      if (!best || area > best.area) best = { area, frame };
    }
    if (best) return best.frame;
    if (Date.now() > deadline) throw new Error(`no Logit Lab webview on screen within ${timeoutMs / 1000} s`);
    await page.waitForTimeout(250);
  }
}

/** The documents of every Logit Lab webview on screen (the editor panel, the side-bar view). */
export async function allPanels(page: Page): Promise<Frame[]> {
  return (await webviewsOnScreen(page)).map((w) => w.frame);
}

/** Each ready webview on screen: its box in the workbench and its inner document. */
async function webviewsOnScreen(page: Page): Promise<{ box: { x: number; y: number; width: number; height: number }; frame: Frame }[]> {
  const out: { box: { x: number; y: number; width: number; height: number }; frame: Frame }[] = [];
  for (const el of await page.$$('iframe.webview.ready')) {
    const box = await el.boundingBox();
    const frame = await (await (await el.contentFrame())?.$('iframe#active-frame'))?.contentFrame();
    if (box && frame) out.push({ box, frame });
  }
  return out;
}

/** Starts recording the workbench main thread's long tasks (a stall freezes the whole editor). */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: false });
  });
}

/** The long tasks since watchLongTasks (ms), and clears them. */
export async function takeLongTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    return w.__longTasks.splice(0);
  });
}

/**
 * Plays the selected run on the panel's Animation tab at `speed` for `seconds` and counts the
 * boundaries painted per second (what the speed control asks: 6 × speed).
 */
export async function replayFps(frame: FrameLocator | Frame, speed: number, seconds = 2.5): Promise<{ fps: number; asked: number; longestFrameMs: number }> {
  await frame.locator('[data-tab="animation"]').click();
  await frame.locator('select[aria-label="Speed"]').selectOption(String(speed));
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  return frame.locator('body').evaluate(async (_body, s) => {
    type LL = { ui: { frame: number; playing: boolean }; painted: Record<string, number | undefined>; stats: { longestFrameMs: number } };
    const ll = (window as unknown as { __logitLab: LL }).__logitLab;
    const play = document.querySelector('.ll-play') as HTMLButtonElement;
    if (ll.ui.playing) play.click();
    ll.ui.frame = 0;
    ll.stats.longestFrameMs = 0;
    play.click();
    let last: number | undefined;
    let changes = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < s * 1000 && ll.ui.playing) {
      await new Promise((res) => requestAnimationFrame(res));
      if (ll.painted.animation !== last) { changes++; last = ll.painted.animation; }
    }
    const elapsed = (performance.now() - t0) / 1000;
    if (ll.ui.playing) play.click();
    return { fps: (changes - 1) / elapsed, asked: 6 * Number((document.querySelector('select[aria-label="Speed"]') as HTMLSelectElement).value), longestFrameMs: ll.stats.longestFrameMs };
  }, seconds);
}
