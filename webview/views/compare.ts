// Compare runs: a sortable table of the experiment's runs (or the runs picked in Compare Runs), the
// boundary of the selected one, every run's loss on one chart, the final metric against the swept
// setting, and small multiples of all boundaries.
import type { RunRecord } from '../../src/core/engine/types';
import { h, fmtPct, sizeCanvas } from '../dom';
import { curvesConfig, logTick } from '../render/curves';
import { sweepPlot } from '../render/sweep';
import { boundaryCanvas, chartIn, fit, judgedAcc, paintBoundary, palette, requestRender, runs, store, ui, view, views, type ViewDef } from './kit';

type Value = number | string | undefined;
const finite = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? undefined : v);

export const COLUMNS: { key: string; label: string; value: (r: RunRecord) => Value }[] = [
  { key: 'name', label: 'Run', value: (r) => r.name },
  { key: 'params', label: 'Params', value: (r) => r.params },
  { key: 'trainAcc', label: 'Train acc', value: (r) => finite(r.final?.trainAcc ?? r.history.at(-1)?.trainAcc) },
  // No validation split (validation: 0): no value, shown as "—" and sorted last, never -100%.
  { key: 'valAcc', label: 'Val acc', value: (r) => finite(r.final ? r.final.valAcc : r.history.at(-1)?.valAcc) },
  { key: 'epochs', label: 'Epochs', value: (r) => r.history.length },
  { key: 'time', label: 'Time (s)', value: (r) => r.timings.totalMs / 1000 },
  { key: 'status', label: 'Status', value: (r) => r.status },
];

/** Sorted rows: missing values last in either direction, ties by name. */
export function sortRuns(list: RunRecord[], key: string, dir: 1 | -1): RunRecord[] {
  const col = COLUMNS.find((c) => c.key === key) ?? COLUMNS[3];
  return [...list].sort((a, b) => {
    const va = col.value(a), vb = col.value(b);
    if (va === undefined || vb === undefined) return va === vb ? a.name.localeCompare(b.name) : va === undefined ? 1 : -1;
    const d = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return d * dir || a.name.localeCompare(b.name);
  });
}

/** The column to sort by: the chosen one, unless it is validation accuracy and no run has any. */
function sortKey(list: RunRecord[]): string {
  if (ui.sortKey === 'valAcc' && list.length && list.every((r) => COLUMNS[3].value(r) === undefined)) return 'trainAcc';
  return ui.sortKey;
}

