// The panel live in the real editor (code-server 1.100.3 + Debian Chromium): trains experiments that
// stream ≥ 30 boundary snapshots a second from the palette and prints, from the panel's own timeline
// (webview/views/kit.ts liveTrace), where snapshots go: how many reached the host, how many distinct
// boundaries were painted and how often, how far behind the newest the picture was, the latency
// host → screen, the final state after the completion notification, the workbench's long tasks, and
// replay at 1× and 4×. Figures only, no assertion (the UI test asserts loosely).
// Run: npx tsx bench/editor-live.ts            (packages the VSIX; LOGIT_LAB_VSIX=… to reuse one)
//      LIVE_EXPERIMENTS=every200 npx tsx bench/editor-live.ts
//      LIVE_SIDEBAR=1 …                       (the Logit Lab side bar open too: two live webviews)
//      LIVE_DUMP=/tmp/dir …                   (each experiment's timeline as JSON, for a closer look)
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { launchChromium, startCodeServer, REPO } from '../test/vscode/codeServer';
import { formatLiveFigures, liveFigures, type LiveTraceData } from '../test/vscode/liveFigures';
import { editorPanel, installVsix, openWorkbench, palette, quickOpen, replayFps, takeLongTasks, watchLongTasks } from '../test/vscode/workbench';

/** Moons without a baseline (one run to follow), long enough to stream for a few seconds. */
const EXPERIMENTS: Record<string, { epochs: number; every: number }> = {
  // ~35 snapshots a second, near the display's pace: the case where each one should be painted.
  every200: { epochs: 40000, every: 200 },
  every100: { epochs: 20000, every: 100 },
  every20: { epochs: 12000, every: 20 },
  every1: { epochs: 3000, every: 1 },
};

/**
 * LIVE_PROFILE=1: a CPU profile of the workbench page (and any webview frame in its process) while
 * training, summarised as self time per function — where the main thread's long tasks come from.
 */
async function startProfile(page: Page): Promise<() => Promise<string>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map<string, number>();
    const dt = new Map<number, number>();
    profile.samples?.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
    let total = 0;
    for (const n of profile.nodes) {
      const us = dt.get(n.id) ?? 0;
      total += us;
      const f = n.callFrame;
      const key = `${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + us);
    }
    await cdp.detach();
    return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, us]) => `  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`).join('\n') + `\n  total ${(total / 1000).toFixed(0)} ms`;
  };
}

/**
 * LIVE_TRACE=1: a Chromium timeline trace of the workbench renderer while training: the main
 * thread's time by event (style, layout, paint, scripts, messages) and what its longest tasks held.
 */
async function startTrace(page: Page): Promise<() => Promise<string>> {
  const cdp = await page.context().newCDPSession(page);
  type Ev = { name: string; ph: string; dur?: number; ts: number; tid: number; pid: number; args?: { name?: string; data?: { url?: string; functionName?: string } } };
  const events: Ev[] = [];
  cdp.on('Tracing.dataCollected', (e) => { events.push(...(e.value as unknown as Ev[])); });
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8', transferMode: 'ReportEvents' });
  return async () => {
    const done = new Promise<void>((res) => cdp.once('Tracing.tracingComplete', () => res()));
    await cdp.send('Tracing.end');
    await done;
    await cdp.detach();
    const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    const main = events.filter((e) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`) && e.dur !== undefined);
    const byName = new Map<string, number>();
    for (const e of main) if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur!);
    const tasks = main.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => b.dur! - a.dur!).slice(0, 6);
    const inside = (t: Ev) => {
      const kids = main.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur! && e.dur! > t.dur! * 0.1 && e.name !== 'RunTask');
      return kids.slice(0, 8).map((k) => `${k.name}${k.args?.data?.url ? `(${k.args.data.url.split('/').pop()!.slice(0, 30)})` : k.args?.data?.functionName ? `(${k.args.data.functionName})` : ''} ${(k.dur! / 1000).toFixed(0)}`).join(', ');
    };
    return [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18).map(([k, us]) => `  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`).join('\n')
      + '\n  longest tasks:\n' + tasks.map((t) => `  ${(t.dur! / 1000).toFixed(0).padStart(6)} ms: ${inside(t)}`).join('\n');
  };
}

