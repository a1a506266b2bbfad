// Chart.js configurations for training curves, shared by the panel (browser) and the CLI's PNGs
// (Node, on a @napi-rs/canvas). Train solid, validation dashed; optional log scale and EMA
// smoothing; the best epoch, an early stop and a divergence marked as labelled vertical lines.
import {
  Chart, CategoryScale, Filler, Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, ScatterController, Title, Tooltip,
  type ChartConfiguration, type ChartDataset, type ChartType, type Plugin,
} from 'chart.js';
import type { RunRecord } from '../../src/core/engine/types';
import { withAlpha, type Palette } from './palette';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Legend, Tooltip, Title, Filler);

export type Metric = 'loss' | 'accuracy';

export interface CurveOptions {
  metric: Metric;
  palette: Palette;
  /** Logarithmic y axis (loss only). */
  log?: boolean;
  /** Exponential moving average weight in [0, 1): 0 is raw. */
  smoothing?: number;
  /** Only epochs ≤ this (the animation's current frame). */
  upToEpoch?: number;
  /** Draw best-epoch / early-stop / divergence markers (default true). */
  markers?: boolean;
  /** Which series to include when overlaying many runs. */
  series?: 'both' | 'train' | 'val';
  title?: string;
  /** Upper bound on plotted points per series; longer histories are thinned evenly. */
  maxPoints?: number;
}

export interface Marker { epoch: number; label: string; color: string; dash: number[] }

/** TensorBoard-style debiased exponential moving average; null gaps are kept. */
export function smooth(values: (number | null)[], weight: number): (number | null)[] {
  if (!(weight > 0)) return values.slice();
  let last = 0, n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - weight ** n);
  });
}

/** Evenly thinned indices, always keeping the first and last. */
function thin(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(Math.round((i * (length - 1)) / (max - 1)));
  return out;
}

export function markersFor(run: RunRecord, pal: Palette): Marker[] {
  const out: Marker[] = [];
  const last = run.history.at(-1)?.epoch;
  if (run.bestEpoch !== undefined && run.bestEpoch > 0) out.push({ epoch: run.bestEpoch, label: `best ${run.bestEpoch}`, color: pal.good, dash: [4, 3] });
  const reason = run.status === 'running' ? undefined : run.stopReason ?? run.status;
  if (reason === 'early-stopped' && last !== undefined) out.push({ epoch: last, label: `early stop ${last}`, color: pal.muted, dash: [2, 3] });
  if (reason === 'diverged' && last !== undefined) out.push({ epoch: last, label: `diverged ${last}`, color: pal.alert, dash: [] });
  return out;
}

/** Log-axis labels only at powers of ten, written short (0.01, 1, 100, 1e6). */
export function logTick(v: number): string {
  const k = Math.log10(v);
  if (Math.abs(k - Math.round(k)) > 1e-9) return '';
  return Math.abs(k) >= 4 ? `1e${Math.round(k)}` : String(Number(v.toPrecision(1)));
}

/**
 * Top of a log loss axis with several runs: a diverging run's loss reaches 1e30 and would squash
 * every other curve into a line at the bottom, so the axis stops a decade above the highest loss of
 * the runs that did not blow up (the diverging curve leaves through the top).
 */
function lossCeiling(runs: RunRecord[], series: 'both' | 'train' | 'val'): number | undefined {
  if (runs.length < 2) return undefined;
  const peak = (r: RunRecord) => Math.max(...r.history.flatMap((h) => [series !== 'val' ? h.trainLoss : NaN, series !== 'train' ? h.valLoss ?? NaN : NaN]).filter(Number.isFinite));
  const calm = runs.filter((r) => r.status !== 'diverged' && r.stopReason !== 'diverged').map(peak).filter(Number.isFinite);
  const all = runs.map(peak).filter(Number.isFinite);
  if (!calm.length || !all.length) return undefined;
  const top = 10 ** Math.ceil(Math.log10(Math.max(...calm)) + 1);
  return Math.max(...all) > top ? top : undefined;
}

export interface MarkerOptions { markers: Marker[]; font: string }

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    /** Vertical marker lines (best epoch, early stop, divergence, a threshold). */
    logitLabMarkers?: MarkerOptions & { _type?: TType };
  }
}

/** Draws labelled vertical lines at x values; its options live in options.plugins.logitLabMarkers so
 * chart updates carry them (no annotation plugin needed, works in Node too). Registered globally. */
export const markerPlugin: Plugin<ChartType, MarkerOptions> = {
  id: 'logitLabMarkers',
  defaults: { markers: [], font: 'sans-serif' },
  afterDatasetsDraw(chart, _args, opts) {
    const { ctx, chartArea, scales } = chart;
    const x = scales.x;
    const markers = opts?.markers ?? [];
    if (!x || !chartArea || !markers.length) return;
    ctx.save();
    ctx.font = `10px ${opts.font}`;
    ctx.textBaseline = 'top';
    markers.forEach((m, n) => {
      const px = x.getPixelForValue(m.epoch);
      if (!(px >= chartArea.left - 0.5 && px <= chartArea.right + 0.5)) return;
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(m.dash);
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = m.color;
      const w = ctx.measureText(m.label).width;
      const right = px + 3 + w > chartArea.right;
      ctx.textAlign = right ? 'right' : 'left';
      ctx.fillText(m.label, right ? px - 3 : px + 3, chartArea.top + 2 + n * 12);
    });
    ctx.restore();
  },
};
Chart.register(markerPlugin);