export const compareView: ViewDef = {
  id: 'compare',
  label: 'Compare runs',
  build() {
    const table = h('table', { class: 'll-table', id: 'compare-table' });
    const detail = boundaryCanvas('compare', 'Boundary of the selected run');
    const detailBox = h('div', { class: 'll-plot-box ll-grow' }, detail);
    const overlay = h('canvas', { class: 'll-chart', id: 'compare-overlay', role: 'img', 'aria-label': 'Loss of every run' });
    const overlayBox = h('div', { class: 'll-chart-box wide' }, overlay);
    const overlayTitle = h('h3', {});
    const sweep = h('canvas', { class: 'll-chart', id: 'compare-sweep', role: 'img', 'aria-label': 'Final accuracy against the swept setting' });
    const sweepBox = h('div', { class: 'll-chart-box wide' }, sweep);
    const sweepTitle = h('h3', {});
    const multiples = h('div', { class: 'll-multiples' });
    const list = runs();
    views.append(h('div', { class: 'll-row' }, h('div', { class: 'll-table-box' }, table), detailBox), overlayTitle, overlayBox, sweepTitle, sweepBox, h('h3', {}, 'All boundaries'), multiples);
    const smalls = list.slice(0, 36).map((r) => {
      const c = boundaryCanvas(`small-${r.id}`, `Boundary of ${r.name}`);
      c.tabIndex = 0;
      const select = () => { ui.runId = r.id; requestRender(); };
      c.addEventListener('click', select);
      c.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(); } });
      multiples.append(c);
      return [r, c] as const;
    });
    view.refresh = () => {
      const all = runs();
      const key = sortKey(all);
      const rows = sortRuns(all, key, ui.sortDir);
      const head = h('tr', {}, ...COLUMNS.map((c) => {
        const b = h('button', { class: 'll-sort', 'data-key': c.key }, c.label, c.key === key ? (ui.sortDir > 0 ? ' ▲' : ' ▼') : '');
        b.addEventListener('click', () => { if (key === c.key) ui.sortDir = ui.sortDir > 0 ? -1 : 1; else { ui.sortKey = c.key; ui.sortDir = c.key === 'name' ? 1 : -1; } requestRender(); });
        return h('th', { 'aria-sort': c.key === key ? (ui.sortDir > 0 ? 'ascending' : 'descending') : 'none', scope: 'col' }, b);
      }));
      const body = rows.map((r) => {
        const tr = h('tr', { tabindex: 0, 'data-run': r.id, class: r.id === ui.runId ? 'selected' : '', 'aria-selected': r.id === ui.runId ? 'true' : 'false' },
          ...COLUMNS.map((c) => {
            const v = c.value(r);
            const text = v === undefined ? '—' : c.key === 'trainAcc' || c.key === 'valAcc' ? fmtPct(v as number) : c.key === 'time' ? (v as number).toFixed(2) : String(v);
            return h('td', v === undefined && c.key === 'valAcc' ? { title: 'No validation split (validation: 0)' } : {}, text);
          }));
        const select = () => { ui.runId = r.id; requestRender(); };
        tr.addEventListener('click', select);
        tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(); } });
        return tr;
      });
      table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...body));
      const sel = store().get(ui.runId);
      const size = fit(detailBox, 1.12, { width: 260, height: 220 }, { width: 640, height: 560 });
      if (sel) paintBoundary('compare', detail, sel, size.width, size.height, undefined, { title: sel.name });
      const small = Math.max(160, Math.min(260, Math.floor((multiples.clientWidth - 40) / 4)));
      for (const [r, c] of smalls) {
        paintBoundary(`small-${r.id}`, c, r, small, Math.round(small * 0.95), undefined, { title: r.name, scale: 0.7, showAxes: false, showLegend: false });
        c.classList.toggle('selected', r.id === ui.runId);
      }
      const pal = palette();
      const hasVal = all.some((r) => r.history.some((e) => e.valLoss !== null));
      overlayTitle.textContent = hasVal ? 'Validation loss, all runs' : 'Train loss, all runs (no validation split)';
      const wide = fit(overlayBox, 2.8, { width: 300, height: 200 }, { width: 1400, height: 360 });
      sizeCanvas(overlay, wide.width, wide.height);
      chartIn('overlay', overlay, curvesConfig(all, { metric: 'loss', palette: pal, series: hasVal ? 'val' : 'train', log: true, markers: false }));
      const plot = sweepPlot(all, (r) => judgedAcc(r).value);
      sweepTitle.hidden = sweepBox.hidden = !plot;
      if (plot) {
        const split = all.some((r) => judgedAcc(r).split === 'val') ? 'validation' : 'train';
        sweepTitle.textContent = `Final ${split} accuracy against ${plot.xKey}`;
        sizeCanvas(sweep, wide.width, wide.height);
        chartIn('sweep', sweep, {
          type: 'line',
          data: { datasets: plot.lines.map((l, i) => ({ label: l.label, data: l.points.map((p) => ({ x: p.x, y: p.y })), borderColor: pal.series[i % pal.series.length], backgroundColor: pal.series[i % pal.series.length], pointRadius: 4, borderWidth: 2, clip: 6 })) },
          options: {
            animation: false, responsive: false, parsing: false, color: pal.foreground,
            scales: {
              x: { type: plot.log ? 'logarithmic' : 'linear', title: { display: true, text: plot.xKey + (plot.log ? ' (log)' : ''), color: pal.foreground }, ticks: { color: pal.muted, ...(plot.log ? { callback: (v: number | string) => logTick(Number(v)) } : {}) }, grid: { color: pal.grid } },
              y: { min: 0, max: 1, title: { display: true, text: `final ${split} accuracy`, color: pal.foreground }, ticks: { color: pal.muted }, grid: { color: pal.grid } },
            },
            plugins: { legend: { display: plot.lines.length > 1, labels: { color: pal.foreground, boxWidth: 14, boxHeight: 2 } } },
          },
        });
      }
    };
  },
};
