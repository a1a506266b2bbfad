// The Logit Lab panel. Runs come either from the JSON embedded in an HTML report or from the
// extension host's messages (validated, queued, applied in order, rendered at most once per frame:
// when snapshots arrive faster than frames, the latest is drawn and the ones in between are skipped).
// Each experiment has its own run store (views/kit.ts): the panel shows one experiment at a time.
import { Chart } from 'chart.js';
import type { RunRecord } from '../src/core/engine/types';
import { h } from './dom';
import { drawBoundary } from './render/boundary';
import { receivePrediction } from './explore';
import { isRunRecord, isToWebview, wellFormedRuns } from './validate';
import { parseRunPart } from '../src/core/run/json';
import { expandSnapshot } from '../src/core/run/compactSnapshot';
import { unpackEpochs } from '../src/core/run/packedEpochs';
import type { FromWorker, LiveMsg, LiveTrace } from '../src/protocol';
import { unpackEmbeddedRuns } from './embedded';
import { advancePlayback, playback } from './views/animation';
import { VIEWS } from './views';
import {
  TAB_IDS, canvasFactory, charts, liveStats, liveTrace, traced, painted, defaults, hooks, layouts, palette, post, runs, say, scope, scopeFor, scopes, selectScope, setChartClass, store, toast, ui, view, views, vscode,
  type Scope, type Tab, type UiState,
} from './views/kit';

setChartClass(Chart);
const saved = (vscode?.getState() ?? {}) as Partial<UiState> & { runs?: unknown[]; title?: string };
Object.assign(ui, defaults, saved, { playing: false });
if (!TAB_IDS.includes(ui.tab)) ui.tab = 'boundary';
if (Array.isArray(saved.runs) && saved.runs.every(isRunRecord)) scopeFor(typeof saved.title === 'string' ? saved.title : 'Logit Lab', true).store.replaceAll(saved.runs as RunRecord[]);

// ---- message queue: every message applied, in order, once per animation frame -------------
const queue: unknown[] = [];
let frameRequested = false;
const stats = { messages: 0, rejected: 0, renders: 0, frames: 0, longestFrameMs: 0, renderMs: 0, finalPaintedAt: 0 };
let endedThisFrame = false;
/** The experiment being trained: live messages go to its store even while another one is on screen. */
let liveScope: Scope | undefined;
/** The experiment trained last: the snapshots its runs keep that were not sent live follow its end. */
let endedScope: Scope | undefined;
/** Experiments with runs on disk (from the host), newest first: the switcher offers them too. */
let diskExperiments: string[] = [];
let liveStartedAt = 0;

