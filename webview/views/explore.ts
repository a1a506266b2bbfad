// Explore: the Playground's knobs written into the experiment file (retraining on each change) and
// "try a sample" against the saved model, beside the live boundary.
import type { RunRecord } from '../../src/core/engine/types';
import { h } from '../dom';
import { canTrySample, sampleSection, settingsSection } from '../explore';
import { boundaryCanvas, fit, paintBoundary, post, runPicker, store, summary, ui, view, views, vscode, type ViewDef } from './kit';

export const exploreView: ViewDef = {
  id: 'explore',
  label: 'Explore',
  build(run: RunRecord) {
    const host = { post: vscode ? post : null };
    const canvas = boundaryCanvas('explore', 'Decision boundary');
    const sum = summary(run);
    const forms = h('div', { class: 'll-explore-forms' }, settingsSection(run, host), canTrySample(run) ? sampleSection(run, host) : '');
    const plotBox = h('div', { class: 'll-plot-box ll-grow' }, canvas, sum);
    views.append(h('div', { class: 'll-toolbar' }, runPicker()), h('div', { class: 'll-row' }, forms, plotBox));
    view.refresh = () => {
      const r = store().get(ui.runId);
      if (!r) return;
      const size = fit(plotBox, 1.1, { width: 260, height: 220 }, { width: 720, height: 640 });
      paintBoundary('explore', canvas, r, size.width, size.height);
      summary(r, sum);
    };
  },
};
