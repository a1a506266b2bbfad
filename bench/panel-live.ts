// The panel "live like Playground", measured in Chromium with the panel's own bundle:
//  - live: snapshots (100×100 grid, 300 points) and epochs posted from inside the page every 16 ms for
//    4 s; how many distinct boundaries per second reach the canvas, how far behind the newest one the
//    picture is when a frame is painted, and the longest frame;
//  - end: from posting the last epoch + runEnd + experimentEnd to the final boundary on the canvas;
//  - replay at 1× and 4×: boundaries shown per second against what the speed control asks for.
// Run: node esbuild.mjs && npx tsx bench/panel-live.ts
import type { RunRecord } from '../src/core/engine/types';
import { probabilitiesAt } from '../webview/render/boundary';
import { launch, loadFixture, openPanel } from '../test/webview/harness';

function bigRun(): RunRecord {
  const base = loadFixture<RunRecord>('moons-mlp.run.json');
  const g = { ...base.grid!, nx: 100, ny: 100 };
  const snapshots = base.snapshots.map((s) => {
    const probs: number[] = [];
    for (let j = 0; j < 100; j++) for (let i = 0; i < 100; i++) probs.push(probabilitiesAt(base.grid!, s, g.xMin + (i * (g.xMax - g.xMin)) / 99, g.yMin + (j * (g.yMax - g.yMin)) / 99)[1]);
    return { epoch: s.epoch, probs };
  });
  const tr = base.points!.train, va = base.points!.val;
  const extra = 300 - tr.x.length - va.x.length;
  return { ...base, grid: g, snapshots, points: { train: { x: [...tr.x, ...tr.x.slice(0, extra)], y: [...tr.y, ...tr.y.slice(0, extra)], label: [...tr.label, ...tr.label.slice(0, extra)] }, val: va } };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const run = bigRun();
  const browser = await launch();
  const { page } = await openPanel(browser, 'dark', { width: 1100, height: 900 });
  // tsx keeps function names with a __name helper that the page does not have.
  await page.evaluate('window.__name = (f) => f');
  const live = await page.evaluate(async (r) => {
    type LL = { __logitLab: { painted: Record<string, number | undefined>; stats: { longestFrameMs: number; frames: number; renderMs: number } } };
    const ll = (window as unknown as LL).__logitLab;
    const post = (msg: unknown) => window.postMessage({ type: 'live', msgs: [msg] }, '*');
    const { history, snapshots, ...rest } = r;
    post({ type: 'experimentStart', name: 'moons-live', runIds: [r.id], outDir: '/tmp/x' });
    post({ type: 'runStart', run: { ...rest, status: 'running', final: undefined, report: undefined }, index: 0, total: 1 });
    await new Promise((res) => setTimeout(res, 300));
    ll.stats.longestFrameMs = 0;
    ll.stats.frames = 0;
    ll.stats.renderMs = 0;
    let sent = 0;
    let lastSeen: number | undefined;
    const distinct: number[] = [];
    const behind: number[] = [];
    let watching = true;
    const watch = () => {
      if (!watching) return;
      const now = ll.painted.boundary;
      if (now !== undefined && now !== lastSeen) {
        distinct.push(performance.now());
        behind.push(sent - now);
        lastSeen = now;
      }
      requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    const t0 = performance.now();
    let epoch = 0;
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        epoch++;
        const h = history[Math.min(epoch - 1, history.length - 1)];
        post({ type: 'epoch', runId: r.id, epoch: { ...h, epoch }, totalEpochs: 100000 });
        const s = snapshots[epoch % snapshots.length];
        post({ type: 'snapshot', runId: r.id, grid: r.grid, snapshot: { epoch, probs: Float64Array.from(s.probs) } });
        sent = epoch;
        if (performance.now() - t0 > 4000) { clearInterval(timer); done(); }
      }, 16);
    });
    const liveSeconds = (performance.now() - t0) / 1000;
    // The end: the last epoch, then the finished record.
    const tEnd = performance.now();
    const finalEpoch = epoch + 1;
    post({ type: 'epoch', runId: r.id, epoch: { ...history.at(-1), epoch: finalEpoch }, totalEpochs: finalEpoch });
    post({ type: 'snapshot', runId: r.id, grid: r.grid, snapshot: { epoch: finalEpoch, probs: Float64Array.from(snapshots.at(-1)!.probs) } });
    // The finished record: every snapshot the stream carried (so replay has ~200 frames to play).
    const all = Array.from({ length: finalEpoch }, (_, i) => ({ epoch: i + 1, probs: snapshots[(i + 1) % snapshots.length].probs }));
    all[all.length - 1] = { epoch: finalEpoch, probs: snapshots.at(-1)!.probs };
    post({ type: 'runEnd', run: { ...r, snapshots: all, history: all.map((s) => ({ ...history[0], epoch: s.epoch })), status: 'completed' }, dir: '/tmp/x/run' });
    post({ type: 'experimentEnd', summary: { groups: [] }, outDir: '/tmp/x', cancelled: false });
    while (ll.painted.boundary !== finalEpoch && performance.now() - tEnd < 10000) await new Promise((res) => requestAnimationFrame(res));
    const endMs = performance.now() - tEnd;
    watching = false;
    return { sent, shown: distinct.length, fps: distinct.length / liveSeconds, behind, longest: ll.stats.longestFrameMs, meanFrame: ll.stats.renderMs / Math.max(1, ll.stats.frames), endMs };
  }, run);
  console.log(`live: ${live.sent} snapshots posted in 4 s (every 16 ms); ${live.shown} distinct boundaries painted = ${live.fps.toFixed(1)} frames/s`);
  console.log(`live: snapshots behind the newest when painted: median ${median(live.behind)}, max ${Math.max(...live.behind)}`);
  console.log(`live: longest panel frame ${live.longest.toFixed(1)} ms, mean ${live.meanFrame.toFixed(1)} ms`);
  console.log(`end: last epoch posted → final boundary on screen ${live.endMs.toFixed(0)} ms`);

  for (const speed of [1, 4]) {
    await page.click('[data-tab="animation"]');
    await page.selectOption('select[aria-label="Speed"]', String(speed));
    const n = await page.evaluate(async () => {
      type LL = { __logitLab: { ui: { frame: number; playing: boolean }; painted: Record<string, number | undefined>; stats: { longestFrameMs: number; frames: number; renderMs: number } } };
      const ll = (window as unknown as LL).__logitLab;
      ll.ui.frame = 0;
      ll.stats.frames = 0;
      ll.stats.renderMs = 0;
      ll.stats.longestFrameMs = 0;
      let ticks = 0;
      (document.querySelector('.ll-play') as HTMLButtonElement).click();
      let last: number | undefined;
      const startFrame = ll.ui.frame;
      let changes = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 2500 && ll.ui.playing) {
        await new Promise((res) => requestAnimationFrame(res));
        ticks++;
        if (ll.painted.animation !== last) { changes++; last = ll.painted.animation; }
      }
      const seconds = (performance.now() - t0) / 1000;
      if (ll.ui.playing) (document.querySelector('.ll-play') as HTMLButtonElement).click();
      return { changes, seconds, advanced: ll.ui.frame - startFrame, ticks, meanMs: ll.stats.renderMs / Math.max(1, ll.stats.frames), longest: ll.stats.longestFrameMs };
    });
    console.log(`replay ${speed}×: ${(n.changes / n.seconds).toFixed(1)} frames/s (asked: ${6 * speed}); ${n.changes} boundaries painted in ${n.seconds.toFixed(2)} s, playback advanced ${(n.advanced / n.seconds).toFixed(1)} snapshots/s; ${(n.ticks / n.seconds).toFixed(0)} animation frames/s, panel frame mean ${n.meanMs.toFixed(1)} ms, longest ${n.longest.toFixed(1)} ms`);
  }
  await browser.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
