// Draws a run's decision boundary onto any 2-D canvas context: the browser's (panel, HTML report)
// and @napi-rs/canvas's (CLI PNGs), so every picture of a boundary comes from this one function.
//
// Binary: P(class 1) as a heatmap on a diverging colour-blind-safe map, the 0.5 contour, points.
// k classes: each cell takes the colour of its most likely class, confidence as strength, borders
// where the argmax changes. 1-D data (grid ny = 1): the probability curve over x with the targets.
import { contours } from 'd3-contour';
import type { BoundarySnapshot, GridSpec, RunRecord } from '../../src/core/engine/types';
import { classColor, divergingColor, mix, parseColor, type Palette } from './palette';

/** The subset of CanvasRenderingContext2D we use; the DOM's and @napi-rs/canvas's both provide it. */
export type Ctx2D = Pick<CanvasRenderingContext2D,
  'save' | 'restore' | 'beginPath' | 'closePath' | 'moveTo' | 'lineTo' | 'arc' | 'rect' | 'fill' | 'stroke' | 'clip'
  | 'fillRect' | 'strokeRect' | 'fillText' | 'measureText' | 'translate' | 'rotate' | 'setLineDash' | 'drawImage'
  | 'createImageData' | 'putImageData'>
  & { fillStyle: unknown; strokeStyle: unknown; lineWidth: number; font: string; textAlign: CanvasTextAlign; textBaseline: CanvasTextBaseline; globalAlpha: number; imageSmoothingEnabled: boolean };

/** Something with a 2-D context: an HTMLCanvasElement, an OffscreenCanvas or a @napi-rs/canvas Canvas. */
export interface CanvasLike { width: number; height: number; getContext(type: '2d'): unknown }
export type CanvasFactory = (width: number, height: number) => CanvasLike;

export interface BoundaryOptions {
  /** Size of the area to draw into, in context units, starting at (x, y). */
  width: number;
  height: number;
  x?: number;
  y?: number;
  palette: Palette;
  /** Makes the small offscreen canvas the heatmap is upscaled from. */
  createCanvas: CanvasFactory;
  /** Which snapshot; default the last. */
  snapshot?: BoundarySnapshot;
  showTrain?: boolean;
  showVal?: boolean;
  showContour?: boolean;
  showMisclassified?: boolean;
  showAxes?: boolean;
  showLegend?: boolean;
  /** Drawn above the plot, e.g. the run name and epoch. */
  title?: string;
  /** Scale of text and marks (1 = 11px text); small multiples use < 1. */
  scale?: number;
}

/** Where the plot landed, to map data ↔ pixels (hover read-outs, tests). */
export interface BoundaryLayout {
  plot: { x: number; y: number; width: number; height: number };
  toPx(x: number, y: number): [number, number];
  toData(px: number, py: number): [number, number];
  /** Model-input value → the value in the data's own units (CSV features are standardised). */
  unitX(v: number): number;
  unitY(v: number): number;
  oneD: boolean;
  /** Points drawn with a cross (the model gets them wrong). */
  misclassified?: number;
}

/** Standardised input → original units, from the run's fitted preprocessing (identity for raw features). */
export function originalUnits(run: RunRecord, feature: number): (v: number) => number {
  const enc = run.preprocessing?.features[feature];
  if (!enc || enc.kind !== 'numeric' || (enc.mean === 0 && enc.std === 1)) return (v) => v;
  return (v) => v * enc.std + enc.mean;
}

export function isOneD(grid: GridSpec): boolean {
  return grid.ny === 1 || grid.features[1] < 0;
}

