// End to end through the UI of a real VS Code (code-server 1.100.3 + Debian Chromium): package the
// VSIX, install it, open examples/ (a copy) as the workspace, run "Logit Lab: Train Experiment" from the
// palette on moons, wait for the completion notification, check the panel's webview draws a boundary
// (pixels of both class colours) and a loss chart, then open a broken experiment and find it in the
// Problems panel. Screenshots go to test-artifacts/vscode/*.png.
// Run: npm run build && node --import tsx --test test/vscode/ui.test.ts
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { ARTIFACTS, REPO, launchChromium, startCodeServer } from './codeServer';
import { formatLiveFigures, liveFigures, type LiveTraceData } from './liveFigures';
import { allPanels, editorPanel, installVsix, openWorkbench, palette, panelFrame, quickOpen, replayFps, shot, takeLongTasks, watchLongTasks } from './workbench';

/** Counts reddish and bluish pixels over the canvases of the panel (binary classes: RdBu map). */
async function classPixels(frame: FrameLocator): Promise<{ canvases: number; red: number; blue: number; total: number; text: string }> {
  return frame.locator('body').evaluate(() => {
    let red = 0, blue = 0, total = 0, canvases = 0;
    for (const c of Array.from(document.querySelectorAll('canvas'))) {
      if (c.width * c.height < 2500) continue;
      canvases++;
      const ctx = c.getContext('2d');
      if (!ctx) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 16) {
        const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
        if (a < 128) continue;
        total++;
        if (r > b + 40 && r > g + 10) red++;
        else if (b > r + 40) blue++;
      }
    }
    return { canvases, red, blue, total, text: document.body.innerText.slice(0, 2000) };
  });
}

