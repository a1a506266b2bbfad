// Decision boundary: the latest snapshot of the selected run, with the points, a hover read-out of
// P(class) and exports.
import { toJson } from '../../src/core/json';
import { h, fmtNum } from '../dom';
import { probabilitiesAt } from '../render/boundary';
import { boundaryCanvas, checkbox, exportData, fit, layouts, paintBoundary, runPicker, store, summary, ui, view, views, type ViewDef } from './kit';

export const boundaryView: ViewDef = {
  id: 'boundary',
  label: 'Decision boundary',
  build(run) {
    const canvas = boundaryCanvas('boundary', 'Decision boundary');
    const box = h('div', { class: 'll-plot-box' }, canvas);
    const sum = summary(run);
    const readout = h('div', { class: 'll-readout', 'aria-live': 'polite' }, 'Hover the picture to read P(class).');
    const png = h('button', {}, 'Export PNG');
    png.addEventListener('click', () => exportData('png', `${run.id}-boundary.png`, canvas.toDataURL('image/png')));
    const json = h('button', {}, 'Export run JSON');
    json.addEventListener('click', () => exportData('json', `${run.id}.json`, toJson(store().get(ui.runId) ?? run)));
    canvas.addEventListener('mousemove', (e) => {
      const layout = layouts.boundary;
      const r = store().get(ui.runId) ?? run;
      const snap = r.snapshots.at(-1);
      if (!layout || !r.grid || !snap) return;
      const rect = canvas.getBoundingClientRect();
      const [x, y] = layout.toData(e.clientX - rect.left, e.clientY - rect.top);
      const p = probabilitiesAt(r.grid, snap, x, layout.oneD ? 0 : y);
      readout.textContent = `${r.featureNames[r.grid.features[0]] ?? 'x'} = ${fmtNum(layout.unitX(x), 3)}${layout.oneD ? '' : `, ${r.featureNames[r.grid.features[1]] ?? 'y'} = ${fmtNum(layout.unitY(y), 3)}`}: ` + p.map((v, c) => `P(${r.classNames[c] ?? c}) = ${v.toFixed(3)}`).join(', ');
    });
    const others = run.grid && run.featureNames.length > 2 ? run.featureNames.length - 2 : 0;
    const slice = others ? h('p', { class: 'll-muted ll-slice-note' }, `A 2-D slice: the other ${others} inputs are held at their training mean (or most common category). The model sees all of them, so a point can sit on the "wrong" colour and still be classified right; crosses mark the model's actual mistakes.`) : '';
    views.append(
      h('div', { class: 'll-toolbar' }, runPicker(), checkbox('train points', 'showTrain'), checkbox('validation points', 'showVal'), checkbox('boundary line', 'showContour'), png, json),
      box, readout, sum, slice,
    );
    view.refresh = () => {
      const r = store().get(ui.runId);
      if (!r) return;
      const { width, height } = fit(box, 1.12);
      paintBoundary('boundary', canvas, r, width, height, undefined, { title: `${r.name} · epoch ${r.snapshots.at(-1)?.epoch ?? r.history.at(-1)?.epoch ?? '–'}` });
      summary(r, sum);
    };
  },
};
