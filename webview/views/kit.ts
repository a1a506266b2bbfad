// What every view of the panel shares: the UI state, the experiments the panel knows (one PanelRuns
// each, so runs of different experiments never mix), the view's DOM root and the drawing helpers.
// main.ts owns the frame loop and installs requestRender/rebuild here.
import type { Chart } from 'chart.js';
import type { RunRecord } from '../../src/core/engine/types';
import type { FromWebview } from '../../src/protocol';
import { h, fmtPct, sizeCanvas } from '../dom';
import { drawBoundary, undefinedCells, type BoundaryLayout, type Ctx2D } from '../render/boundary';
import type { curvesConfig } from '../render/curves';
import { paletteFromCss, type Palette } from '../render/palette';
import { PanelRuns } from '../store';

export const TAB_IDS = ['boundary', 'animation', 'curves', 'compare', 'seeds', 'report', 'network', 'explore'] as const;
export type Tab = (typeof TAB_IDS)[number];

export interface UiState {
  tab: Tab; runId?: string; frame: number; follow: boolean; speed: number; playing: boolean;
  log: boolean; smoothing: number; threshold: number; split: 'train' | 'val';
  sortKey: string; sortDir: 1 | -1; showTrain: boolean; showVal: boolean; showContour: boolean; successAt?: number;
  curveMetric: 'loss' | 'accuracy';
}
export const defaults: UiState = { tab: 'boundary', frame: 0, follow: true, speed: 1, playing: false, log: false, smoothing: 0, threshold: 0.5, split: 'val', sortKey: 'valAcc', sortDir: -1, showTrain: true, showVal: true, showContour: true, curveMetric: 'loss' };

interface VsCodeApi { postMessage(msg: FromWebview): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;
export const vscode: VsCodeApi | null = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;

export const ui: UiState = { ...defaults };

/**
 * One experiment (or one Compare Runs selection) the panel can show. Run ids are unique only within
 * an experiment, so each has its own store; the views only ever see the selected one's runs.
 */
export interface Scope { key: string; title: string; store: PanelRuns; path?: string }
export const scopes: Scope[] = [];
let current: Scope = { key: '', title: 'Logit Lab', store: new PanelRuns() };
scopes.push(current);

export const scope = (): Scope => current;
/** The runs the views combine: the selected experiment's, nothing else. */
export const runs = (): RunRecord[] => current.store.runs;
export const store = (): PanelRuns => current.store;

/** The scope for an experiment title, created (empty) if new; selected when `select`. */
export function scopeFor(title: string, select: boolean, path?: string): Scope {
  let s = scopes.find((x) => x.key === title);
  if (!s) {
    // The empty start-up scope is taken over by the first experiment rather than listed.
    if (!current.key && !current.store.runs.length) s = current;
    else scopes.push((s = { key: title, title, store: new PanelRuns() }));
    s.key = title;
    s.title = title;
  }
  if (path) s.path = path;
  if (select) selectScope(s);
  return s;
}

export function selectScope(s: Scope): void {
  if (s === current) return;
  current = s;
  const first = s.store.runs.find((r) => r.kind === 'model') ?? s.store.runs[0];
  ui.runId = first?.id;
  ui.frame = Math.max(0, (first?.snapshots.length ?? 1) - 1);
  ui.follow = true;
  ui.playing = false;
}

export const charts = new Map<string, Chart>();
/** The epoch of the boundary last painted on each canvas (benchmarks and tests read it). */
export const painted: Record<string, number | undefined> = {};
/** Boundary frames painted while training, and how many showed the data points (the editor test reads them). */
export const liveStats = { frames: 0, withPoints: 0, withBoundary: 0, distinct: 0, firstAt: 0, lastAt: 0 };
export const layouts: Record<string, BoundaryLayout> = {};
/**
 * The live picture's timeline, in wall-clock ms (Date.now(), the host's clock too): when each batch
 * was posted by the host and received here, when each snapshot reached the host (LiveTrace), and
 * when each new boundary of a running run was painted. Tests and benches derive frames/s, lag in
 * snapshots and latency from it. Bounded: a long training keeps the most recent entries.
 */
export const liveTrace = {
  batches: [] as [postedAt: number, receivedAt: number, queuedAt: number, bytes: number][],
  marks: [] as [what: string, at: number][],
  arrived: [] as [runId: string, epoch: number, at: number][],
  painted: [] as [runId: string, epoch: number, at: number][],
};
const TRACE_MAX = 20_000;
export function traced<T>(list: T[], item: T): void {
  if (list.length >= TRACE_MAX) list.splice(0, TRACE_MAX / 2);
  list.push(item);
}

/** Installed by main.ts. */
export const hooks = { requestRender: () => {}, rebuild: () => {} };
export const requestRender = () => hooks.requestRender();
export const rebuild = () => hooks.rebuild();

/** The element the current view builds into; `refresh` repaints it every frame. */
export const views = h('main', { class: 'll-view', role: 'tabpanel', tabindex: 0, id: 'll-view' });
export const view = { refresh: () => {} };

export const palette = (): Palette => paletteFromCss(document.body);
export const canvasFactory = (w: number, hgt: number) => {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = hgt;
  return c;
};

export function post(msg: FromWebview): void {
  if (vscode) vscode.postMessage(msg);
}

/** A short-lived note under the header (export saved, copied…), read out by screen readers. */
export const toast = h('div', { class: 'll-toast', role: 'status', 'aria-live': 'polite' });
let toastTimer: ReturnType<typeof setTimeout> | undefined;
export function say(text: string): void {
  toast.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.textContent = ''; }, 4000);
}