/** Class probabilities at a data point, bilinearly interpolated from the snapshot's grid. */
export function probabilitiesAt(grid: GridSpec, snap: BoundarySnapshot, x: number, y: number): number[] {
  const k = grid.classes <= 2 ? 1 : grid.classes;
  const fx = grid.nx > 1 ? ((x - grid.xMin) / (grid.xMax - grid.xMin)) * (grid.nx - 1) : 0;
  const fy = grid.ny > 1 ? ((y - grid.yMin) / (grid.yMax - grid.yMin)) * (grid.ny - 1) : 0;
  const cx = Math.min(Math.max(fx, 0), grid.nx - 1), cy = Math.min(Math.max(fy, 0), grid.ny - 1);
  const i0 = Math.floor(cx), j0 = Math.floor(cy);
  const i1 = Math.min(i0 + 1, grid.nx - 1), j1 = Math.min(j0 + 1, grid.ny - 1);
  const tx = cx - i0, ty = cy - j0;
  const at = (i: number, j: number, c: number) => snap.probs[(j * grid.nx + i) * k + c];
  const out: number[] = [];
  for (let c = 0; c < k; c++) {
    out.push((at(i0, j0, c) * (1 - tx) + at(i1, j0, c) * tx) * (1 - ty) + (at(i0, j1, c) * (1 - tx) + at(i1, j1, c) * tx) * ty);
  }
  return k === 1 ? [1 - out[0], out[0]] : out;
}

const argmax = (p: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
};

/** Round numbers for axis ticks between lo and hi. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return ticks;
}

const fmtTick = (t: number) => (Math.abs(t) >= 1000 || (Math.abs(t) < 0.01 && t !== 0) ? t.toExponential(0) : String(Number(t.toFixed(3))));

export function drawBoundary(ctx: Ctx2D, run: RunRecord, opts: BoundaryOptions): BoundaryLayout {
  const grid = run.grid;
  const pal = opts.palette;
  const s = opts.scale ?? 1;
  const ox = opts.x ?? 0, oy = opts.y ?? 0;
  const showAxes = opts.showAxes ?? true;
  const fontPx = Math.max(8, Math.round(11 * s));
  const left = showAxes ? Math.round(44 * s) : 2, bottom = showAxes ? Math.round(34 * s) : 2;
  const top = (opts.title ? fontPx + 8 : 4) + ((opts.showLegend ?? true) ? fontPx + 8 : 0), right = Math.round(8 * s);
  const plot = { x: ox + left, y: oy + top, width: Math.max(10, opts.width - left - right), height: Math.max(10, opts.height - top - bottom) };

  ctx.save();
  ctx.fillStyle = pal.background;
  ctx.fillRect(ox, oy, opts.width, opts.height);
  ctx.font = `${fontPx}px ${pal.font}`;
  if (opts.title) {
    ctx.fillStyle = pal.foreground;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(opts.title, ox + left, oy + 3);
  }

  const snap = opts.snapshot ?? run.snapshots.at(-1);
  if (!grid) {
    ctx.fillStyle = pal.muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('No 2-D boundary for this run', plot.x + plot.width / 2, plot.y + plot.height / 2);
    ctx.restore();
    return { plot, toPx: () => [0, 0], toData: () => [0, 0], unitX: (v) => v, unitY: (v) => v, oneD: false };
  }
  const oneD = isOneD(grid);
  const [yLo, yHi] = oneD ? [-0.08, 1.08] : [grid.yMin, grid.yMax];
  const toPx = (x: number, y: number): [number, number] => [
    plot.x + ((x - grid.xMin) / (grid.xMax - grid.xMin)) * plot.width,
    plot.y + (1 - (y - yLo) / (yHi - yLo)) * plot.height,
  ];
  const toData = (px: number, py: number): [number, number] => [
    grid.xMin + ((px - plot.x) / plot.width) * (grid.xMax - grid.xMin),
    yLo + (1 - (py - plot.y) / plot.height) * (yHi - yLo),
  ];
  const layout: BoundaryLayout = { plot, toPx, toData, unitX: originalUnits(run, grid.features[0]), unitY: oneD ? (v) => v : originalUnits(run, grid.features[1]), oneD };

  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.x, plot.y, plot.width, plot.height);
  ctx.clip();
  if (!snap) {
    // Training has started but no boundary is computed yet: the data is already worth seeing.
    if (!oneD) drawPoints(ctx, run, grid, undefined, layout, opts);
    if (!run.points?.train.x.length) {
      ctx.fillStyle = pal.muted;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(run.status === 'running' ? 'Waiting for the first boundary…' : 'No boundary recorded', plot.x + plot.width / 2, plot.y + plot.height / 2);
    }
  } else if (oneD) drawCurve1D(ctx, run, grid, snap, layout, opts);
  else {
    drawHeatmap(ctx, grid, snap, layout, opts);
    if (opts.showContour ?? true) drawBorders(ctx, grid, snap, layout, pal, s);
    drawPoints(ctx, run, grid, snap, layout, opts);
  }
  ctx.restore();

  if (showAxes) drawAxes(ctx, run, grid, layout, pal, fontPx, [yLo, yHi]);
  if (opts.showLegend ?? true) drawLegend(ctx, run, grid, layout, pal, fontPx, oy + (opts.title ? fontPx + 8 : 4));
  ctx.restore();
  return layout;
}

// The small canvas the heatmap is upscaled from, reused across frames of the same size.
const heatCanvases = new WeakMap<CanvasFactory, CanvasLike>();
function heatCanvas(factory: CanvasFactory, nx: number, ny: number): CanvasLike {
  const c = heatCanvases.get(factory);
  if (c && c.width === nx && c.height === ny) return c;
  const made = factory(nx, ny);
  heatCanvases.set(factory, made);
  return made;
}

/** The colour of grid cells where the model's output is not a number. */
const UNDEFINED_RGB: [number, number, number] = [128, 128, 128];

