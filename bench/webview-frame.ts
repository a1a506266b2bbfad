// Median time of one boundary frame in Chromium: a 100×100 heatmap, the 0.5 contour and 300 points
// on a 560×500 canvas, drawn by the panel's own bundle. Target ≤ 8 ms.
// Run: node esbuild.mjs && npx tsx bench/webview-frame.ts
import type { RunRecord } from '../src/core/engine/types';
import { probabilitiesAt } from '../webview/render/boundary';
import { launch, loadFixture, openPanel } from '../test/webview/harness';

async function main(): Promise<void> {
  const base = loadFixture<RunRecord>('moons-mlp.run.json');
  const g = { ...base.grid!, nx: 100, ny: 100 };
  const last = base.snapshots.at(-1)!;
  const probs: number[] = [];
  for (let j = 0; j < 100; j++) for (let i = 0; i < 100; i++) {
    probs.push(probabilitiesAt(base.grid!, last, g.xMin + (i * (g.xMax - g.xMin)) / 99, g.yMin + (j * (g.yMax - g.yMin)) / 99)[1]);
  }
  const tr = base.points!.train, va = base.points!.val;
  const extra = 300 - tr.x.length - va.x.length;
  const run: RunRecord = { ...base, grid: g, snapshots: [{ epoch: last.epoch, probs }], points: { train: { x: [...tr.x, ...tr.x.slice(0, extra)], y: [...tr.y, ...tr.y.slice(0, extra)], label: [...tr.label, ...tr.label.slice(0, extra)] }, val: va } };
  const browser = await launch();
  const { page } = await openPanel(browser);
  const measure = (extra: Record<string, boolean>) => page.evaluate(([r, x]) => {
    const ll = (window as unknown as { __logitLab: { drawBoundary: (ctx: unknown, run: unknown, o: unknown) => void; palette: () => unknown; canvasFactory: unknown } }).__logitLab;
    const c = document.createElement('canvas');
    c.width = 560;
    c.height = 500;
    document.body.append(c);
    const ctx = c.getContext('2d')!;
    const times: number[] = [];
    const pal = ll.palette();
    for (let n = 0; n < 60; n++) {
      const t0 = performance.now();
      // fresh: a new snapshot object each frame, as in playback, so nothing is cached.
      const snapshot = x.fresh ? { ...r.snapshots[0] } : r.snapshots[0];
      ll.drawBoundary(ctx, r, { width: 560, height: 500, palette: pal, createCanvas: ll.canvasFactory, snapshot, ...x });
      ctx.getImageData(0, 0, 1, 1); // forces the drawing to be rasterised
      times.push(performance.now() - t0);
    }
    c.remove();
    return times.slice(10).sort((a, b) => a - b);
  }, [run, extra] as const);
  const cases: [string, Record<string, boolean>][] = [
    ['full frame, new snapshot (100×100 heatmap + contour + 300 points)', { fresh: true }],
    ['full frame, repaint of the same snapshot', {}],
    ['  without the contour', { showContour: false }],
    ['  without the points', { showTrain: false, showVal: false }],
    ['  heatmap only', { showContour: false, showTrain: false, showVal: false, showAxes: false, showLegend: false }],
  ];
  for (const [name, extra] of cases) {
    const ms = await measure(extra);
    console.log(`${name}: median ${ms[Math.floor(ms.length / 2)].toFixed(2)} ms, p90 ${ms[Math.floor(ms.length * 0.9)].toFixed(2)} ms`);
  }
  console.log('target: full frame ≤ 8 ms');
  await browser.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