async function main(): Promise<void> {
  const chosen = (process.env.LIVE_EXPERIMENTS ?? 'every200,every100,every20,every1').split(',').filter((k) => EXPERIMENTS[k]);
  const { home } = installVsix('bench-live');
  const folder = join(home.home, 'ws');
  mkdirSync(folder, { recursive: true });
  cpSync(join(REPO, 'examples', 'moons.experiment.json'), join(folder, 'moons.experiment.json'));
  for (const key of chosen) {
    const { epochs, every } = EXPERIMENTS[key];
    writeFileSync(join(folder, `live-${key}.experiment.json`), JSON.stringify({
      name: `live-${key}`, seed: 0, data: { kind: 'moons', samples: 300, noise: 0.1, validation: 0.2 },
      model: { hidden: [16], activation: 'relu', init: 'he' }, loss: 'bce-with-logits', optimizer: { kind: 'adam', lr: 0.01 },
      training: { epochs, batchSize: 'full' }, record: { every, grid: 100 },
    }, null, 2));
  }
  const server = await startCodeServer({ label: 'bench-live', folder, home });
  const browser = await launchChromium();
  try {
    const page = await openWorkbench(browser, server.url, folder);
    // The editor panel, found again at each read (with the side bar open, "the last webview" is not it).
    const frame = { locator: (sel: string) => ({ evaluate: async <T>(fn: () => T) => (await editorPanel(page, 5000)).locator(sel).evaluate(fn) }) };
    if (process.env.LIVE_SIDEBAR) {
      // The Logit Lab side bar open beside the editor panel (as in the UI test): two webviews live.
      await page.locator('.activitybar .action-item a[aria-label^="Logit Lab"], .activitybar .action-item[aria-label^="Logit Lab"]').first().click();
      await page.waitForTimeout(1000);
    }
    for (const name of ['moons', ...chosen.map((k) => `live-${k}`)]) {
      const read = () => frame.locator('body').evaluate(() => {
        const ll = (window as unknown as { __logitLab: { liveTrace: LiveTraceData; stats: { finalPaintedAt: number; longestFrameMs: number; frames: number; renderMs: number } } }).__logitLab;
        return { trace: JSON.parse(JSON.stringify(ll.liveTrace)) as LiveTraceData, finalPaintedAt: ll.stats.finalPaintedAt, longestFrameMs: ll.stats.longestFrameMs, frames: ll.stats.frames, renderMs: ll.stats.renderMs };
      });
      const start = await read().catch(() => undefined);
      const before = start?.finalPaintedAt;
      await quickOpen(page, `${name}.experiment.json`);
      await watchLongTasks(page);
      const profiler = process.env.LIVE_PROFILE ? await startProfile(page) : process.env.LIVE_TRACE ? await startTrace(page) : undefined;
      await palette(page, 'Logit Lab: Train Experiment');
      await page.locator('.notifications-toasts .notification-list-item-message', { hasText: new RegExp(`^${name}[\\w-]*: val acc \\d`) }).first().waitFor({ timeout: 300_000 });
      const notifiedAt = Date.now();
      if (profiler) console.log(`\n== ${name}: workbench renderer while training\n${await profiler()}`);
      let state = await read();
      for (let i = 0; i < 50 && state.finalPaintedAt === before; i++) {
        await page.waitForTimeout(100);
        state = await read();
      }
      const longTasks = await takeLongTasks(page);
      await page.keyboard.press('Escape');
      const figures = liveFigures(state.trace);
      if (process.env.LIVE_DUMP) writeFileSync(join(process.env.LIVE_DUMP, `${name}.trace.json`), JSON.stringify(state.trace));
      if (process.env.LIVE_MARKS) console.log(state.trace.marks.map(([w, at]) => `  ${w} +${at - state.trace.marks[0][1]}`).join('\n'));
      console.log(`\n== ${name}`);
      console.log(figures ? formatLiveFigures(figures) : 'live: no boundary painted while training');
      const lastArrival = Math.max(...state.trace.arrived.map((a) => a[2]));
      console.log(`  final state on screen ${state.finalPaintedAt - notifiedAt} ms after the completion notification, ${state.finalPaintedAt - lastArrival} ms after the last snapshot reached the host`);
      console.log(`  workbench main thread: ${longTasks.length} long tasks, longest ${Math.max(0, ...longTasks).toFixed(0)} ms; longest panel frame ${state.longestFrameMs.toFixed(0)} ms; panel frames ${state.frames - (start?.frames ?? 0)}, mean ${((state.renderMs - (start?.renderMs ?? 0)) / Math.max(1, state.frames - (start?.frames ?? 0))).toFixed(1)} ms`);
    }
    // The display's own pace in the panel, idle: the ceiling for any frames/s figure on this machine.
    // (A string: tsx would wrap a named function in a helper the page does not have.)
    const rafPerSecond = await (await editorPanel(page)).evaluate(`new Promise((res) => {
      let n = 0;
      const t0 = performance.now();
      const tick = () => (performance.now() - t0 < 2000 ? (n++, requestAnimationFrame(tick)) : res(n / ((performance.now() - t0) / 1000)));
      requestAnimationFrame(tick);
    })`) as number;
    console.log(`panel idle: ${rafPerSecond.toFixed(1)} animation frames/s`);
    for (const speed of [1, 4]) {
      const r = await replayFps(await editorPanel(page), speed);
      console.log(`replay ${speed}×: ${r.fps.toFixed(1)} frames/s (asked ${r.asked}); longest panel frame ${r.longestFrameMs.toFixed(0)} ms`);
    }
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