/** Cells of a snapshot whose output is not a number (NaN or ±Infinity): the model diverged there. */
export function undefinedCells(snap: BoundarySnapshot, classes: number): number {
  const k = classes <= 2 ? 1 : classes;
  let n = 0;
  for (let i = 0; i < snap.probs.length; i += k) if (!Number.isFinite(snap.probs[i])) n++;
  return n;
}

function drawHeatmap(ctx: Ctx2D, grid: GridSpec, snap: BoundarySnapshot, layout: BoundaryLayout, opts: BoundaryOptions): void {
  const { nx, ny } = grid;
  const k = grid.classes <= 2 ? 1 : grid.classes;
  const bg = parseColor(opts.palette.background);
  const small = heatCanvas(opts.createCanvas, nx, ny);
  const sctx = small.getContext('2d') as Ctx2D;
  const img = sctx.createImageData(nx, ny);
  const classRgb = Array.from({ length: Math.max(2, grid.classes) }, (_, c) => parseColor(classColor(c, grid.classes)));
  const divergingCache = new Map<number, [number, number, number]>();
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const cell = j * nx + i;
      let rgb: [number, number, number];
      if (!Number.isFinite(snap.probs[cell * k])) {
        // A diverged model's output is not a number here: grey stripes, never a class colour.
        rgb = mix(bg, UNDEFINED_RGB, (i + j) % 4 < 2 ? 0.55 : 0.3);
      } else if (k === 1) {
        const p = snap.probs[cell];
        const key = Math.round(p * 255);
        let c = divergingCache.get(key);
        if (!c) divergingCache.set(key, (c = parseColor(divergingColor(key / 255))));
        // Strength grows with confidence, so p ≈ 0.5 fades into the background in any theme.
        rgb = mix(bg, c, Math.min(1, 0.1 + 0.62 * Math.abs(2 * p - 1) ** 0.8));
      } else {
        const p = snap.probs.slice(cell * k, cell * k + k);
        const c = argmax(p);
        const confidence = (p[c] - 1 / k) / (1 - 1 / k);
        rgb = mix(bg, classRgb[c], 0.12 + 0.55 * Math.max(0, confidence));
      }
      // The grid's y runs upwards, image rows downwards.
      const o = ((ny - 1 - j) * nx + i) * 4;
      img.data[o] = rgb[0];
      img.data[o + 1] = rgb[1];
      img.data[o + 2] = rgb[2];
      img.data[o + 3] = 255;
    }
  }
  sctx.putImageData(img, 0, 0);
  // Grid values sit at cell centres: stretch the image half a cell beyond the grid's extent.
  const cw = layout.plot.width / Math.max(1, nx - 1), ch = layout.plot.height / Math.max(1, ny - 1);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small as unknown as CanvasImageSource, layout.plot.x - cw / 2, layout.plot.y - ch / 2, layout.plot.width + cw, layout.plot.height + ch);
}

