// The Logit Lab panel. Runs come either from the JSON embedded in an HTML report or from the
// extension host's messages (validated, queued, applied in order, rendered at most once per frame).
import { Chart } from 'chart.js';
import type { RunRecord } from '../src/core/engine/types';
import type { FromWebview } from '../src/protocol';
import { toJson } from '../src/core/json';
import { h, fmtNum, fmtPct, sizeCanvas } from './dom';
import { drawBoundary, probabilitiesAt, undefinedCells, type BoundaryLayout, type Ctx2D } from './render/boundary';
import { curvesConfig } from './render/curves';
import { classColor, divergingColor, paletteFromCss, withAlpha, type Palette } from './render/palette';
import { RunStore } from './store';
import { canTrySample, receivePrediction, sampleSection, settingsSection } from './explore';
import { isRunRecord, isToWebview, wellFormedRuns } from './validate';
import { parseRunPart } from '../src/core/run/json';
import { unpackEmbeddedRuns } from './embedded';

interface VsCodeApi { postMessage(msg: FromWebview): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

const TABS = ['boundary', 'animation', 'curves', 'compare', 'seeds', 'report', 'network', 'explore'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABELS: Record<Tab, string> = { boundary: 'Decision boundary', animation: 'Animation', curves: 'Curves', compare: 'Compare runs', seeds: 'Seed study', report: 'Classification report', network: 'Inside the network', explore: 'Explore' };

interface UiState {
  tab: Tab; runId?: string; frame: number; follow: boolean; speed: number; playing: boolean;
  log: boolean; smoothing: number; threshold: number; split: 'train' | 'val';
  sortKey: string; sortDir: 1 | -1; showTrain: boolean; showVal: boolean; showContour: boolean; successAt?: number;
}
const defaults: UiState = { tab: 'boundary', frame: 0, follow: true, speed: 1, playing: false, log: false, smoothing: 0, threshold: 0.5, split: 'val', sortKey: 'valAcc', sortDir: -1, showTrain: true, showVal: true, showContour: true };

const vscode: VsCodeApi | null = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
const store = new RunStore();
let title = 'Logit Lab';
const saved = (vscode?.getState() ?? {}) as Partial<UiState> & { runs?: unknown[]; title?: string };
const ui: UiState = { ...defaults, ...saved, playing: false };
if (Array.isArray(saved.runs) && saved.runs.every(isRunRecord)) store.replaceAll(saved.runs as RunRecord[]);
if (typeof saved.title === 'string') title = saved.title;

// ---- message queue: every message applied, in order, once per animation frame -------------
const queue: unknown[] = [];
let frameRequested = false;
const charts = new Map<string, Chart>();
const layouts: Record<string, BoundaryLayout> = {};
const stats = { messages: 0, rejected: 0, renders: 0 };

function requestRender(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

function frame(time: number): void {
  frameRequested = false;
  let touched: string | undefined;
  while (queue.length) {
    const msg = queue.shift();
    if (!isToWebview(msg)) { stats.rejected++; console.warn('Logit Lab: ignored a malformed message', msg); continue; }
    stats.messages++;
    if (msg.type === 'showRuns') {
      const { runs, rejected } = wellFormedRuns(msg.runs);
      store.replaceAll(runs, msg.live);
      if (rejected) store.error = `${rejected} of ${msg.runs.length} run${msg.runs.length === 1 ? '' : 's'} could not be read and ${rejected === 1 ? 'is' : 'are'} not shown.`;
      msg.runs = runs;
      title = msg.title;
      const shown = msg.live ? msg.runs[msg.runs.length - 1] : msg.runs[0];
      ui.runId = shown?.id;
      ui.frame = Math.max(0, (shown?.snapshots.length ?? 1) - 1);
    } else if (msg.type === 'live') {
      for (const m of msg.msgs) {
        const id = store.apply(m);
        if (id && (m.type === 'runStart' || !ui.runId || !store.get(ui.runId))) ui.runId = id;
        if (id) touched = id;
        if (m.type === 'experimentStart') title = m.name;
        // Live view follows the run in training; once the experiment is done, show its first model
        // run (not the baseline that happened to train last).
        if (m.type === 'experimentEnd') {
          const first = store.announced.map((rid) => store.get(rid)).find((r) => r && r.kind === 'model');
          if (first) {
            ui.runId = first.id;
            ui.frame = Math.max(0, first.snapshots.length - 1);
          }
        }
      }
    } else if (msg.type === 'theme') {
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      document.body.classList.add(`vscode-${msg.kind}`);
    } else if (msg.type === 'prediction') {
      receivePrediction(msg);
    }
  }
  const run = store.get(ui.runId);
  if (run && ui.follow && (touched === run.id || !ui.playing)) ui.frame = Math.max(0, run.snapshots.length - 1);
  advancePlayback(time);
  render();
  persist();
  if (ui.playing) requestRender();
}

let lastTick = 0;
function advancePlayback(time: number): void {
  const run = store.get(ui.runId);
  if (!ui.playing || !run) { lastTick = time; return; }
  const interval = 1000 / (6 * ui.speed);
  if (time - lastTick < interval) return;
  lastTick = time;
  if (ui.frame < run.snapshots.length - 1) ui.frame++;
  else if (!store.live) { ui.playing = false; ui.follow = true; }
}

// State is saved after things settle (trailing, at most every 0.3 s, every 1.5 s while training), so
// playback and live training do not serialise megabytes of runs on every frame.
let persistTimer: ReturnType<typeof setTimeout> | undefined;
function persist(): void {
  if (!vscode || persistTimer !== undefined) return;
  persistTimer = setTimeout(() => {
    persistTimer = undefined;
    vscode.setState({ ...ui, playing: false, title, runs: store.runs });
  }, store.live ? 1500 : 300);
}

window.addEventListener('message', (e: MessageEvent) => {
  queue.push(e.data);
  requestRender();
});

// ---- layout ---------------------------------------------------------------------------------
const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
const header = h('header', { class: 'll-header' });
const tabList = h('div', { class: 'll-tabs', role: 'tablist', 'aria-label': 'Views' });
const views = h('main', { class: 'll-view', role: 'tabpanel', tabindex: 0 });
app.append(header, tabList, views);

for (const tab of TABS) {
  const b = h('button', { class: 'll-tab', role: 'tab', id: `tab-${tab}`, 'data-tab': tab, 'aria-controls': 'll-view' }, TAB_LABELS[tab]);
  b.addEventListener('click', () => { ui.tab = tab; rebuild(); });
  b.addEventListener('keydown', (e) => {
    const i = TABS.indexOf(tab);
    const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : e.key === 'Home' ? TABS[0] : e.key === 'End' ? TABS[TABS.length - 1] : undefined;
    if (!next) return;
    e.preventDefault();
    ui.tab = next;
    rebuild();
    (tabList.querySelector(`[data-tab="${next}"]`) as HTMLElement).focus();
  });
  tabList.append(b);
}
views.id = 'll-view';

const palette = (): Palette => paletteFromCss(document.body);
const canvasFactory = (w: number, hgt: number) => {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = hgt;
  return c;
};

function post(msg: FromWebview): void {
  if (vscode) vscode.postMessage(msg);
}

function exportData(format: 'png' | 'csv' | 'json', name: string, data: string): void {
  if (vscode) { post({ type: 'export', format, name, data }); return; }
  // In a standalone report: a download link.
  const href = format === 'png' ? data : URL.createObjectURL(new Blob([data], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
  const a = h('a', { href, download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function historyCsv(run: RunRecord): string {
  const layers = Math.max(0, ...run.history.map((e) => e.alive.length));
  const head = ['epoch', 'trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'ms', ...Array.from({ length: layers }, (_, l) => `alive${l}`)];
  return [head.join(','), ...run.history.map((e) => [e.epoch, e.trainLoss, e.trainAcc, e.valLoss ?? '', e.valAcc ?? '', e.ms, ...e.alive].join(','))].join('\n') + '\n';
}

// ---- per-view DOM, rebuilt when the tab or run changes, refreshed every frame ---------------
let refresh: () => void = () => {};

function runPicker(): HTMLElement {
  const sel = h('select', { 'aria-label': 'Run', class: 'll-run-picker' });
  for (const r of store.runs) sel.append(h('option', { value: r.id, selected: r.id === ui.runId }, `${r.name} (${r.status})`));
  sel.addEventListener('change', () => { ui.runId = sel.value; ui.frame = Math.max(0, (store.get(sel.value)?.snapshots.length ?? 1) - 1); ui.follow = true; rebuild(); });
  return sel;
}

function checkbox(label: string, key: 'showTrain' | 'showVal' | 'showContour' | 'log'): HTMLElement {
  const input = h('input', { type: 'checkbox', checked: ui[key] });
  input.addEventListener('change', () => { ui[key] = input.checked; requestRender(); });
  return h('label', { class: 'll-check' }, input, label);
}

function chartIn(key: string, canvas: HTMLCanvasElement, config: ReturnType<typeof curvesConfig> | ConstructorParameters<typeof Chart>[1]): Chart {
  const chart = charts.get(key);
  if (chart && chart.canvas === canvas) {
    chart.data = config.data as Chart['data'];
    chart.options = config.options as Chart['options'];
    chart.update('none');
    return chart;
  }
  chart?.destroy();
  const created = new Chart(canvas, config as ConstructorParameters<typeof Chart>[1]) as unknown as Chart;
  charts.set(key, created);
  return created;
}

function boundaryCanvas(key: string, width: number, height: number, label: string): HTMLCanvasElement {
  const c = h('canvas', { class: 'll-boundary', 'data-key': key, role: 'img', 'aria-label': label });
  sizeCanvas(c, width, height);
  return c;
}

function paintBoundary(key: string, canvas: HTMLCanvasElement, run: RunRecord, width: number, height: number, snapIndex?: number, extra: { title?: string; scale?: number; showAxes?: boolean; showLegend?: boolean } = {}): void {
  const ctx = sizeCanvas(canvas, width, height);
  const snapshot = snapIndex === undefined ? run.snapshots.at(-1) : run.snapshots[Math.min(snapIndex, run.snapshots.length - 1)];
  layouts[key] = drawBoundary(ctx as unknown as Ctx2D, run, {
    width, height, palette: palette(), createCanvas: canvasFactory, snapshot,
    showTrain: ui.showTrain, showVal: ui.showVal, showContour: ui.showContour, ...extra,
  });
  canvas.setAttribute('aria-label', `Decision boundary of ${run.name}${snapshot ? ` at epoch ${snapshot.epoch}` : ''}`);
}

function viewBoundary(run: RunRecord): void {
  const canvas = boundaryCanvas('boundary', 560, 500, 'Decision boundary');
  const sum = summary(run);
  const readout = h('div', { class: 'll-readout', 'aria-live': 'polite' }, 'Hover the picture to read P(class).');
  const png = h('button', {}, 'Export PNG');
  png.addEventListener('click', () => exportData('png', `${run.id}-boundary.png`, canvas.toDataURL('image/png')));
  const json = h('button', {}, 'Export run JSON');
  json.addEventListener('click', () => exportData('json', `${run.id}.json`, toJson(run)));
  canvas.addEventListener('mousemove', (e) => {
    const layout = layouts.boundary;
    const snap = store.get(ui.runId)?.snapshots.at(-1);
    if (!layout || !run.grid || !snap) return;
    const rect = canvas.getBoundingClientRect();
    const [x, y] = layout.toData(e.clientX - rect.left, e.clientY - rect.top);
    const p = probabilitiesAt(run.grid, snap, x, layout.oneD ? 0 : y);
    readout.textContent = `${run.featureNames[run.grid.features[0]] ?? 'x'} = ${fmtNum(x, 3)}${layout.oneD ? '' : `, ${run.featureNames[run.grid.features[1]] ?? 'y'} = ${fmtNum(y, 3)}`}: ` + p.map((v, c) => `P(${run.classNames[c] ?? c}) = ${v.toFixed(3)}`).join(', ');
  });
  views.append(
    h('div', { class: 'll-toolbar' }, runPicker(), checkbox('train points', 'showTrain'), checkbox('validation points', 'showVal'), checkbox('boundary line', 'showContour'), png, json),
    canvas, readout, sum,
  );
  refresh = () => {
    const r = store.get(ui.runId);
    if (!r) return;
    paintBoundary('boundary', canvas, r, 560, 500, undefined, { title: `${r.name} · epoch ${r.snapshots.at(-1)?.epoch ?? '–'}` });
    summary(r, sum);
  };
}

/** One line about the run; refreshed in place as live epochs arrive. */
function summary(run: RunRecord, el: HTMLElement = h('p', { class: 'll-summary', 'aria-live': 'off' })): HTMLElement {
  const running = run.status === 'running';
  const f = !running && run.final ? run.final : run.history.at(-1);
  el.replaceChildren(
    `${run.params} parameters · ${run.history.length} epochs · train acc ${fmtPct(f?.trainAcc)} · val acc ${fmtPct(f?.valAcc)} · ${run.status}`,
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

function viewAnimation(): void {
  const canvas = boundaryCanvas('animation', 520, 460, 'Decision boundary animation');
  const play = h('button', { class: 'll-play', 'aria-label': 'Play' }, '▶ Play');
  const slider = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, class: 'll-scrub', 'aria-label': 'Epoch' });
  const speed = h('select', { 'aria-label': 'Speed' }, ...[0.25, 0.5, 1, 2, 4].map((s) => h('option', { value: s, selected: s === ui.speed }, `${s}×`)));
  const info = h('div', { class: 'll-frame-info', 'aria-live': 'off' });
  const chartCanvas = h('canvas', { class: 'll-chart', role: 'img', 'aria-label': 'Loss up to the current epoch' });
  play.addEventListener('click', () => {
    const r = store.get(ui.runId);
    if (!ui.playing && r && ui.frame >= r.snapshots.length - 1) ui.frame = 0;
    ui.playing = !ui.playing;
    ui.follow = false;
    requestRender();
  });
  slider.addEventListener('input', () => { ui.frame = Number(slider.value); ui.playing = false; ui.follow = ui.frame >= Number(slider.max); requestRender(); });
  speed.addEventListener('change', () => { ui.speed = Number(speed.value); requestRender(); });
  views.append(h('div', { class: 'll-toolbar' }, runPicker(), play, h('label', {}, 'epoch ', slider), h('label', {}, 'speed ', speed)), info, h('div', { class: 'll-row' }, canvas, h('div', { class: 'll-chart-box' }, chartCanvas)));
  refresh = () => {
    const r = store.get(ui.runId);
    if (!r) return;
    const n = r.snapshots.length;
    ui.frame = Math.min(ui.frame, Math.max(0, n - 1));
    slider.max = String(Math.max(0, n - 1));
    slider.value = String(ui.frame);
    const snap = r.snapshots[ui.frame];
    const epoch = snap?.epoch;
    const h_ = r.history.find((e) => e.epoch === epoch) ?? r.history.at(-1);
    slider.setAttribute('aria-valuetext', `epoch ${epoch ?? '–'}`);
    play.textContent = ui.playing ? '⏸ Pause' : '▶ Play';
    play.setAttribute('aria-label', ui.playing ? 'Pause' : 'Play');
    info.textContent = `epoch ${epoch ?? '–'} / ${r.history.at(-1)?.epoch ?? '–'} · loss ${fmtNum(h_?.trainLoss)} · val loss ${fmtNum(h_?.valLoss)} · acc ${fmtPct(h_?.trainAcc)}${store.live ? ' · training…' : ''}`;
    paintBoundary('animation', canvas, r, 520, 460, ui.frame, { title: `${r.name} · epoch ${epoch ?? '–'}` });
    sizeCanvas(chartCanvas, 380, 260);
    chartIn('animation-loss', chartCanvas, curvesConfig([r], { metric: 'loss', palette: palette(), upToEpoch: epoch, markers: false, log: ui.log }));
  };
}

function viewCurves(run: RunRecord): void {
  const loss = h('canvas', { class: 'll-chart', id: 'chart-loss', role: 'img', 'aria-label': 'Loss curves' });
  const sum = summary(run);
  const acc = h('canvas', { class: 'll-chart', id: 'chart-acc', role: 'img', 'aria-label': 'Accuracy curves' });
  const smoothing = h('input', { type: 'range', min: 0, max: 0.95, step: 0.05, value: ui.smoothing, 'aria-label': 'Smoothing' });
  smoothing.addEventListener('input', () => { ui.smoothing = Number(smoothing.value); requestRender(); });
  const csv = h('button', {}, 'Export CSV');
  csv.addEventListener('click', () => exportData('csv', `${run.id}-history.csv`, historyCsv(store.get(ui.runId) ?? run)));
  const png = h('button', {}, 'Export PNG');
  png.addEventListener('click', () => exportData('png', `${run.id}-loss.png`, loss.toDataURL('image/png')));
  views.append(h('div', { class: 'll-toolbar' }, runPicker(), checkbox('log scale', 'log'), h('label', {}, 'smoothing ', smoothing), csv, png),
    h('div', { class: 'll-row' }, h('div', { class: 'll-chart-box' }, loss), h('div', { class: 'll-chart-box' }, acc)), sum);
  refresh = () => {
    const r = store.get(ui.runId);
    if (!r) return;
    summary(r, sum);
    const pal = palette();
    sizeCanvas(loss, 460, 300);
    sizeCanvas(acc, 460, 300);
    chartIn('loss', loss, curvesConfig([r], { metric: 'loss', palette: pal, log: ui.log, smoothing: ui.smoothing, title: 'loss' }));
    chartIn('acc', acc, curvesConfig([r], { metric: 'accuracy', palette: pal, smoothing: ui.smoothing, title: 'accuracy' }));
  };
}

const COLUMNS: { key: string; label: string; value: (r: RunRecord) => number | string }[] = [
  { key: 'name', label: 'Run', value: (r) => r.name },
  { key: 'params', label: 'Params', value: (r) => r.params },
  { key: 'trainAcc', label: 'Train acc', value: (r) => r.final?.trainAcc ?? r.history.at(-1)?.trainAcc ?? -1 },
  { key: 'valAcc', label: 'Val acc', value: (r) => r.final?.valAcc ?? r.history.at(-1)?.valAcc ?? -1 },
  { key: 'epochs', label: 'Epochs', value: (r) => r.history.length },
  { key: 'time', label: 'Time (s)', value: (r) => r.timings.totalMs / 1000 },
  { key: 'status', label: 'Status', value: (r) => r.status },
];

function viewCompare(): void {
  const table = h('table', { class: 'll-table', id: 'compare-table' });
  const detail = boundaryCanvas('compare', 420, 380, 'Boundary of the selected run');
  const overlay = h('canvas', { class: 'll-chart', role: 'img', 'aria-label': 'Validation loss of every run' });
  const multiples = h('div', { class: 'll-multiples' });
  views.append(h('div', { class: 'll-row' }, table, detail), h('h3', {}, 'Validation loss, all runs'), h('div', { class: 'll-chart-box wide' }, overlay), h('h3', {}, 'All boundaries'), multiples);
  const smalls = store.runs.slice(0, 36).map((r) => {
    const c = boundaryCanvas(`small-${r.id}`, 200, 190, `Boundary of ${r.name}`);
    c.tabIndex = 0;
    const select = () => { ui.runId = r.id; requestRender(); };
    c.addEventListener('click', select);
    c.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(); } });
    multiples.append(c);
    return [r, c] as const;
  });
  refresh = () => {
    const col = COLUMNS.find((c) => c.key === ui.sortKey) ?? COLUMNS[3];
    const rows = [...store.runs].sort((a, b) => {
      const va = col.value(a), vb = col.value(b);
      return (typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb))) * ui.sortDir;
    });
    const head = h('tr', {}, ...COLUMNS.map((c) => {
      const b = h('button', { class: 'll-sort', 'data-key': c.key }, c.label, c.key === ui.sortKey ? (ui.sortDir > 0 ? ' ▲' : ' ▼') : '');
      b.addEventListener('click', () => { if (ui.sortKey === c.key) ui.sortDir = ui.sortDir > 0 ? -1 : 1; else { ui.sortKey = c.key; ui.sortDir = c.key === 'name' ? 1 : -1; } requestRender(); });
      return h('th', { 'aria-sort': c.key === ui.sortKey ? (ui.sortDir > 0 ? 'ascending' : 'descending') : 'none', scope: 'col' }, b);
    }));
    const body = rows.map((r) => {
      const tr = h('tr', { tabindex: 0, 'data-run': r.id, class: r.id === ui.runId ? 'selected' : '', 'aria-selected': r.id === ui.runId ? 'true' : 'false' },
        ...COLUMNS.map((c) => {
          const v = c.value(r);
          return h('td', {}, c.key === 'trainAcc' || c.key === 'valAcc' ? fmtPct(v as number) : c.key === 'time' ? (v as number).toFixed(2) : String(v));
        }));
      const select = () => { ui.runId = r.id; requestRender(); };
      tr.addEventListener('click', select);
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(); } });
      return tr;
    });
    table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...body));
    const sel = store.get(ui.runId);
    if (sel) paintBoundary('compare', detail, sel, 420, 380, undefined, { title: sel.name });
    for (const [r, c] of smalls) {
      paintBoundary(`small-${r.id}`, c, r, 200, 190, undefined, { title: r.name, scale: 0.7, showAxes: false, showLegend: false });
      c.classList.toggle('selected', r.id === ui.runId);
    }
    sizeCanvas(overlay, 760, 280);
    chartIn('overlay', overlay, curvesConfig(store.runs, { metric: 'loss', palette: palette(), series: 'val', log: true, markers: false }));
  };
}