function requestRender(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

function applyMessage(msg: unknown): string | undefined {
  if (!isToWebview(msg)) { stats.rejected++; console.warn('Logit Lab: ignored a malformed message', msg); return undefined; }
  stats.messages++;
  if (msg.type === 'showRuns') {
    const names = (msg as { experiments?: unknown }).experiments;
    if (Array.isArray(names)) diskExperiments = names.filter((n): n is string => typeof n === 'string');
    const s = scopeFor(msg.title, true);
    if (toast.textContent?.startsWith('Loading')) toast.textContent = '';
    // One malformed run is named, never hides the others.
    const { runs: valid, rejected } = wellFormedRuns(msg.runs);
    s.store.replaceAll(valid, msg.live);
    if (rejected) s.store.error = `${rejected} of ${msg.runs.length} run${msg.runs.length === 1 ? '' : 's'} could not be read and ${rejected === 1 ? 'is' : 'are'} not shown.`;
    // A panel that comes back during a training follows it (the host replays it as live runs).
    if (msg.live) { liveScope = s; endedScope = undefined; }
    else if (liveScope === s) liveScope = undefined;
    const shown = msg.live ? valid[valid.length - 1] : valid[0];
    ui.runId = shown?.id;
    ui.frame = Math.max(0, (shown?.snapshots.length ?? 1) - 1);
    return undefined;
  }
  if (msg.type === 'theme') {
    document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
    document.body.classList.add(`vscode-${msg.kind}`);
    return undefined;
  }
  if (msg.type === 'prediction') { receivePrediction(msg); return undefined; }
  let touched: string | undefined;
  for (const m of msg.msgs) {
    if (m.type === 'epochsPacked') for (const e of unpackEpochs(m.packed)) touched = applyWorkerMessage(e) ?? touched;
    else touched = applyWorkerMessage(unpacked(m)) ?? touched;
  }
  return touched;
}

/** A live message as the worker sent it (the host compacts snapshots and neuron maps on the way). */
function unpacked(m: Exclude<LiveMsg['msgs'][number], { type: 'epochsPacked' }>): FromWorker {
  if (m.type === 'snapshotMilli') return { type: 'snapshot', runId: m.runId, snapshot: expandSnapshot(m.snapshot) };
  if (m.type === 'runEndPacked') {
    const maps = m.run.neuronMaps;
    return { ...m, type: 'runEnd', run: { ...m.run, neuronMaps: maps && { units: maps.units, values: maps.values.map((v) => Array.from(v)) } } };
  }
  return m;
}

/** One message of a training: applied to its experiment's store (through applyRunEvent). */
function applyWorkerMessage(m: FromWorker): string | undefined {
  if (m.type === 'experimentStart') {
    // A new training of an experiment replaces what the panel showed of it, and the panel follows it.
    liveScope = scopeFor(m.name, true);
    endedScope = undefined;
    liveScope.store.replaceAll([]);
    liveStartedAt = performance.now();
    Object.assign(liveStats, { frames: 0, withPoints: 0, withBoundary: 0, distinct: 0, firstAt: 0, lastAt: 0 });
  }
  const s = liveScope ?? endedScope ?? scope();
  const id = s.store.apply(m);
  if (s !== scope()) return undefined;
  if (id && (m.type === 'runStart' || !ui.runId || !s.store.get(ui.runId))) ui.runId = id;
  if (m.type === 'experimentEnd') {
    const n = s.store.announced.length || s.store.runs.length;
    const wall = liveStartedAt ? ` in ${((performance.now() - liveStartedAt) / 1000).toFixed(1)} s` : '';
    s.store.status = m.cancelled ? `stopped${wall}` : `finished ${n} run${n === 1 ? '' : 's'}${wall}`;
    liveScope = undefined;
    endedScope = s;
    endedThisFrame = true;
    // Once the experiment is done, show its first model run (not the baseline that trained last).
    const first = s.store.announced.map((rid) => s.store.get(rid)).find((r) => r && r.kind === 'model');
    if (first) {
      ui.runId = first.id;
      ui.frame = Math.max(0, first.snapshots.length - 1);
    }
  }
  return id;
}

function frame(time: number): void {
  frameRequested = false;
  const t0 = performance.now();
  let touched: string | undefined;
  // Everything queued is applied in order, nothing dropped; a frame paints the newest boundary it
  // applied. Two boundaries that came within one frame are shown one frame apart: the editor's
  // relay delivers in bursts (in code-server 20–26% of the batches came < 17 ms after the one
  // before), and painting only the second skipped the first. More than two: the older ones go at
  // once, so the picture is never more than one boundary and one frame behind what arrived.
  // Measured (bench/editor-live.ts, ~35 snapshots/s, 3 alternated runs each): 23.7–25.9 → 26.6–28.6
  // boundaries painted a second, for ~16 ms more latency.
  let boundaries = queue.reduce<number>((n, m) => n + Number(carriesBoundary(m)), 0);
  let applied = false;
  while (queue.length) {
    const m = queue[0];
    const boundary = carriesBoundary(m);
    if (boundary && applied && boundaries === 1) break;
    queue.shift();
    if (boundary) {
      boundaries--;
      applied = true;
    }
    touched = applyMessage(m) ?? touched;
  }
  const run = store().get(ui.runId);
  if (run && ui.follow && (touched === run.id || !ui.playing)) ui.frame = Math.max(0, run.snapshots.length - 1);
  advancePlayback(time);
  render();
  // Wall-clock time the finished experiment reached the screen (compared with the host's notification).
  if (endedThisFrame) { stats.finalPaintedAt = Date.now(); traced(liveTrace.marks, ['finalPainted', stats.finalPaintedAt]); endedThisFrame = false; }
  persist();
  const ms = performance.now() - t0;
  stats.frames++;
  stats.renderMs += ms;
  stats.longestFrameMs = Math.max(stats.longestFrameMs, ms);
  if (ui.playing || queue.length) requestRender();
}

/** A live batch with a boundary snapshot in it. */
function carriesBoundary(m: unknown): boolean {
  const msgs = (m as { type?: unknown; msgs?: unknown } | null)?.type === 'live' ? (m as { msgs?: unknown }).msgs : undefined;
  return Array.isArray(msgs) && msgs.some((x) => (x as { type?: unknown } | null)?.type === 'snapshotMilli' || (x as { type?: unknown } | null)?.type === 'snapshot');
}

// State is saved after things settle (trailing, at most every 0.3 s). setState crosses to the
// workbench's main thread, so it carries what the host cannot give back: the UI state, and the runs
// with only their last boundary (the host replays the full runs to a panel that comes back; the
// boundaries of every epoch would be megabytes). While training only the UI state is saved.
let persistTimer: ReturnType<typeof setTimeout> | undefined;
function persist(): void {
  if (!vscode || persistTimer !== undefined) return;
  persistTimer = setTimeout(() => {
    persistTimer = undefined;
    const live = store().live;
    // Plain arrays, no neuron maps: setState stringifies, and a Float64Array would become an object
    // of 10,000 keys (unreadable on restore), neuron maps a megabyte of text on the main thread.
    const slim = (r: RunRecord) => ({ ...r, neuronMaps: undefined, snapshots: r.snapshots.slice(-1).map((s) => ({ ...s, probs: Array.from(s.probs) })) });
    vscode!.setState({ ...ui, playing: false, title: scope().title, ...(live ? {} : { runs: runs().map(slim) }) });
  }, store().live ? 1500 : 300);
}

window.addEventListener('message', (e: MessageEvent) => {
  const trace = (e.data as { type?: unknown; trace?: LiveTrace } | null)?.type === 'live' ? (e.data as { trace?: LiveTrace }).trace : undefined;
  if (trace && Array.isArray(trace.arrived)) {
    // A new training starts a new timeline (cleared on arrival: the frame that applies it comes later).
    if ((e.data as { msgs?: { type?: unknown }[] }).msgs?.some((m) => m?.type === 'experimentStart')) for (const list of Object.values(liveTrace)) list.length = 0;
    const msgs = (e.data as { msgs: { type?: unknown; snapshot?: { probs?: { byteLength?: number }; milli?: { byteLength?: number } } }[] }).msgs;
    const bytes = msgs.reduce((n, m) => n + (m?.snapshot?.probs?.byteLength ?? m?.snapshot?.milli?.byteLength ?? 0), 0);
    traced(liveTrace.batches, [trace.postedAt, Date.now(), trace.queuedAt ?? trace.postedAt, bytes]);
    for (const a of trace.arrived) traced(liveTrace.arrived, a);
    for (const m of trace.marks ?? []) traced(liveTrace.marks, m);
    for (const end of ['runEndPacked', 'runEnd', 'experimentEnd']) {
      if (!msgs.some((m) => m?.type === end)) continue;
      traced(liveTrace.marks, [`hostPosted:${end}`, trace.postedAt]);
      traced(liveTrace.marks, [`webviewReceived:${end}`, Date.now()]);
    }
  }
  // Acknowledged on receipt, before it is applied: the host keeps only a few batches in the
  // editor's relay, so a relay that stalls delivers the newest picture next, not a queue of old ones.
  const seq = (e.data as { type?: unknown; seq?: unknown } | null)?.type === 'live' ? (e.data as { seq?: unknown }).seq : undefined;
  if (typeof seq === 'number') post({ type: 'liveAck', seq });
  queue.push(e.data);
  requestRender();
});

// ---- layout ---------------------------------------------------------------------------------
const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
const header = h('header', { class: 'll-header' });
const tabList = h('div', { class: 'll-tabs', role: 'tablist', 'aria-label': 'Views' });
app.append(header, toast, tabList, views);

for (const v of VIEWS) {
  const tab = v.id;
  const b = h('button', { class: 'll-tab', role: 'tab', id: `tab-${tab}`, 'data-tab': tab, 'aria-controls': 'll-view' }, v.label);
  b.addEventListener('click', () => { ui.tab = tab; rebuild(); });
  b.addEventListener('keydown', (e) => {
    const ids = VIEWS.map((x) => x.id);
    const i = ids.indexOf(tab);
    const next: Tab | undefined = e.key === 'ArrowRight' ? ids[(i + 1) % ids.length] : e.key === 'ArrowLeft' ? ids[(i + ids.length - 1) % ids.length] : e.key === 'Home' ? ids[0] : e.key === 'End' ? ids[ids.length - 1] : undefined;
    if (!next) return;
    e.preventDefault();
    ui.tab = next;
    rebuild();
    (tabList.querySelector(`[data-tab="${next}"]`) as HTMLElement).focus();
  });
  tabList.append(b);
}

// Plots fill the view: a resize (panel maximised, side bar dragged) repaints at the new size.
let lastWidth = 0, lastHeight = 0;
new ResizeObserver(() => {
  if (views.clientWidth === lastWidth && window.innerHeight === lastHeight) return;
  lastWidth = views.clientWidth;
  lastHeight = window.innerHeight;
  requestRender();
}).observe(views);
window.addEventListener('resize', () => requestRender());

/** The header: which experiment is on screen (a switcher when the panel knows more than one), its status. */
let headerFor = '';
function renderHeader(): void {
  const s = scope();
  const key = `${scopes.map((x) => `${x.key}${x === liveScope ? '*' : ''}:${x.store.runs.length}`).join('|')}>${s.key}|${s.store.status}|${s.store.error ?? ''}|${diskExperiments.join('|')}`;
  if (key === headerFor) return;
  headerFor = key;
  const named = scopes.filter((x) => x.key);
  const onDisk = diskExperiments.filter((n) => !named.some((x) => x.key === n));
  let title: HTMLElement = h('h1', {}, s.title);
  if (named.length + onDisk.length > 1) {
    const sel = h('select', { id: 'll-experiment', class: 'll-experiment', 'aria-label': 'Experiment shown' },
      ...named.map((x) => h('option', { value: x.key, selected: x === s }, `${x.title}${x === liveScope ? ' (training)' : ''} — ${x.store.runs.length} run${x.store.runs.length === 1 ? '' : 's'}`)),
      onDisk.length ? h('optgroup', { label: 'Other experiments (latest runs on disk)' }, ...onDisk.map((n) => h('option', { value: n }, n))) : null);
    sel.addEventListener('change', () => {
      const next = scopes.find((x) => x.key === sel.value);
      if (next) { selectScope(next); say(`Showing ${next.title}.`); rebuild(); return; }
      // Not loaded yet: the host sends its latest runs (a showRuns), which selects it.
      post({ type: 'showExperiment', name: sel.value });
      say(`Loading ${sel.value}…`);
    });
    title = h('h1', {}, h('label', { class: 'll-experiment-label' }, sel));
  }
  header.replaceChildren(title, h('span', { class: 'll-status', 'aria-live': 'polite' }, s.store.status), s.store.error ? h('div', { class: 'll-error', role: 'alert' }, s.store.error) : '');
}

let builtFor = '';
let keepFocus: string | undefined;
function rebuild(): void {
  builtFor = '';
  requestRender();
}
hooks.requestRender = requestRender;
hooks.rebuild = rebuild;

function render(): void {
  stats.renders++;
  const list = runs();
  if (!store().get(ui.runId) && list.length) ui.runId = list[0].id;
  const run = store().get(ui.runId);
  renderHeader();
  for (const b of Array.from(tabList.querySelectorAll<HTMLButtonElement>('[role=tab]'))) {
    const on = b.dataset.tab === ui.tab;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  views.setAttribute('aria-labelledby', `tab-${ui.tab}`);
  // Rebuild the view's DOM only when what it is built for changes; otherwise just repaint.
  // (startedAt: a retrain replaces a run under the same id and status.)
  const key = `${scope().key}|${ui.tab}|${ui.runId}|${list.map((r) => `${r.status}@${r.startedAt}`).join()}|${document.body.className}`;
  if (key !== builtFor) {
    builtFor = key;
    for (const c of charts.values()) c.destroy();
    charts.clear();
    // A retrain rebuilds the view under the person typing (maybe via an empty "waiting" view for a
    // frame): keep their place until the control is back, unless they have moved on.
    const active = document.activeElement;
    if (active && active !== document.body) keepFocus = views.contains(active) && active.id ? active.id : undefined;
    views.replaceChildren();
    view.refresh = () => {};
    const def = VIEWS.find((v) => v.id === ui.tab) ?? VIEWS[0];
    if (!run) views.append(h('p', { class: 'll-muted' }, store().live ? 'Waiting for the first run…' : 'No runs to show yet. Train an experiment to see its decision boundary.'));
    else def.build(run);
    const back = keepFocus ? document.getElementById(keepFocus) : null;
    if (back && views.contains(back) && (!document.activeElement || document.activeElement === document.body)) { back.focus(); keepFocus = undefined; }
  }
  view.refresh();
}

// Tests and the extension host read what the panel shows through this handle.
(globalThis as unknown as { __logitLab: unknown }).__logitLab = {
  ui, layouts, charts, stats, playback, painted, liveStats, liveTrace, rebuild, drawBoundary, palette, canvasFactory, scopes,
  get store() { return store(); },
  get scope() { return scope(); },
};

// ---- start ----------------------------------------------------------------------------------
const embedded = document.getElementById('logit-lab-data');
if (embedded?.textContent) {
  try {
    const data = parseRunPart<{ title?: unknown; runs?: unknown }>(embedded.textContent);
    queue.push({ type: 'showRuns', title: typeof data.title === 'string' ? data.title : 'Logit Lab report', runs: unpackEmbeddedRuns(data.runs) });
  } catch (e) {
    store().error = `The embedded report data is not valid JSON: ${(e as Error).message}`;
  }
}
if (!document.body.className.match(/vscode-/)) document.body.classList.add(matchMedia('(prefers-color-scheme: dark)').matches ? 'vscode-dark' : 'vscode-light');
// VS Code switches the body's theme class itself when the user changes theme: repaint in the new colours.
new MutationObserver(() => requestRender()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
requestRender();
post({ type: 'ready' });
