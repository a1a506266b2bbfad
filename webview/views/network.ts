// Inside the network: what each first-layer unit responds to over the input plane, and the number of
// linear regions of a ReLU net over epochs.
import type { RunRecord } from '../../src/core/engine/types';
import { h, sizeCanvas } from '../dom';
import { divergingColor } from '../render/palette';
import { canvasFactory, chartIn, fit, palette, runPicker, store, ui, view, views, type ViewDef } from './kit';

export const networkView: ViewDef = {
  id: 'network',
  label: 'Inside the network',
  build(run: RunRecord) {
    const maps = h('div', { class: 'll-multiples' });
    const regions = h('p', { class: 'll-summary' });
    const chartC = h('canvas', { class: 'll-chart', role: 'img', 'aria-label': 'Linear regions over epochs' });
    const chartBox = h('div', { class: 'll-chart-box ll-grow' }, chartC);
    views.append(h('div', { class: 'll-toolbar' }, runPicker()), h('h3', {}, 'First hidden layer: what each unit responds to'), maps, h('h3', {}, 'Linear regions'), regions, chartBox);
    view.refresh = () => {
      const r = store().get(ui.runId) ?? run;
      const g = r.grid;
      maps.replaceChildren();
      // While training, a run's maps follow the experiment's end (the host holds them back so the
      // final picture comes first): meanwhile the run's end carries them without values.
      const pending = g && g.ny >= 2 && (r.neuronMaps ? !r.neuronMaps.values.length : store().live);
      if (pending) maps.append(h('p', { class: 'll-muted' }, 'Neuron maps are drawn once the training ends.'));
      else if (!r.neuronMaps || !g || g.ny < 2) maps.append(h('p', { class: 'll-muted' }, 'No neuron maps for this run (logistic regression or 1-D data).'));
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
      const size = fit(chartBox, 2.2, { width: 300, height: 200 }, { width: 1000, height: 360 });
      sizeCanvas(chartC, size.width, size.height);
      chartIn('regions', chartC, { type: 'line', data: { datasets: [{ label: 'linear regions', data: pts.map((s) => ({ x: s.epoch, y: s.linearRegions! })), borderColor: pal.series[0], backgroundColor: pal.series[0], pointRadius: 2 }] },
        options: { animation: false, responsive: false, parsing: false, color: pal.foreground, scales: { x: { type: 'linear', ticks: { color: pal.muted }, grid: { color: pal.grid } }, y: { min: 0, ticks: { color: pal.muted }, grid: { color: pal.grid } } }, plugins: { legend: { labels: { color: pal.foreground, boxWidth: 18, boxHeight: 2 } } } } });
    };
  },
};