/** A Chart.js line config for the loss or accuracy of one run (train vs val) or several (overlay). */
export function curvesConfig(runs: RunRecord[], opts: CurveOptions): ChartConfiguration<'line', { x: number; y: number | null }[]> {
  const pal = opts.palette;
  const single = runs.length === 1;
  const datasets: ChartDataset<'line', { x: number; y: number | null }[]>[] = [];
  const log = opts.metric === 'loss' && !!opts.log;
  const series = opts.series ?? 'both';
  runs.forEach((run, r) => {
    const hist = opts.upToEpoch === undefined ? run.history : run.history.filter((h) => h.epoch <= opts.upToEpoch!);
    const idx = thin(hist.length, opts.maxPoints ?? 2000);
    const epochs = idx.map((i) => hist[i].epoch);
    const pick = (vals: (number | null)[]) => idx.map((i) => vals[i]);
    const clean = (v: number | null) => (v === null || !Number.isFinite(v) || (log && v <= 0) ? null : v);
    const parts: { label: string; values: (number | null)[]; color: string; dash: number[] }[] = [];
    const train = hist.map((h) => (opts.metric === 'loss' ? h.trainLoss : h.trainAcc));
    const val = hist.map((h) => (opts.metric === 'loss' ? h.valLoss : h.valAcc));
    const color = single ? pal.series[0] : pal.series[r % pal.series.length];
    if (series !== 'val') parts.push({ label: single ? 'train' : `${run.name} train`, values: train, color, dash: [] });
    if (series !== 'train' && val.some((v) => v !== null)) parts.push({ label: single ? 'validation' : `${run.name} val`, values: val, color: single ? pal.series[1] : color, dash: [6, 4] });
    for (const part of parts) {
      const smoothed = smooth(part.values, opts.smoothing ?? 0);
      if ((opts.smoothing ?? 0) > 0) {
        // The raw values stay visible, faint, under the smoothed line.
        datasets.push({
          label: `${part.label} (raw)`, data: pick(part.values).map((y, i) => ({ x: epochs[i], y: clean(y) })),
          borderColor: withAlpha(part.color, 0.25), backgroundColor: withAlpha(part.color, 0.25), borderDash: part.dash,
          borderWidth: 1, pointRadius: 0, spanGaps: true,
        });
      }
      datasets.push({
        label: part.label, data: pick(smoothed).map((y, i) => ({ x: epochs[i], y: clean(y) })),
        borderColor: part.color, backgroundColor: part.color, borderDash: part.dash,
        borderWidth: pal.highContrast ? 3 : 2, pointRadius: hist.length <= 1 ? 3 : 0, pointHitRadius: 6, spanGaps: true,
      });
    }
  });
  // A run with a learning-rate schedule: its rate beside the loss, on its own (log) axis at the right.
  const rates = single && opts.metric === 'loss' && series !== 'val' ? learningRates(runs[0], opts.upToEpoch, opts.maxPoints ?? 2000) : undefined;
  if (rates) {
    datasets.push({
      label: 'learning rate', yAxisID: 'lr', data: rates,
      borderColor: pal.muted, backgroundColor: pal.muted, borderDash: [2, 3], borderWidth: 1.5, pointRadius: 0, spanGaps: true,
    });
  }
  const markers = (opts.markers ?? true) && single ? markersFor(runs[0], pal) : [];
  const yMax = log ? lossCeiling(runs, series) : undefined;
  const maxEpoch = Math.max(1, ...runs.map((r) => r.history.at(-1)?.epoch ?? 1));
  return {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      responsive: false,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      color: pal.foreground,
      font: { family: pal.font, size: 11 },
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear', min: 1, max: maxEpoch,
          title: { display: true, text: 'epoch', color: pal.foreground },
          ticks: { color: pal.muted, precision: 0 }, grid: { color: pal.grid },
        },
        y: {
          type: log ? 'logarithmic' : 'linear',
          ...(opts.metric === 'accuracy' ? { min: 0, max: 1 } : log ? (yMax ? { max: yMax } : {}) : { min: 0 }),
          title: { display: true, text: opts.metric === 'loss' ? (log ? 'loss (log)' : 'loss') : 'accuracy', color: pal.foreground },
          ticks: { color: pal.muted, ...(log ? { callback: (v: number | string) => logTick(Number(v)) } : {}) }, grid: { color: pal.grid },
        },
        ...(rates ? {
          lr: {
            type: 'logarithmic' as const, position: 'right' as const,
            title: { display: true, text: 'learning rate (log)', color: pal.muted },
            ticks: { color: pal.muted, callback: (v: number | string) => logTick(Number(v)) }, grid: { drawOnChartArea: false },
          },
        } : {}),
      },
      plugins: {
        title: { display: !!opts.title, text: opts.title ?? '', color: pal.foreground },
        // Swatches are short thin lines in the series' colour (dashes show as the line's own dash).
        legend: { labels: { color: pal.foreground, boxWidth: 22, boxHeight: 2, filter: (item) => !item.text.endsWith('(raw)') } },
        tooltip: { enabled: true },
        logitLabMarkers: { markers, font: pal.font },
      },
    },
  };
}

/** The rate of each epoch a scheduled run recorded (positive ones: the axis is logarithmic), or undefined. */
function learningRates(run: RunRecord, upToEpoch: number | undefined, maxPoints: number): { x: number; y: number | null }[] | undefined {
  if (!run.history.some((h) => h.lr !== undefined)) return undefined;
  const hist = upToEpoch === undefined ? run.history : run.history.filter((h) => h.epoch <= upToEpoch);
  return thin(hist.length, maxPoints).map((i) => ({ x: hist[i].epoch, y: hist[i].lr !== undefined && hist[i].lr! > 0 ? hist[i].lr! : null }));
}