export function exportData(format: 'png' | 'csv' | 'json', name: string, data: string): void {
  if (vscode) {
    post({ type: 'export', format, name, data });
    say(`Exporting ${name}: choose where to save it.`);
    return;
  }
  // In a standalone report: a download link.
  const href = format === 'png' ? data : URL.createObjectURL(new Blob([data], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
  const a = h('a', { href, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  say(`Downloaded ${name}.`);
}

export function runPicker(): HTMLElement {
  const sel = h('select', { 'aria-label': 'Run', class: 'll-run-picker' });
  for (const r of runs()) sel.append(h('option', { value: r.id, selected: r.id === ui.runId }, `${r.name} (${r.status})`));
  sel.addEventListener('change', () => { ui.runId = sel.value; ui.frame = Math.max(0, (store().get(sel.value)?.snapshots.length ?? 1) - 1); ui.follow = true; rebuild(); });
  return sel;
}

export function checkbox(label: string, key: 'showTrain' | 'showVal' | 'showContour' | 'log'): HTMLElement {
  const input = h('input', { type: 'checkbox', checked: ui[key] });
  input.addEventListener('change', () => { ui[key] = input.checked; requestRender(); });
  return h('label', { class: 'll-check' }, input, label);
}

let ChartClass: typeof Chart | undefined;
export function setChartClass(c: typeof Chart): void { ChartClass = c; }

export function chartIn(key: string, canvas: HTMLCanvasElement, config: ReturnType<typeof curvesConfig> | ConstructorParameters<typeof Chart>[1]): Chart {
  const chart = charts.get(key);
  if (chart && chart.canvas === canvas) {
    chart.data = config.data as Chart['data'];
    chart.options = config.options as Chart['options'];
    chart.update('none');
    return chart;
  }
  chart?.destroy();
  const created = new ChartClass!(canvas, config as ConstructorParameters<typeof Chart>[1]) as unknown as Chart;
  charts.set(key, created);
  return created;
}

/**
 * Size of a plot that fills its box: the box's width (at least min), and a height from the aspect
 * ratio capped by what is left of the window below the box's top, so a maximised panel gets bigger
 * plots and the default side-by-side layout gets no scrollbar.
 */
export function fit(box: HTMLElement, aspect: number, min = { width: 240, height: 180 }, max = { width: 1400, height: 1000 }): { width: number; height: number } {
  // Never wider than the box (a narrow side bar must not scroll sideways), never wider than max.
  const avail = Math.floor(box.clientWidth || min.width);
  const width = Math.min(max.width, avail < min.width ? Math.max(120, avail) : avail);
  const top = box.getBoundingClientRect().top + (globalThis.scrollY || 0);
  const room = Math.max(min.height, (globalThis.innerHeight || 800) - Math.max(0, top - (globalThis.scrollY || 0)) - 48);
  let height = Math.round(width / aspect);
  if (height > room) height = Math.max(min.height, Math.floor(room));
  return { width: Math.min(width, Math.round(height * aspect * 1.6)), height: Math.min(max.height, height) };
}

export function boundaryCanvas(key: string, label: string): HTMLCanvasElement {
  return h('canvas', { class: 'll-boundary', 'data-key': key, role: 'img', 'aria-label': label });
}

export function paintBoundary(key: string, canvas: HTMLCanvasElement, run: RunRecord, width: number, height: number, snapIndex?: number, extra: { title?: string; scale?: number; showAxes?: boolean; showLegend?: boolean } = {}): void {
  const ctx = sizeCanvas(canvas, width, height);
  const snapshot = snapIndex === undefined ? run.snapshots.at(-1) : run.snapshots[Math.min(snapIndex, run.snapshots.length - 1)];
  layouts[key] = drawBoundary(ctx as unknown as Ctx2D, run, {
    width, height, palette: palette(), createCanvas: canvasFactory, snapshot,
    showTrain: ui.showTrain, showVal: ui.showVal, showContour: ui.showContour, ...extra,
  });
  const changed = painted[key] !== snapshot?.epoch;
  painted[key] = snapshot?.epoch;
  if (run.status === 'running') {
    const now = performance.now();
    if (!liveStats.firstAt) liveStats.firstAt = now;
    liveStats.lastAt = now;
    if (changed && snapshot) {
      liveStats.distinct++;
      if (key === 'boundary') traced(liveTrace.painted, [run.id, snapshot.epoch, Date.now()]);
    }
    liveStats.frames++;
    if (run.points?.train.x.length && (ui.showTrain || ui.showVal)) liveStats.withPoints++;
    if (snapshot) liveStats.withBoundary++;
  }
  canvas.setAttribute('aria-label', `Decision boundary of ${run.name}${snapshot ? ` at epoch ${snapshot.epoch}` : ''}`);
}

/** The accuracy a run is judged by: validation if it has a validation split, else training. */
export function judgedAcc(r: RunRecord): { value: number | undefined; split: 'val' | 'train' } {
  const f = r.final ?? r.history.at(-1);
  const val = f?.valAcc;
  if (val !== null && val !== undefined && Number.isFinite(val)) return { value: val, split: 'val' };
  const train = f?.trainAcc;
  return { value: train !== undefined && Number.isFinite(train) ? train : undefined, split: 'train' };
}

/** One line about the run; refreshed in place as live epochs arrive. */
export function summary(run: RunRecord, el: HTMLElement = h('p', { class: 'll-summary', 'aria-live': 'off' })): HTMLElement {
  const running = run.status === 'running';
  const f = !running && run.final ? run.final : run.history.at(-1);
  const hasVal = f?.valAcc !== null && f?.valAcc !== undefined;
  el.replaceChildren(
    `${run.params} parameters · ${run.history.length} epochs · train acc ${fmtPct(f?.trainAcc)}${hasVal ? ` · val acc ${fmtPct(f?.valAcc)}` : ' · no validation split'} · ${run.status}`,
    !running && run.message ? h('span', { class: run.status === 'diverged' || run.status === 'failed' ? 'll-alert' : 'll-muted' }, ` — ${run.message}`) : '',
    run.stuckAtLn2 ? h('span', { class: 'll-alert' }, ' — stuck at loss ln 2: the network predicts ½ everywhere') : '',
    undefinedNote(run),
    ...(run.notes ?? []).map((n) => h('span', { class: 'll-note' }, h('br'), `Note: ${n}`)));
  return el;
}

/** Grey cells explained: where the newest boundary is not a number. */
function undefinedNote(run: RunRecord): string | HTMLElement {
  const snap = run.snapshots.at(-1);
  const n = snap && run.grid ? undefinedCells(snap, run.grid.classes) : 0;
  return n ? h('span', { class: 'll-alert ll-undefined' }, ` — ${n} of ${run.grid!.nx * run.grid!.ny} grid cells undefined (grey): the model's output is not a number there`) : '';
}

export interface ViewDef {
  id: Tab;
  label: string;
  /** Builds the view's DOM into `views` and sets `view.refresh`. */
  build(run: RunRecord): void;
}