const METRIC_LABEL = { trainAcc: 'train acc', valAcc: 'val acc', testAcc: 'test acc' } as const;

/** What counts as success: the experiment file's criterion, with the threshold the user set here. */
function successCriterion(runs: RunRecord[]): { metric: keyof typeof METRIC_LABEL; atLeast: number } {
  const fromFile = runs.find((r) => r.success)?.success;
  return { metric: fromFile?.metric ?? 'valAcc', atLeast: ui.successAt ?? fromFile?.atLeast ?? 0.9 };
}

function viewSeeds(): void {
  const criterion = successCriterion(store.runs);
  const thr = h('input', { type: 'number', min: 0, max: 1, step: 0.01, value: criterion.atLeast, 'aria-label': `Success threshold on ${METRIC_LABEL[criterion.metric]}` });
  thr.addEventListener('change', () => { ui.successAt = Number(thr.value); requestRender(); });
  const groupsBox = h('div', { class: 'll-groups' });
  const alive = h('canvas', { class: 'll-chart', role: 'img', 'aria-label': 'Alive units of the first hidden layer over epochs' });
  views.append(h('div', { class: 'll-toolbar' }, h('label', {}, `success: ${METRIC_LABEL[criterion.metric]} ≥ `, thr)), groupsBox, h('h3', {}, 'Alive units per hidden layer'), h('div', { class: 'll-chart-box wide' }, alive));
  refresh = () => {
    const groups = new Map<string, RunRecord[]>();
    for (const r of store.runs) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
    const { metric, atLeast } = successCriterion(store.runs);
    // Without a validation split "val acc" falls back to training accuracy, as the run table does.
    const value = (r: RunRecord) => (metric === 'valAcc' ? r.final?.valAcc ?? r.final?.trainAcc : r.final?.[metric]) ?? 0;
    const ok = (r: RunRecord) => value(r) >= atLeast;
    groupsBox.replaceChildren(...[...groups].map(([g, runs]) => {
      const wins = runs.filter(ok).length;
      const stuck = runs.filter((r) => r.stuckAtLn2);
      return h('section', { class: 'll-group', 'aria-label': `Group ${g}` },
        h('h3', {}, `${g}: `, h('span', { class: 'll-rate' }, `${wins}/${runs.length} succeeded (${Math.round((100 * wins) / runs.length)}%)`)),
        h('div', { class: 'll-seed-grid', role: 'list' }, ...runs.map((r) => {
          const cell = h('button', { role: 'listitem', class: `ll-seed ${ok(r) ? 'ok' : 'fail'}${r.stuckAtLn2 ? ' stuck' : ''}`, title: `${r.name}: ${METRIC_LABEL[metric]} ${fmtPct(value(r))}`, 'aria-label': `seed ${r.config.seed}: ${ok(r) ? 'success' : 'failure'}${r.stuckAtLn2 ? ', stuck at ln 2' : ''}` },
            `seed ${r.config.seed}`, h('small', {}, fmtPct(value(r))), r.stuckAtLn2 ? h('small', {}, 'stuck ln 2') : null);
          cell.addEventListener('click', () => { ui.runId = r.id; ui.tab = 'boundary'; rebuild(); });
          return cell;
        })),
        stuck.length ? h('p', { class: 'll-alert' }, `${stuck.length} run${stuck.length === 1 ? '' : 's'} stuck at loss ln 2 ≈ 0.693 (every unit dead, the output is ½ everywhere): ${stuck.map((r) => `seed ${r.config.seed}`).join(', ')}`) : null);
    }));
    const pal = palette();
    const datasets = store.runs.flatMap((r, i) => (r.history[0]?.alive ?? []).map((_, l) => ({
      label: `${r.name}${r.history[0].alive.length > 1 ? ` L${l + 1}` : ''}`,
      data: r.history.map((e) => ({ x: e.epoch, y: e.alive[l] })),
      borderColor: r.stuckAtLn2 ? pal.alert : pal.series[i % pal.series.length], backgroundColor: pal.series[i % pal.series.length],
      borderWidth: 1.5, pointRadius: 0, borderDash: l ? [4, 3] : [],
    })));
    sizeCanvas(alive, 760, 280);
    chartIn('alive', alive, {
      type: 'line', data: { datasets },
      options: { animation: false, responsive: false, parsing: false, color: pal.foreground, scales: { x: { type: 'linear', title: { display: true, text: 'epoch', color: pal.foreground }, ticks: { color: pal.muted }, grid: { color: pal.grid } }, y: { min: 0, title: { display: true, text: 'alive units', color: pal.foreground }, ticks: { color: pal.muted, precision: 0 }, grid: { color: pal.grid } } }, plugins: { legend: { labels: { color: pal.foreground } } } },
    });
  };
}