test('Logit Lab in code-server: palette → train moons → boundary and loss chart → Problems', { timeout: 600_000 }, async () => {
  const t0 = Date.now();
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of readdirSync(ARTIFACTS)) if (f.startsWith('ui-') && f.endsWith('.png')) rmSync(join(ARTIFACTS, f));
  // 1. Package and install the VSIX, as a user would (LOGIT_LAB_VSIX: an already packaged one).
  const { vsix, home } = installVsix('ui');
  const mb = statSync(vsix).size / 1024 / 1024;
  console.log(`VSIX: ${vsix} ${mb.toFixed(2)} MB`);
  assert.ok(mb <= 12, `the VSIX is ${mb.toFixed(2)} MB, over the 12 MB budget`);

  // 2. The workspace: a copy of examples/ (so runs do not land in the repository) plus a broken file.
  const folder = join(home.home, 'examples');
  cpSync(join(REPO, 'examples'), folder, { recursive: true });
  // No schema copied next to the workspace: the examples carry no relative "$schema", the extension's
  // jsonValidation maps *.experiment.json to the shipped schema.
  // The learning-rate sweep whose lr 30 run overflows: NaN is data, the good runs show beside it.
  writeFileSync(join(folder, 'lr-sweep.experiment.json'), JSON.stringify({
    name: 'lr-sweep', data: { kind: 'moons' }, optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 200 },
    sweep: { 'optimizer.lr': [0.01, 0.3, 3, 10, 30] }, record: { every: 10, grid: 60 },
  }, null, 2));
  // Moons for long enough, snapshotting often enough, to stream ≥ 30 boundaries a second for a few seconds.
  writeFileSync(join(folder, 'live.experiment.json'), JSON.stringify({
    name: 'live', seed: 0, data: { kind: 'moons', samples: 300, noise: 0.1, validation: 0.2 }, model: { hidden: [16], activation: 'relu' },
    optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 12000, batchSize: 'full' }, record: { every: 20, grid: 100 },
  }, null, 2));
  writeFileSync(
    join(folder, 'broken.experiment.json'),
    '{\n  "name": "broken",\n  "data": { "kind": "moons" },\n  "optimizer": { "kind": "adam", "lr": -1 }\n}\n',
  );

  const server = await startCodeServer({ label: 'ui', folder, home });
  const browser = await launchChromium();
  try {
    const page = await openWorkbench(browser, server.url, folder);
    await page.screenshot({ path: shot('ui-1-workbench') });

    // 3. Two other experiments first (the panel must not mix them into moons), then moons, all from the palette.
    const webview = panelFrame(page);
    for (const [file, name] of [['clusters.experiment.json', 'clusters-linear'], ['blobs.experiment.json', 'blobs-4']]) {
      await quickOpen(page, file);
      await palette(page, 'Logit Lab: Train Experiment');
      const done = page.locator('.notifications-toasts .notification-list-item-message', { hasText: new RegExp(`^${name}: `) });
      try {
        await done.first().waitFor({ timeout: 180_000 });
      } catch {
        await page.screenshot({ path: shot(`ui-2-${name}-failed`) });
        assert.fail(`no completion notification for ${name} within 180 s; see ${shot(`ui-2-${name}-failed`)}`);
      }
      await page.keyboard.press('Escape');
    }
    await quickOpen(page, 'moons.experiment.json');
    // The workbench's main thread while moons trains: its long tasks (a stall freezes the whole editor).
    await watchLongTasks(page);
    await palette(page, 'Logit Lab: Train Experiment');
    const toast = page.locator('.notifications-toasts .notification-list-item-message', { hasText: /^moons[\w-]*: val acc \d/ });
    try {
      await toast.first().waitFor({ timeout: 180_000 });
    } catch {
      await page.screenshot({ path: shot('ui-2-train-failed') });
      assert.fail(`no "val acc" completion notification within 180 s; see ${shot('ui-2-train-failed')} and ${server.logFile}`);
    }
    const notifiedAt = Date.now();
    // What the panel did while moons trained and when its final state reached the screen.
    type Seen = { live: { frames: number; withPoints: number; withBoundary: number; distinct: number; firstAt: number; lastAt: number }; finalPaintedAt: number; scope: string; runs: string[]; text: string };
    const seen = async () => webview.locator('body').evaluate(() => {
      const ll = (window as unknown as { __logitLab: { liveStats: Seen['live']; stats: { finalPaintedAt: number }; scope: { title: string }; store: { runs: { name: string }[] } } }).__logitLab;
      return { live: { ...ll.liveStats }, finalPaintedAt: ll.stats.finalPaintedAt, scope: ll.scope.title, runs: ll.store.runs.map((r) => r.name), text: document.body.innerText.slice(0, 400) };
    }) as Promise<Seen>;
    let state = await seen();
    for (let i = 0; i < 40 && state.finalPaintedAt < notifiedAt - 60_000; i++) {
      await page.waitForTimeout(100);
      state = await seen();
    }
    const latency = state.finalPaintedAt - notifiedAt;
    const longTasks = await takeLongTasks(page);
    const panelFrames = await webview.locator('body').evaluate(() => (window as unknown as { __logitLab: { stats: { longestFrameMs: number; frames: number; renderMs: number } } }).__logitLab.stats);
    console.log(`workbench main thread while moons trained: ${longTasks.length} long tasks, longest ${Math.max(0, ...longTasks).toFixed(0)} ms`);
    console.log(`panel frames so far: ${panelFrames.frames}, mean ${(panelFrames.renderMs / Math.max(1, panelFrames.frames)).toFixed(1)} ms, longest ${panelFrames.longestFrameMs.toFixed(0)} ms`);
    const liveSeconds = (state.live.lastAt - state.live.firstAt) / 1000;
    console.log(`panel while moons trained: ${state.live.frames} boundary frames (${state.live.withPoints} with the data points, ${state.live.withBoundary} with a boundary), ${state.live.distinct} distinct boundaries in ${liveSeconds.toFixed(2)} s = ${(state.live.distinct / Math.max(0.001, liveSeconds)).toFixed(1)} per second`);
    console.log(`final state on screen ${latency} ms after the completion notification (negative: before it)`);
    assert.ok(state.live.withPoints > 0, `no frame showed the data points while training; see ${shot('ui-2-trained')}`);
    assert.ok(latency <= 500 + 2500, `the final state reached the panel ${latency} ms after the notification (target 500 ms, CI slack 2.5 s)`);
    assert.match(state.scope, /^moons/, `the panel shows moons, not ${state.scope}`);
    assert.ok(state.runs.length > 0 && state.runs.every((n) => !/clusters|blobs/i.test(n)), `only moons runs in the panel: ${state.runs.join(', ')}`);
    await page.screenshot({ path: shot('ui-2-trained') });
    const headline = await toast.first().innerText();
    console.log(`notification: ${headline}`);
    assert.match(headline, /^moons[\w-]*: val acc \d+\.\d% in \d/);
    const item = page.locator('.notifications-toasts .notification-list-item', { hasText: /val acc \d/ }).first();
    for (const action of ['Open Panel', 'Open Report']) {
      assert.ok(await item.locator('.monaco-button', { hasText: action }).count(), `the notification has no "${action}" button; see ${shot('ui-2-trained')}`);
    }
    assert.match(await page.locator('.statusbar').innerText(), /Logit Lab · (wasm|cpu|tensorflow)/, 'the status bar does not show the backend');

    // 4. The panel (opened beside the editor on train) draws the boundary and the loss chart.
    const frame = webview;
    let pixels = { canvases: 0, red: 0, blue: 0, total: 0, text: '' };
    for (let attempt = 0; attempt < 60; attempt++) {
      pixels = await classPixels(frame).catch(() => pixels);
      if (pixels.total > 0 && pixels.red / pixels.total > 0.02 && pixels.blue / pixels.total > 0.02) break;
      await page.waitForTimeout(1000);
    }
    await page.screenshot({ path: shot('ui-3-boundary') });
    console.log(`boundary: ${pixels.canvases} canvases, ${pixels.red} red / ${pixels.blue} blue of ${pixels.total} sampled pixels`);
    assert.ok(pixels.total > 0, `the panel shows no boundary canvas; see ${shot('ui-3-boundary')}`);
    assert.ok(pixels.red / pixels.total > 0.02 && pixels.blue / pixels.total > 0.02, `the boundary lacks a class colour (red ${pixels.red}, blue ${pixels.blue} of ${pixels.total}); see ${shot('ui-3-boundary')}`);

    // The loss chart lives on the Curves tab.
    await frame.getByRole('tab', { name: 'Curves' }).or(frame.locator('button', { hasText: /^Curves$/ })).first().click();
    const loss = frame.locator('canvas#chart-loss, canvas[aria-label*="Loss" i]').first();
    await loss.waitFor({ timeout: 30_000 }).catch(() => undefined);
    let inked = 0;
    for (let attempt = 0; attempt < 20 && inked < 200; attempt++) {
      inked = await loss
        .evaluate((c: HTMLCanvasElement) => {
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 128) n++;
          return n;
        })
        .catch(() => 0);
      if (inked < 200) await page.waitForTimeout(500);
    }
    await page.screenshot({ path: shot('ui-4-loss-chart') });
    console.log(`loss chart: ${inked} drawn pixels`);
    assert.ok(inked >= 200, `no loss chart drawn on the Curves tab; see ${shot('ui-4-loss-chart')}`);

    // 5. The run is in the Runs view of the Logit Lab side bar.
    await page.locator('.activitybar .action-item a[aria-label^="Logit Lab"], .activitybar .action-item[aria-label^="Logit Lab"]').first().click();
    const runRow = page.locator('.sidebar .monaco-list-row', { hasText: 'moons-mlp' }).first();
    try {
      await runRow.waitFor({ timeout: 30_000 });
    } catch {
      await page.screenshot({ path: shot('ui-5-runs-failed') });
      assert.fail(`the Runs view does not list moons-mlp; see ${shot('ui-5-runs-failed')}`);
    }
    await runRow.click();
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot('ui-5-runs-view') });

    // 5b. Live like Playground: an experiment streaming ≥ 30 snapshots a second. The panel's own
    // timeline (liveTrace) gives frames/s, how far behind the newest snapshot the picture was, the
    // last epoch → final picture latency; then replay at 1× and 4× on the Animation tab.
    await page.keyboard.press('Escape');
    // The side bar's Logit Lab view on screen beside the editor panel: two live webviews.
    await palette(page, 'Logit Lab: Focus on Logit Lab View');
    // Loaded before the training starts (on this machine a webview opened while another streams
    // can take 10+ s to load, and would then only be shown the finished runs).
    const loaded = async () => (await Promise.all((await allPanels(page)).map((f) => f.evaluate(() => document.body.innerText.includes('Decision boundary')).catch(() => false)))).filter(Boolean).length;
    for (let i = 0; i < 150 && (await loaded()) < 2; i++) await page.waitForTimeout(200);
    assert.ok((await loaded()) >= 2, `the side bar's Logit Lab view did not load within 30 s; see ${shot('ui-5-runs-view')}`);
    // Opened in the first editor group, beside the panel (in the panel's group it would hide it).
    await palette(page, 'View: Focus First Editor Group');
    await quickOpen(page, 'live.experiment.json');
    // The boundary is what goes live: back to its tab (step 4 left the panel on Curves).
    const livePanel = await editorPanel(page);
    await livePanel.locator('[data-tab="boundary"]').click();
    await watchLongTasks(page);
    await palette(page, 'Logit Lab: Train Experiment');
    // Any headline of this experiment (a failed or stopped one too): the test then says which.
    const liveHeadline = page.locator('.notifications-toasts .notification-list-item-message', { hasText: /^live: / }).first();
    await liveHeadline.waitFor({ timeout: 180_000 }).catch(async () => {
      await page.screenshot({ path: shot('ui-5b-live-failed') });
      const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts().catch(() => []);
      assert.fail(`no completion notification for the live experiment within 180 s (notifications: ${JSON.stringify(toasts)}); see ${shot('ui-5b-live-failed')}`);
    });
    const liveText = await liveHeadline.innerText();
    if (!/^live: val acc \d/.test(liveText)) await page.screenshot({ path: shot('ui-5b-live-failed') });
    assert.match(liveText, /^live: val acc \d/, `the live experiment did not finish well: "${liveText}"; see ${shot('ui-5b-live-failed')}`);
    type LiveState = { trace: LiveTraceData; finalPaintedAt: number };
    const liveState = async () => livePanel.evaluate(() => {
      const ll = (window as unknown as { __logitLab: { liveTrace: LiveTraceData; stats: { finalPaintedAt: number } } }).__logitLab;
      return { trace: JSON.parse(JSON.stringify(ll.liveTrace)) as LiveTraceData, finalPaintedAt: ll.stats.finalPaintedAt };
    }) as Promise<LiveState>;
    let live = await liveState();
    for (let i = 0; i < 40 && !live.trace.marks.some((m) => m[0] === 'finalPainted'); i++) {
      await page.waitForTimeout(100);
      live = await liveState();
    }
    const liveStalls = await takeLongTasks(page);
    const figures = liveFigures(live.trace);
    await page.screenshot({ path: shot('ui-5b-live') });
    assert.ok(figures, `no boundary painted while the live experiment trained; see ${shot('ui-5b-live')}`);
    console.log(formatLiveFigures(figures));
    // What each webview spent painting (the side bar's share of the renderer the panel needs).
    for (const f of await allPanels(page)) {
      const st = await f.evaluate(() => (window as unknown as { __logitLab: { stats: { frames: number; renderMs: number; longestFrameMs: number } } }).__logitLab.stats).catch(() => undefined);
      if (st) console.log(`webview frames: ${st.frames}, mean ${(st.renderMs / Math.max(1, st.frames)).toFixed(1)} ms, longest ${st.longestFrameMs.toFixed(0)} ms`);
    }
    console.log(`workbench main thread while live trained: ${liveStalls.length} long tasks, longest ${Math.max(0, ...liveStalls).toFixed(0)} ms`);
    const replay1 = await replayFps(livePanel, 1);
    const replay4 = await replayFps(livePanel, 4);
    console.log(`replay: ${replay1.fps.toFixed(1)} frames/s at 1× (asked ${replay1.asked}), ${replay4.fps.toFixed(1)} at 4× (asked ${replay4.asked})`);
    // Loose bounds (2 shared CI cores; targets: ≥ 30 frames/s, ≤ 1 behind, ≤ 0.5 s, the asked speed).
    assert.ok(figures.producedPerSecond >= 30, `the live experiment streamed only ${figures.producedPerSecond.toFixed(1)} snapshots/s: it no longer measures the live panel`);
    assert.ok(figures.painted >= 20, `only ${figures.painted} distinct boundaries painted while training (target ≥ 30 a second)`);
    assert.ok(figures.framesPerSecond >= 5, `live ${figures.framesPerSecond.toFixed(1)} frames/s (target 30, CI floor 5)`);
    assert.ok(figures.latencyMedianMs <= 1000, `a snapshot took ${figures.latencyMedianMs.toFixed(0)} ms (median) from the host to the screen`);
    assert.ok(figures.lastEpochToFinalMs <= 500 + 2500, `the final picture came ${figures.lastEpochToFinalMs.toFixed(0)} ms after the last epoch (target 500 ms, CI slack 2.5 s)`);
    assert.ok(replay1.fps >= 3 && replay1.fps <= 9, `replay at 1×: ${replay1.fps.toFixed(1)} frames/s, asked 6`);
    assert.ok(replay4.fps >= 12, `replay at 4×: ${replay4.fps.toFixed(1)} frames/s, asked 24`);
    assert.ok(Math.max(0, ...liveStalls) < 2000, `the workbench main thread stalled ${Math.max(...liveStalls).toFixed(0)} ms while the live experiment trained`);

    // The side bar (open since step 5) was sent a boundary only now and then while the editor panel
    // had the full stream; after the end it catches up: both hold every recorded boundary, and the
    // run's neuron maps (held back until the experiment's end, so the final picture comes first).
    const heldPerPanel = async () => Promise.all((await allPanels(page)).map((f) => f.evaluate((id) => {
      const ll = (window as unknown as { __logitLab: { store: { runs: { id: string; snapshots: unknown[]; neuronMaps?: { values: unknown[] } }[] } } }).__logitLab;
      const run = ll.store.runs.find((r) => r.id === id);
      return run ? `${run.snapshots.length} boundaries, ${run.neuronMaps?.values.length ?? 0} neuron maps` : 'no run';
    }, figures.runId).catch(() => 'no run')));
    // The same boundaries in each (a hundred or more are kept of 600), a map per hidden unit (16).
    const complete = (cs: string[]) => cs.length >= 2 && cs.every((c) => c === cs[0]) && /^\d{3,} boundaries, 16 neuron maps$/.test(cs[0]);
    let held = await heldPerPanel();
    for (let i = 0; i < 50 && !complete(held); i++) {
      await page.waitForTimeout(200);
      held = await heldPerPanel();
    }
    console.log(`held by each Logit Lab webview after the end: ${held.join('; ')}`);
    assert.ok(held.length >= 2, `expected the side bar and the editor panel on screen, found ${held.length} webview(s)`);
    assert.ok(complete(held), `every webview should hold the run's recorded boundaries and its 16 neuron maps: ${held.join('; ')}`);


    const reloadAt = Date.now();
    const since = () => `${((Date.now() - reloadAt) / 1000).toFixed(1)} s`;
    await palette(page, 'Developer: Reload Window');
    await page.waitForTimeout(1500);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The extension's contributions are back once its activity-bar entry is.
    await page.locator('.activitybar .action-item a[aria-label^="Logit Lab"], .activitybar .action-item[aria-label^="Logit Lab"]').first().waitFor({ timeout: 60_000 });
    console.log(`reload: the workbench and the extension back after ${since()}`);
    await page.waitForTimeout(2000);
    await palette(page, 'Logit Lab: Open Panel').catch(async () => {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(3000);
      await palette(page, 'Logit Lab: Open Panel');
    });
    console.log(`reload: Open Panel run after ${since()}`);
    let reopened = { runs: 0, text: '' };
    for (let attempt = 0; attempt < 30 && reopened.runs === 0; attempt++) {
      reopened = await page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame').locator('body')
        .evaluate(() => ({ runs: (window as unknown as { __logitLab: { store: { runs: unknown[] } } }).__logitLab.store.runs.length, text: document.body.innerText.slice(0, 300) }))
        .catch(() => reopened);
      if (reopened.runs === 0) await page.waitForTimeout(500);
    }
    console.log(`reload: the panel shows ${reopened.runs} run(s) after ${since()}`);
    await page.screenshot({ path: shot('ui-6-reopened') });
    assert.ok(reopened.runs > 0 && !/No runs to show yet/.test(reopened.text), `Open Panel after a reload shows no runs: ${reopened.text}; see ${shot('ui-6-reopened')}`);

    // 7. A broken experiment shows up in the Problems panel.
    await quickOpen(page, 'broken.experiment.json');
    await page.keyboard.press('Control+Shift+M'); // View: Problems
    await page.locator('.markers-panel').waitFor({ timeout: 15_000 }).catch(async () => palette(page, 'Focus on Problems View'));
    // Our diagnostic (source logit-lab, code = the JSON path), not only the JSON schema's.
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: /logit-lab[\s(]*optimizer\.lr/ });
    try {
      await row.first().waitFor({ timeout: 30_000 });
    } catch {
      await page.screenshot({ path: shot('ui-6-problems-failed') });
      assert.fail(`no Problems entry for broken.experiment.json; see ${shot('ui-6-problems-failed')}`);
    }
    await page.screenshot({ path: shot('ui-6-problems') });
    console.log(`problems: ${(await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).join(' | ')}`);

    // 8. A sweep with a diverged run: the panel shows all five runs, one of them diverged.
    await quickOpen(page, 'lr-sweep.experiment.json');
    await palette(page, 'Logit Lab: Train Experiment');
    await page.locator('.notifications-toasts .notification-list-item-message', { hasText: /lr-sweep/ }).first().waitFor({ timeout: 180_000 })
      .catch(async () => {
        await page.screenshot({ path: shot('ui-7-sweep-failed') });
        assert.fail(`no notification for the lr sweep within 180 s; see ${shot('ui-7-sweep-failed')}`);
      });
    const sweepPanel = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame').locator('body');
    let sweep = { statuses: [] as string[], text: '' };
    // The notification comes from the extension host; the panel's last run end may still be on its
    // way through the relay (up to ~1 s on a busy CI machine): wait for five runs, none running.
    const settled = () => sweep.statuses.length >= 5 && !sweep.statuses.includes('running');
    for (let attempt = 0; attempt < 40 && !settled(); attempt++) {
      sweep = await sweepPanel.evaluate(() => ({
        statuses: (window as unknown as { __logitLab: { store: { runs: { status: string }[] } } }).__logitLab.store.runs.map((r) => r.status),
        text: document.body.innerText.slice(0, 300),
      })).catch(() => sweep);
      if (!settled()) await page.waitForTimeout(500);
    }
    await page.screenshot({ path: shot('ui-7-sweep') });
    console.log(`lr sweep in the panel: ${sweep.statuses.join(', ')}`);
    assert.equal(sweep.statuses.length, 5, `the panel shows ${sweep.statuses.length} of the sweep's 5 runs: ${sweep.text}`);
    assert.equal(sweep.statuses.filter((st) => st === 'diverged').length, 1, `one diverged run: ${sweep.statuses.join(', ')}`);
    assert.equal(sweep.statuses.filter((st) => st === 'completed').length, 4);
    console.log(`ui test took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
});
