// Curves: loss and accuracy over epochs for the selected run, or for every run of the experiment
// overlaid (the lr-sanity lesson: which learning rate's train loss goes down, which explodes).
import type { RunRecord } from '../../src/core/engine/types';
import { h, sizeCanvas } from '../dom';
import { curvesConfig } from '../render/curves';
import { chartIn, exportData, fit, palette, requestRender, runPicker, runs, store, summary, ui, view, views, checkbox, type ViewDef } from './kit';

export function historyCsv(run: RunRecord): string {
  const layers = Math.max(0, ...run.history.map((e) => e.alive.length));
  // A run with a learning-rate schedule recorded each epoch's rate.
  const lr = run.history.some((e) => e.lr !== undefined);
  const head = ['epoch', 'trainLoss', 'trainAcc', 'valLoss', 'valAcc', ...(lr ? ['lr'] : []), 'ms', ...Array.from({ length: layers }, (_, l) => `alive${l}`)];
  return [head.join(','), ...run.history.map((e) => [e.epoch, e.trainLoss, e.trainAcc, e.valLoss ?? '', e.valAcc ?? '', ...(lr ? [e.lr ?? ''] : []), e.ms, ...e.alive].join(','))].join('\n') + '\n';
}

/** Every chart canvas side by side on one opaque background (a transparent PNG is unreadable on a dark viewer). */
export function composePng(canvases: HTMLCanvasElement[], background: string): string {
  const gap = 16;
  const width = canvases.reduce((w, c) => w + c.width, 0) + gap * (canvases.length + 1);
  const height = Math.max(...canvases.map((c) => c.height)) + 2 * gap;
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  let x = gap;
  for (const c of canvases) {
    ctx.drawImage(c, x, gap);
    x += c.width + gap;
  }
  return out.toDataURL('image/png');
}

let overlay = false;

export const curvesView: ViewDef = {
  id: 'curves',
  label: 'Curves',
  build(run) {
    const loss = h('canvas', { class: 'll-chart', id: 'chart-loss', role: 'img', 'aria-label': 'Loss curves' });
    const acc = h('canvas', { class: 'll-chart', id: 'chart-acc', role: 'img', 'aria-label': 'Accuracy curves' });
    const sum = summary(run);
    const many = runs().length > 1;
    const which = h('select', { 'aria-label': 'Runs to plot', id: 'curves-runs' },
      h('option', { value: 'one', selected: !overlay }, 'selected run'),
      h('option', { value: 'all', selected: overlay }, `all ${runs().length} runs`));
    which.disabled = !many;
    which.addEventListener('change', () => { overlay = which.value === 'all'; requestRender(); });
    const smoothing = h('input', { type: 'range', min: 0, max: 0.95, step: 0.05, value: ui.smoothing, 'aria-label': 'Smoothing' });
    smoothing.addEventListener('input', () => { ui.smoothing = Number(smoothing.value); requestRender(); });
    const csv = h('button', {}, 'Export CSV');
    csv.addEventListener('click', () => exportData('csv', `${run.id}-history.csv`, historyCsv(store().get(ui.runId) ?? run)));
    const png = h('button', { id: 'curves-png' }, 'Export PNG');
    png.addEventListener('click', () => exportData('png', `${overlay ? 'all-runs' : run.id}-curves.png`, composePng([loss, acc], palette().background)));
    const lossBox = h('div', { class: 'll-chart-box ll-grow' }, loss);
    const accBox = h('div', { class: 'll-chart-box ll-grow' }, acc);
    views.append(h('div', { class: 'll-toolbar' }, runPicker(), h('label', {}, 'show ', which), checkbox('log scale', 'log'), h('label', {}, 'smoothing ', smoothing), csv, png),
      h('div', { class: 'll-row ll-fill' }, lossBox, accBox), sum);
    view.refresh = () => {
      const r = store().get(ui.runId);
      if (!r) return;
      summary(r, sum);
      const pal = palette();
      const shown = overlay && many ? runs() : [r];
      const size = fit(lossBox, 1.5, { width: 280, height: 220 }, { width: 1000, height: 700 });
      // In a narrow panel the two charts stack: share the height so both are on screen without scrolling.
      if (accBox.offsetTop > lossBox.offsetTop + 10) {
        const room = (window.innerHeight - lossBox.getBoundingClientRect().top) / 2 - 24;
        size.height = Math.max(200, Math.min(size.height, Math.floor(room)));
      }
      sizeCanvas(loss, size.width, size.height);
      sizeCanvas(acc, size.width, size.height);
      chartIn('loss', loss, curvesConfig(shown, { metric: 'loss', palette: pal, log: ui.log, smoothing: ui.smoothing, title: shown.length > 1 ? 'loss, all runs (train solid, validation dashed)' : 'loss'}));
      chartIn('acc', acc, curvesConfig(shown, { metric: 'accuracy', palette: pal, smoothing: ui.smoothing, title: shown.length > 1 ? 'accuracy, all runs' : 'accuracy'}));
    };
  },
};
