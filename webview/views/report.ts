// Classification report: confusion matrix and per-class precision/recall/F1; for a binary model the
// threshold slider re-classifies the validation predictions, so the matrix, the table and the
// precision/recall curve all follow it.
import { classReport } from '../../src/core/engine/metrics';
import type { ClassReport, RunRecord } from '../../src/core/engine/types';
import { h, fmtPct, sizeCanvas } from '../dom';
import { withAlpha } from '../render/palette';
import { chartIn, fit, palette, requestRender, runPicker, store, ui, view, views, type ViewDef } from './kit';

/**
 * The binary report of "class 1 when p ≥ t", in the shape the run records: the engine's own
 * classReport, so the panel and the run agree (a precision with nothing predicted positive is 0,
 * scikit-learn's zero_division=0).
 */
export function reportAtThreshold(y: number[], p: number[], t: number, classNames: string[]): ClassReport {
  return classReport(y, y.map((_, i) => (p[i] >= t ? 1 : 0)), [classNames[0] ?? '0', classNames[1] ?? '1']);
}

/** Precision and recall of class 1, and accuracy, at threshold t. */
export function thresholdMetrics(y: number[], p: number[], t: number): { precision: number; recall: number; accuracy: number } {
  const r = reportAtThreshold(y, p, t, ['0', '1']);
  return { precision: r.perClass[1].precision, recall: r.perClass[1].recall, accuracy: r.accuracy };
}

export const reportView: ViewDef = {
  id: 'report',
  label: 'Classification report',
  build(run: RunRecord) {
    const split = h('select', { 'aria-label': 'Split' }, ...(['train', 'val', 'test'] as const).filter((s) => run.report?.[s]).map((s) => h('option', { value: s, selected: s === ui.split }, s)));
    split.addEventListener('change', () => { ui.split = split.value as 'train' | 'val'; requestRender(); });
    const tables = h('div', { class: 'll-row' });
    const note = h('p', { class: 'll-muted', id: 'report-note' });
    const slider = h('input', { type: 'range', min: 0.01, max: 0.99, step: 0.01, value: ui.threshold, id: 'threshold', 'aria-label': 'Decision threshold' });
    const readout = h('div', { class: 'll-threshold-readout', id: 'threshold-readout', 'aria-live': 'polite' });
    const prChart = h('canvas', { class: 'll-chart', role: 'img', 'aria-label': 'Precision and recall against the threshold' });
    const prBox = h('div', { class: 'll-chart-box ll-grow' }, prChart);
    slider.addEventListener('input', () => { ui.threshold = Number(slider.value); requestRender(); });
    const binary = !!run.valPredictions && run.classNames.length <= 2;
    views.append(h('div', { class: 'll-toolbar' }, runPicker(), h('label', {}, 'split ', split), binary ? h('label', {}, 'threshold ', slider) : ''), note, tables,
      binary ? h('section', {}, h('h3', {}, 'Threshold (validation)'), readout, prBox) : '');
    view.refresh = () => {
      const r = store().get(ui.runId) ?? run;
      const which = r.report?.[ui.split] ? ui.split : 'train';
      const live = binary && which === 'val' && r.valPredictions;
      const rep = live ? reportAtThreshold(r.valPredictions!.y, r.valPredictions!.p, ui.threshold, r.classNames) : r.report?.[which];
      if (!rep) { tables.replaceChildren(h('p', { class: 'll-muted' }, 'No classification report for this run.')); return; }
      note.textContent = live ? `Validation split, class "${r.classNames[1] ?? 1}" when P ≥ ${ui.threshold.toFixed(2)}.`
        : binary ? `${which === 'train' ? 'Training' : 'Test'} split at threshold 0.50 (the threshold re-classifies the validation split, whose predictions the run keeps).` : '';
      const max = Math.max(1, ...rep.confusion.flat());
      const pal = palette();
      const conf = h('table', { class: 'll-table ll-confusion', 'aria-label': 'Confusion matrix: rows actual, columns predicted' },
        h('thead', {}, h('tr', {}, h('th', {}, 'actual \\ predicted'), ...r.classNames.map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...rep.confusion.map((row, a) => h('tr', {}, h('th', { scope: 'row' }, r.classNames[a] ?? String(a)), ...row.map((v, p) => {
          const td = h('td', {}, String(v));
          // An empty cell stays unshaded: only counts carry colour — right answers in the theme's "good"
          // colour, mistakes in its alert colour (class colours would paint class 0's hits red, like errors).
          if (v > 0) td.style.background = withAlpha(a === p ? pal.good : pal.alert, 0.12 + 0.5 * (v / max));
          else td.classList.add('ll-zero');
          return td;
        })))));
      const per = h('table', { class: 'll-table ll-per-class', 'aria-label': 'Per-class precision, recall and F1' },
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
        const size = fit(prBox, 1.8, { width: 300, height: 200 }, { width: 900, height: 420 });
        sizeCanvas(prChart, size.width, size.height);
        chartIn('pr', prChart, {
          type: 'line',
          data: { datasets: [
            { label: 'precision', data: curve.map((c, i) => ({ x: ts[i], y: c.precision })), borderColor: pal.series[0], backgroundColor: pal.series[0], pointRadius: 0, borderWidth: 2 },
            { label: 'recall', data: curve.map((c, i) => ({ x: ts[i], y: c.recall })), borderColor: pal.series[1], backgroundColor: pal.series[1], pointRadius: 0, borderWidth: 2, borderDash: [6, 4] },
          ] },
          options: {
            animation: false, responsive: false, parsing: false, color: pal.foreground,
            scales: { x: { type: 'linear', min: 0, max: 1, title: { display: true, text: `threshold (now ${ui.threshold.toFixed(2)})`, color: pal.foreground }, ticks: { color: pal.muted }, grid: { color: pal.grid } }, y: { min: 0, max: 1.02, ticks: { color: pal.muted }, grid: { color: pal.grid } } },
            // The marker's value is in the axis title: a label on the plot sat on top of the recall curve.
            plugins: { legend: { labels: { color: pal.foreground, boxWidth: 18, boxHeight: 2 } }, logitLabMarkers: { markers: [{ epoch: ui.threshold, label: '', color: pal.foreground, dash: [3, 3] }], font: pal.font } },
          },
        });
      }
    };
  },
};