/** Polylines of the level set value = threshold of a grid field, in data coordinates. */
export function contourLines(grid: GridSpec, field: ArrayLike<number>, threshold: number): [number, number][][] {
  const { nx, ny } = grid;
  const [poly] = contours().size([nx, ny]).thresholds([threshold]).smooth(true)(field as number[]);
  const dx = (grid.xMax - grid.xMin) / Math.max(1, nx - 1), dy = (grid.yMax - grid.yMin) / Math.max(1, ny - 1);
  // d3-contour puts value i at i + 0.5 and closes rings along the grid's edge: cut those edges out.
  const onEdge = (p: number[]) => p[0] <= 0 || p[0] >= nx || p[1] <= 0 || p[1] >= ny;
  const lines: [number, number][][] = [];
  for (const polygon of poly?.coordinates ?? []) {
    for (const ring of polygon) {
      let line: [number, number][] = [];
      for (let n = 0; n < ring.length; n++) {
        const p = ring[n];
        if (onEdge(p)) {
          if (line.length > 1) lines.push(line);
          line = [];
          continue;
        }
        line.push([grid.xMin + (p[0] - 0.5) * dx, grid.yMin + (p[1] - 0.5) * dy]);
      }
      if (line.length > 1) lines.push(line);
    }
  }
  return lines;
}

// Border lines depend only on the snapshot: computed once, redrawn on every repaint (hover, resize, scrub back).
const borderCache = new WeakMap<BoundarySnapshot, { grid: GridSpec; lines: [number, number][][] }>();