/** Precision, recall and accuracy of "class 1 when p ≥ t". */
export function thresholdMetrics(y: number[], p: number[], t: number): { precision: number; recall: number; accuracy: number } {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  y.forEach((label, i) => { const pos = p[i] >= t; if (pos && label === 1) tp++; else if (pos) fp++; else if (label === 1) fn++; else tn++; });
  return { precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 0, accuracy: (tp + tn) / Math.max(1, y.length) };
}

function viewReport(run: RunRecord): void {
  const split = h('select', { 'aria-label': 'Split' }, ...(['train', 'val', 'test'] as const).filter((s) => run.report?.[s]).map((s) => h('option', { value: s, selected: s === ui.split }, s)));
  split.addEventListener('change', () => { ui.split = split.value as 'train' | 'val'; requestRender(); });
  const tables = h('div', { class: 'll-row' });
  const slider = h('input', { type: 'range', min: 0.01, max: 0.99, step: 0.01, value: ui.threshold, id: 'threshold', 'aria-label': 'Decision threshold' });
  const readout = h('div', { class: 'll-threshold-readout', id: 'threshold-readout', 'aria-live': 'polite' });
  const prChart = h('canvas', { class: 'll-chart', role: 'img', 'aria-label': 'Precision and recall against the threshold' });
  slider.addEventListener('input', () => { ui.threshold = Number(slider.value); requestRender(); });
  const binary = !!run.valPredictions && run.classNames.length <= 2;
  views.append(h('div', { class: 'll-toolbar' }, runPicker(), h('label', {}, 'split ', split)), tables,
    binary ? h('section', {}, h('h3', {}, 'Threshold (validation)'), h('label', {}, 'threshold ', slider), readout, h('div', { class: 'll-chart-box' }, prChart)) : '');
  refresh = () => {
    const r = store.get(ui.runId) ?? run;
    const rep = r.report?.[ui.split] ?? r.report?.train;
    if (!rep) { tables.replaceChildren(h('p', { class: 'll-muted' }, 'No classification report for this run.')); return; }
    const max = Math.max(1, ...rep.confusion.flat());
    const pal = palette();
    const conf = h('table', { class: 'll-table ll-confusion', 'aria-label': 'Confusion matrix: rows actual, columns predicted' },
      h('thead', {}, h('tr', {}, h('th', {}, 'actual \\ predicted'), ...r.classNames.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rep.confusion.map((row, a) => h('tr', {}, h('th', { scope: 'row' }, r.classNames[a] ?? String(a)), ...row.map((v, p) => {
        const td = h('td', {}, String(v));
        td.style.background = withAlpha(a === p ? classColor(a, r.classNames.length) : pal.alert, 0.1 + 0.6 * (v / max));
        return td;
      })))));
    const per = h('table', { class: 'll-table', 'aria-label': 'Per-class precision, recall and F1' },
      h('thead', {}, h('tr', {}, ...['class', 'precision', 'recall', 'F1', 'support'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rep.perClass.map((c) => h('tr', {}, h('td', {}, c.name), h('td', {}, c.precision.toFixed(3)), h('td', {}, c.recall.toFixed(3)), h('td', {}, c.f1.toFixed(3)), h('td', {}, String(c.support))))),
      h('tfoot', {}, h('tr', {}, h('td', {}, 'accuracy'), h('td', { colspan: 4 }, fmtPct(rep.accuracy)))));
    tables.replaceChildren(conf, per);
    if (binary && r.valPredictions) {
      const { y, p } = r.valPredictions;
      const m = thresholdMetrics(y, p, ui.threshold);
      readout.textContent = `threshold ${ui.threshold.toFixed(2)}: precision ${m.precision.toFixed(3)} · recall ${m.recall.toFixed(3)} · accuracy ${m.accuracy.toFixed(3)}`;
      readout.dataset.precision = String(m.precision);
      readout.dataset.recall = String(m.recall);
      const ts = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
      const curve = ts.map((t) => thresholdMetrics(y, p, t));
      sizeCanvas(prChart, 460, 260);
      chartIn('pr', prChart, {
        type: 'line',
        data: { datasets: [
          { label: 'precision', data: curve.map((c, i) => ({ x: ts[i], y: c.precision })), borderColor: pal.series[0], backgroundColor: pal.series[0], pointRadius: 0, borderWidth: 2 },
          { label: 'recall', data: curve.map((c, i) => ({ x: ts[i], y: c.recall })), borderColor: pal.series[1], backgroundColor: pal.series[1], pointRadius: 0, borderWidth: 2, borderDash: [6, 4] },
        ] },
        options: { animation: false, responsive: false, parsing: false, color: pal.foreground, scales: { x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'threshold', color: pal.foreground }, ticks: { color: pal.muted }, grid: { color: pal.grid } }, y: { min: 0, max: 1, ticks: { color: pal.muted }, grid: { color: pal.grid } } }, plugins: { legend: { labels: { color: pal.foreground } }, logitLabMarkers: { markers: [{ epoch: ui.threshold, label: `t = ${ui.threshold.toFixed(2)}`, color: pal.foreground, dash: [3, 3] }], font: pal.font } } },
      });
    }
  };
}

function viewNetwork(run: RunRecord): void {
  const maps = h('div', { class: 'll-multiples' });
  const regions = h('p', { class: 'll-summary' });
  const chartC = h('canvas', { class: 'll-chart', role: 'img', 'aria-label': 'Linear regions over epochs' });
  views.append(h('div', { class: 'll-toolbar' }, runPicker()), h('h3', {}, 'First hidden layer: what each unit responds to'), maps, h('h3', {}, 'Linear regions'), regions, h('div', { class: 'll-chart-box' }, chartC));
  refresh = () => {
    const r = store.get(ui.runId) ?? run;
    const g = r.grid;
    maps.replaceChildren();
    if (!r.neuronMaps || !g || g.ny < 2) maps.append(h('p', { class: 'll-muted' }, 'No neuron maps for this run (logistic regression or 1-D data).'));
    else {
      r.neuronMaps.values.forEach((vals, u) => {
        const c = h('canvas', { class: 'll-neuron', role: 'img', 'aria-label': `Unit ${u + 1} activation over the input plane` });
        const ctx = sizeCanvas(c, 120, 120);
        const small = canvasFactory(g.nx, g.ny);
        const sctx = small.getContext('2d')!;
        const img = sctx.createImageData(g.nx, g.ny);
        const m = Math.max(1e-9, ...vals.map(Math.abs));
        for (let j = 0; j < g.ny; j++) for (let i = 0; i < g.nx; i++) {
          const col = divergingColor(0.5 + 0.5 * (vals[j * g.nx + i] / m)).match(/\d+/g)!.map(Number);
          const o = ((g.ny - 1 - j) * g.nx + i) * 4;
          img.data.set([col[0], col[1], col[2], 255], o);
        }
        sctx.putImageData(img, 0, 0);
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(small, 0, 0, 120, 120);
        const dead = vals.every((v) => v <= 0);
        maps.append(h('figure', {}, c, h('figcaption', { class: dead ? 'll-alert' : '' }, `unit ${u + 1}${dead ? ' (dead)' : ''}`)));
      });
    }
    const pts = r.snapshots.filter((s) => s.linearRegions !== undefined);
    regions.textContent = pts.length ? `${pts.at(-1)!.linearRegions} linear regions on the grid at epoch ${pts.at(-1)!.epoch} (distinct ReLU on/off patterns).` : 'Linear regions are counted for ReLU networks only.';
    const pal = palette();
    sizeCanvas(chartC, 460, 220);
    chartIn('regions', chartC, { type: 'line', data: { datasets: [{ label: 'linear regions', data: pts.map((s) => ({ x: s.epoch, y: s.linearRegions! })), borderColor: pal.series[0], backgroundColor: pal.series[0], pointRadius: 2 }] },
      options: { animation: false, responsive: false, parsing: false, color: pal.foreground, scales: { x: { type: 'linear', ticks: { color: pal.muted }, grid: { color: pal.grid } }, y: { min: 0, ticks: { color: pal.muted }, grid: { color: pal.grid } } } } });
  };
}

function viewExplore(run: RunRecord): void {
  const host = { post: vscode ? post : null };
  const canvas = boundaryCanvas('explore', 420, 380, 'Decision boundary');
  const sum = summary(run);
  const forms = h('div', { class: 'll-explore-forms' }, settingsSection(run, host), canTrySample(run) ? sampleSection(run, host) : '');
  views.append(h('div', { class: 'll-toolbar' }, runPicker()), h('div', { class: 'll-row' }, forms, h('div', {}, canvas, sum)));
  refresh = () => {
    const r = store.get(ui.runId);
    if (!r) return;
    paintBoundary('explore', canvas, r, 420, 380);
    summary(r, sum);
  };
}

let builtFor = '';
let keepFocus: string | undefined;
function rebuild(): void {
  builtFor = '';
  requestRender();
}

function render(): void {
  stats.renders++;
  if (!store.get(ui.runId) && store.runs.length) ui.runId = store.runs[0].id;
  const run = store.get(ui.runId);
  header.replaceChildren(h('h1', {}, title), h('span', { class: 'll-status', 'aria-live': 'polite' }, store.status), store.error ? h('div', { class: 'll-error', role: 'alert' }, store.error) : '');
  for (const b of Array.from(tabList.querySelectorAll<HTMLButtonElement>('[role=tab]'))) {
    const on = b.dataset.tab === ui.tab;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  views.setAttribute('aria-labelledby', `tab-${ui.tab}`);
  // Rebuild the view's DOM only when what it is built for changes; otherwise just repaint.
  // (startedAt: a retrain replaces a run under the same id and status.)
  const key = `${ui.tab}|${ui.runId}|${store.runs.map((r) => `${r.status}@${r.startedAt}`).join()}|${document.body.className}`;
  if (key !== builtFor) {
    builtFor = key;
    for (const c of charts.values()) c.destroy();
    charts.clear();
    // A retrain rebuilds the view under the person typing (maybe via an empty "waiting" view for a
    // frame): keep their place until the control is back, unless they have moved on.
    const active = document.activeElement;
    if (active && active !== document.body) keepFocus = views.contains(active) && active.id ? active.id : undefined;
    views.replaceChildren();
    refresh = () => {};
    if (!run) views.append(h('p', { class: 'll-muted' }, store.live ? 'Waiting for the first run…' : 'No runs to show yet. Train an experiment to see its decision boundary.'));
    else if (ui.tab === 'boundary') viewBoundary(run);
    else if (ui.tab === 'animation') viewAnimation();
    else if (ui.tab === 'curves') viewCurves(run);
    else if (ui.tab === 'compare') viewCompare();
    else if (ui.tab === 'seeds') viewSeeds();
    else if (ui.tab === 'report') viewReport(run);
    else if (ui.tab === 'explore') viewExplore(run);
    else viewNetwork(run);
    const back = keepFocus ? document.getElementById(keepFocus) : null;
    if (back && views.contains(back) && (!document.activeElement || document.activeElement === document.body)) { back.focus(); keepFocus = undefined; }
  }
  refresh();
}

// Tests and the extension host read what the panel shows through this handle.
(globalThis as unknown as { __logitLab: unknown }).__logitLab = { ui, store, layouts, charts, stats, rebuild, drawBoundary, palette, canvasFactory };

// ---- start ----------------------------------------------------------------------------------
const embedded = document.getElementById('logit-lab-data');
if (embedded?.textContent) {
  try {
    const data = parseRunPart<{ title?: unknown; runs?: unknown }>(embedded.textContent);
    queue.push({ type: 'showRuns', title: typeof data.title === 'string' ? data.title : 'Logit Lab report', runs: unpackEmbeddedRuns(data.runs) });
  } catch (e) {
    store.error = `The embedded report data is not valid JSON: ${(e as Error).message}`;
  }
}
if (!document.body.className.match(/vscode-/)) document.body.classList.add(matchMedia('(prefers-color-scheme: dark)').matches ? 'vscode-dark' : 'vscode-light');
// VS Code switches the body's theme class itself when the user changes theme: repaint in the new colours.
new MutationObserver(() => requestRender()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
requestRender();
post({ type: 'ready' });
