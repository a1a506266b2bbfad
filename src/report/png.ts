// PNG pictures for the CLI, drawn by the same renderers as the panel on a @napi-rs/canvas (Skia).
import { createCanvas } from '@napi-rs/canvas';
import { Chart } from 'chart.js';
import type { BoundarySnapshot, RunRecord } from '../core/engine/types';
import { drawBoundary, type Ctx2D } from '../../webview/render/boundary';
import { curvesConfig, type Metric } from '../../webview/render/curves';
import { darkPalette, lightPalette, type Palette } from '../../webview/render/palette';

export interface PngOptions {
  width?: number;
  height?: number;
  theme?: 'light' | 'dark';
  palette?: Palette;
  /** Epoch of the snapshot to draw (the nearest recorded one at or before it); default the last. */
  epoch?: number;
  title?: string;
  /** Device pixels per unit (2 for crisp pictures on high-DPI screens). */
  scale?: number;
}

const paletteOf = (opts: PngOptions) => opts.palette ?? (opts.theme === 'dark' ? darkPalette : lightPalette);

export function snapshotAt(run: RunRecord, epoch?: number): BoundarySnapshot | undefined {
  if (epoch === undefined) return run.snapshots.at(-1);
  let best: BoundarySnapshot | undefined;
  for (const s of run.snapshots) if (s.epoch <= epoch && (!best || s.epoch > best.epoch)) best = s;
  return best ?? run.snapshots[0];
}

export function renderBoundaryPng(run: RunRecord, opts: PngOptions = {}): Buffer {
  const width = opts.width ?? 640, height = opts.height ?? 560, k = opts.scale ?? 1;
  const canvas = createCanvas(Math.round(width * k), Math.round(height * k));
  const ctx = canvas.getContext('2d');
  ctx.scale(k, k);
  const snap = snapshotAt(run, opts.epoch);
  drawBoundary(ctx as unknown as Ctx2D, run, {
    width, height, palette: paletteOf(opts), snapshot: snap,
    createCanvas: (w, h) => createCanvas(w, h),
    title: opts.title ?? `${run.name}${snap ? ` · epoch ${snap.epoch}` : ''}`,
  });
  return canvas.toBuffer('image/png');
}

/** Loss and accuracy side by side (train vs validation, best epoch and stops marked). */
export function renderCurvesPng(run: RunRecord, opts: PngOptions & { log?: boolean; smoothing?: number } = {}): Buffer {
  const width = opts.width ?? 960, height = opts.height ?? 360, k = opts.scale ?? 1;
  const pal = paletteOf(opts);
  const canvas = createCanvas(Math.round(width * k), Math.round(height * k));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = pal.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const metrics: Metric[] = ['loss', 'accuracy'];
  metrics.forEach((metric, n) => {
    // Chart.js takes the canvas size as CSS pixels and multiplies it by devicePixelRatio itself.
    const part = createCanvas(Math.round(width / 2), height);
    const config = curvesConfig([run], { metric, palette: pal, log: opts.log, smoothing: opts.smoothing, title: `${run.name} · ${metric}` });
    config.options!.devicePixelRatio = k;
    // Chart.js picks its DOM-free platform in Node and draws straight onto the canvas's context.
    const chart = new Chart(part as unknown as HTMLCanvasElement, config);
    chart.draw();
    ctx.drawImage(part, Math.round((n * width * k) / 2), 0);
    chart.destroy();
  });
  return canvas.toBuffer('image/png');
}