function drawBorders(ctx: Ctx2D, grid: GridSpec, snap: BoundarySnapshot, layout: BoundaryLayout, pal: Palette, s: number): void {
  const cached = borderCache.get(snap);
  const lines = cached && cached.grid === grid ? cached.lines : borderLines(grid, snap);
  if (!cached || cached.grid !== grid) borderCache.set(snap, { grid, lines });
  ctx.strokeStyle = pal.foreground;
  ctx.lineWidth = (pal.highContrast ? 3 : 2) * Math.max(0.6, s);
  ctx.setLineDash([]);
  ctx.beginPath();
  for (const line of lines) {
    line.forEach(([x, y], n) => {
      const [px, py] = layout.toPx(x, y);
      if (n === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    });
  }
  ctx.stroke();
}

/** The 0.5 level set (binary) or every class border (k classes) of a snapshot, in data coordinates. */
export function borderLines(grid: GridSpec, snap: BoundarySnapshot): [number, number][][] {
  const k = grid.classes <= 2 ? 1 : grid.classes;
  const fields: ArrayLike<number>[] = [];
  let threshold = 0.5;
  if (k === 1) fields.push(snap.probs);
  else {
    // Class c's margin over the best other class: its zero level is c's border.
    threshold = 0;
    const n = grid.nx * grid.ny;
    for (let c = 0; c < k; c++) {
      const f = new Float64Array(n);
      for (let cell = 0; cell < n; cell++) {
        let other = -Infinity;
        for (let o = 0; o < k; o++) if (o !== c) other = Math.max(other, snap.probs[cell * k + o]);
        f[cell] = snap.probs[cell * k + c] - other;
      }
      fields.push(f);
    }
  }
  return fields.flatMap((field) => contourLines(grid, field, threshold));
}

/**
 * Which points the model gets wrong. At a finished run's last boundary, the model's own predictions
 * (the record keeps them per point); at earlier frames and while training, the snapshot, which is
 * the model itself only when the data has just the plotted features — on a 2-D slice of wider data
 * it would judge by the slice, so no crosses are drawn there.
 */
function misclassified(run: RunRecord, grid: GridSpec, snap: BoundarySnapshot | undefined, which: 'train' | 'val'): ((n: number) => boolean) | undefined {
  const pts = run.points![which];
  // The recorded predictions are the finished model's: they belong to its last boundary only (an
  // animation frame of epoch 10 is judged by that epoch's boundary, not by the end result).
  const finalFrame = run.status !== 'running' && (!snap || snap === run.snapshots.at(-1));
  if (finalFrame && pts.predicted && pts.predicted.length === pts.label.length) return (n) => pts.predicted![n] !== pts.label[n];
  const exact = run.featureNames.length === (isOneD(grid) ? 1 : 2);
  if (!snap || !exact) return undefined;
  return (n) => predictedAt(grid, snap, pts.x[n], pts.y[n]) !== pts.label[n];
}

/** The predicted class at a point of the slice the picture shows, from the snapshot. */
function predictedAt(grid: GridSpec, snap: BoundarySnapshot, x: number, y: number): number {
  return argmax(probabilitiesAt(grid, snap, x, y));
}

function drawMark(ctx: Ctx2D, px: number, py: number, r: number, color: string, filled: boolean, wrong: boolean, pal: Palette, s: number): void {
  ctx.beginPath();
  ctx.arc(px, py, r, 0, Math.PI * 2);
  if (filled) {
    ctx.fillStyle = color;
    ctx.fill();
    ctx.strokeStyle = pal.dark ? 'rgba(0,0,0,0.8)' : 'rgba(255,255,255,0.9)';
    ctx.lineWidth = 1 * Math.max(0.6, s);
    ctx.stroke();
  } else {
    ctx.strokeStyle = pal.dark ? 'rgba(0,0,0,0.8)' : 'rgba(255,255,255,0.9)';
    ctx.lineWidth = 3.5 * Math.max(0.6, s);
    ctx.stroke();
    ctx.strokeStyle = color;
    ctx.lineWidth = 2 * Math.max(0.6, s);
    ctx.stroke();
  }
  if (wrong) {
    const d = r + 2.5 * s;
    ctx.strokeStyle = pal.foreground;
    ctx.lineWidth = 1.6 * Math.max(0.6, s);
    ctx.beginPath();
    ctx.moveTo(px - d, py - d);
    ctx.lineTo(px + d, py + d);
    ctx.moveTo(px - d, py + d);
    ctx.lineTo(px + d, py - d);
    ctx.stroke();
  }
}

// Point marks are drawn once into small sprites (at 3× for sharp high-DPI output) and stamped with
// drawImage: hundreds of stroked arcs per frame cost several ms in a software-rasterised webview.
const spriteCache = new WeakMap<CanvasFactory, Map<string, CanvasLike>>();
const SPRITE_SCALE = 3;
function markSprite(factory: CanvasFactory, r: number, color: string, filled: boolean, pal: Palette, s: number): { sprite: CanvasLike; half: number } {
  let cache = spriteCache.get(factory);
  if (!cache) spriteCache.set(factory, (cache = new Map()));
  const half = r + 3 * Math.max(0.6, s);
  const key = `${r}|${color}|${filled}|${pal.dark}|${s}`;
  let sprite = cache.get(key);
  if (!sprite) {
    const size = Math.ceil(2 * half * SPRITE_SCALE);
    sprite = factory(size, size);
    const sctx = sprite.getContext('2d') as Ctx2D & { scale(x: number, y: number): void };
    sctx.scale(SPRITE_SCALE, SPRITE_SCALE);
    drawMark(sctx, half, half, r, color, filled, false, pal, s);
    cache.set(key, sprite);
  }
  return { sprite, half };
}

function drawPoints(ctx: Ctx2D, run: RunRecord, grid: GridSpec, snap: BoundarySnapshot | undefined, layout: BoundaryLayout, opts: BoundaryOptions): void {
  if (!run.points) return;
  const s = opts.scale ?? 1, pal = opts.palette;
  const r = Math.round(Math.max(1.5, Math.min(4.5, Math.sqrt((layout.plot.width * layout.plot.height) / 9000)) * s) * 4) / 4;
  const lw = Math.max(0.6, s);
  const wrongAt: [number, number][] = [];
  const k = Math.max(2, grid.classes);
  for (const which of ['train', 'val'] as const) {
    if (which === 'train' ? opts.showTrain === false : opts.showVal === false) continue;
    const pts = run.points[which];
    const sprites = Array.from({ length: k }, (_, c) => markSprite(opts.createCanvas, r, classColor(c, grid.classes), which === 'train', pal, s));
    const wrong = misclassified(run, grid, snap, which);
    for (let n = 0; n < pts.x.length; n++) {
      const c = pts.label[n];
      const [px, py] = layout.toPx(pts.x[n], pts.y[n]);
      const { sprite, half } = sprites[c] ?? sprites[0];
      ctx.drawImage(sprite as unknown as CanvasImageSource, px - half, py - half, 2 * half, 2 * half);
      if ((opts.showMisclassified ?? true) && wrong?.(n)) wrongAt.push([px, py]);
    }
  }
  layout.misclassified = wrongAt.length;
  if (wrongAt.length) {
    // All crosses in one path.
    const d = r + 2.5 * s;
    ctx.strokeStyle = pal.foreground;
    ctx.lineWidth = 1.6 * lw;
    ctx.beginPath();
    for (const [px, py] of wrongAt) {
      ctx.moveTo(px - d, py - d);
      ctx.lineTo(px + d, py + d);
      ctx.moveTo(px - d, py + d);
      ctx.lineTo(px + d, py - d);
    }
    ctx.stroke();
  }
}

function drawCurve1D(ctx: Ctx2D, run: RunRecord, grid: GridSpec, snap: BoundarySnapshot, layout: BoundaryLayout, opts: BoundaryOptions): void {
  const pal = opts.palette, s = opts.scale ?? 1;
  const k = grid.classes <= 2 ? 1 : grid.classes;
  // Shade where the model says class 1 (or the argmax class), so the learnt interval is visible.
  const step = layout.plot.width / Math.max(1, grid.nx - 1);
  const bg = parseColor(pal.background);
  for (let i = 0; i < grid.nx; i++) {
    const p = k === 1 ? [1 - snap.probs[i], snap.probs[i]] : snap.probs.slice(i * k, i * k + k);
    const c = argmax(p);
    const [px] = layout.toPx(grid.xMin + (i * (grid.xMax - grid.xMin)) / Math.max(1, grid.nx - 1), 0);
    const shade = mix(bg, parseColor(classColor(c, grid.classes)), 0.1 + 0.25 * Math.abs(p[c] - 1 / Math.max(2, k)) * 2);
    ctx.fillStyle = `rgb(${shade.map(Math.round).join(', ')})`;
    ctx.fillRect(Math.floor(px - step / 2), layout.plot.y, Math.ceil(step) + 1, layout.plot.height);
  }
  // The 0.5 line.
  const [, y05] = layout.toPx(0, 0.5);
  ctx.strokeStyle = pal.muted;
  ctx.lineWidth = 1;
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  ctx.moveTo(layout.plot.x, y05);
  ctx.lineTo(layout.plot.x + layout.plot.width, y05);
  ctx.stroke();
  ctx.setLineDash([]);
  for (let c = k === 1 ? 1 : 0; c < Math.max(2, k); c++) {
    ctx.strokeStyle = k === 1 ? pal.foreground : classColor(c, grid.classes);
    ctx.lineWidth = (pal.highContrast ? 3 : 2.2) * s;
    ctx.beginPath();
    for (let i = 0; i < grid.nx; i++) {
      const p = k === 1 ? snap.probs[i] : snap.probs[i * k + c];
      const [px, py] = layout.toPx(grid.xMin + (i * (grid.xMax - grid.xMin)) / Math.max(1, grid.nx - 1), p);
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.stroke();
  }
  if (!run.points) return;
  const r = 4 * s;
  for (const which of ['train', 'val'] as const) {
    if (which === 'train' ? opts.showTrain === false : opts.showVal === false) continue;
    const pts = run.points[which];
    const wrongOf = misclassified(run, grid, snap, which);
    for (let n = 0; n < pts.x.length; n++) {
      const target = k === 1 ? pts.label[n] : 1;
      const [px, py] = layout.toPx(pts.x[n], target);
      const wrong = (opts.showMisclassified ?? true) && !!wrongOf?.(n);
      drawMark(ctx, px, py, r, classColor(pts.label[n], grid.classes), which === 'train', wrong, pal, s);
    }
  }
}

function drawAxes(ctx: Ctx2D, run: RunRecord, grid: GridSpec, layout: BoundaryLayout, pal: Palette, fontPx: number, [yLo, yHi]: [number, number]): void {
  const { plot } = layout;
  ctx.strokeStyle = pal.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(plot.x + 0.5, plot.y + 0.5, plot.width - 1, plot.height - 1);
  ctx.fillStyle = pal.muted;
  ctx.font = `${fontPx}px ${pal.font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  // Ticks are round numbers in the data's own units, placed where they fall on the model's inputs.
  const ux = layout.unitX, uy = layout.unitY;
  const inverse = (u: (v: number) => number) => { const a = u(0), b = u(1) - a; return (v: number) => (b ? (v - a) / b : v); };
  const zx = inverse(ux), zy = inverse(uy);
  for (const t of niceTicks(ux(grid.xMin), ux(grid.xMax), Math.max(2, Math.floor(plot.width / 70)))) {
    const [px] = layout.toPx(zx(t), 0);
    ctx.fillRect(px, plot.y + plot.height, 1, 4);
    ctx.fillText(fmtTick(t), px, plot.y + plot.height + 5);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yTicks = layout.oneD ? [0, 0.5, 1] : niceTicks(uy(yLo), uy(yHi), Math.max(2, Math.floor(plot.height / 50)));
  let widest = 0;
  for (const t of yTicks) {
    const [, py] = layout.toPx(grid.xMin, layout.oneD ? t : zy(t));
    ctx.fillRect(plot.x - 4, py, 4, 1);
    ctx.fillText(fmtTick(t), plot.x - 6, py);
    widest = Math.max(widest, ctx.measureText(fmtTick(t)).width);
  }
  ctx.fillStyle = pal.foreground;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  const xName = run.featureNames[grid.features[0]] ?? `x${grid.features[0]}`;
  ctx.fillText(xName, plot.x + plot.width / 2, plot.y + plot.height + fontPx * 3);
  const yName = layout.oneD ? `P(${run.classNames[1] ?? 'class 1'})` : run.featureNames[grid.features[1]] ?? `x${grid.features[1]}`;
  ctx.save();
  // The axis name sits left of the widest tick label (three-digit ticks such as 170 bpm pushed into it).
  ctx.translate(plot.x - 8 - widest - fontPx / 2, plot.y + plot.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(yName, 0, 0);
  ctx.restore();
}

function drawLegend(ctx: Ctx2D, run: RunRecord, grid: GridSpec, layout: BoundaryLayout, pal: Palette, fontPx: number, y: number): void {
  ctx.font = `${fontPx}px ${pal.font}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  let x = layout.plot.x;
  const cy = y + fontPx / 2 + 2;
  const r = fontPx * 0.35;
  const item = (draw: () => void, label: string) => {
    draw();
    ctx.fillStyle = pal.foreground;
    ctx.fillText(label, x + r * 2 + 4, cy);
    x += r * 2 + 4 + ctx.measureText(label).width + 12;
  };
  const classes = Math.max(2, grid.classes);
  const names = Array.from({ length: classes }, (_, c) => run.classNames[c] ?? String(c));
  // A narrow plot (the side bar) gets the short words, so the legend is not cut off at the edge.
  const long = ['train', 'validation', 'misclassified'];
  const width = (labels: string[]) => [...names, ...labels].reduce((w, l) => w + r * 2 + 16 + ctx.measureText(l).width, 0);
  const [train, val, wrong] = width(long) <= layout.plot.width + (layout.plot.x > 20 ? 20 : 0) ? long : ['train', 'val', 'wrong'];
  names.forEach((name, c) => item(() => { ctx.fillStyle = classColor(c, grid.classes); ctx.fillRect(x, cy - r, r * 2, r * 2); }, name));
  const markAt = (filled: boolean, isWrong: boolean) => () => drawMark(ctx, x + r, cy, r, pal.muted, filled, isWrong, pal, 0.7);
  item(markAt(true, false), train);
  item(markAt(false, false), val);
  item(markAt(false, true), wrong);
}
