// Animation: the boundary epoch by epoch, with play/pause, a scrubber and a speed control, and the
// loss up to the frame shown.
import { h, fmtNum, fmtPct, sizeCanvas } from '../dom';
import { curvesConfig } from '../render/curves';
import { boundaryCanvas, chartIn, fit, paintBoundary, palette, requestRender, runPicker, store, ui, view, views, type ViewDef } from './kit';

/** Snapshots per second at 1×. */
export const BASE_FPS = 6;

// Playback keeps its own clock: the frame shown is the one due at this moment (frames are skipped
// when painting is slower than the speed asks), so 4× really is four times 1×.
let clock: { start: number; frame: number; speed: number } | undefined;
export const playback = { shown: 0 };

export function advancePlayback(time: number): void {
  const run = store().get(ui.runId);
  if (!ui.playing || !run) { clock = undefined; return; }
  if (!clock || clock.speed !== ui.speed) clock = { start: time, frame: ui.frame, speed: ui.speed };
  const due = clock.frame + Math.floor(((time - clock.start) / 1000) * BASE_FPS * ui.speed);
  const last = run.snapshots.length - 1;
  if (due !== ui.frame) playback.shown++;
  ui.frame = Math.min(due, Math.max(0, last));
  if (due >= last && !store().live) { ui.playing = false; ui.follow = true; clock = undefined; }
}

export const animationView: ViewDef = {
  id: 'animation',
  label: 'Animation',
  build() {
    const canvas = boundaryCanvas('animation', 'Decision boundary animation');
    const play = h('button', { class: 'll-play', 'aria-label': 'Play' });
    const slider = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, class: 'll-scrub', 'aria-label': 'Epoch' });
    const speed = h('select', { 'aria-label': 'Speed' }, ...[0.25, 0.5, 1, 2, 4].map((s) => h('option', { value: s, selected: s === ui.speed }, `${s}×`)));
    const info = h('div', { class: 'll-frame-info', 'aria-live': 'off' });
    const chartCanvas = h('canvas', { class: 'll-chart', role: 'img', 'aria-label': 'Loss up to the current epoch' });
    const plotBox = h('div', { class: 'll-plot-box ll-grow' }, canvas);
    const chartBox = h('div', { class: 'll-chart-box ll-grow' }, chartCanvas);
    play.addEventListener('click', () => {
      const r = store().get(ui.runId);
      if (!ui.playing && r && ui.frame >= r.snapshots.length - 1) ui.frame = 0;
      ui.playing = !ui.playing;
      ui.follow = false;
      requestRender();
    });
    slider.addEventListener('input', () => { ui.frame = Number(slider.value); ui.playing = false; ui.follow = ui.frame >= Number(slider.max); requestRender(); });
    speed.addEventListener('change', () => { ui.speed = Number(speed.value); requestRender(); });
    views.append(h('div', { class: 'll-toolbar' }, runPicker(), play, h('label', {}, 'epoch ', slider), h('label', {}, 'speed ', speed)), info, h('div', { class: 'll-row ll-fill' }, plotBox, chartBox));
    let shownPlaying: boolean | undefined;
    view.refresh = () => {
      const r = store().get(ui.runId);
      if (!r) return;
      const n = r.snapshots.length;
      ui.frame = Math.min(ui.frame, Math.max(0, n - 1));
      slider.max = String(Math.max(0, n - 1));
      slider.value = String(ui.frame);
      const snap = r.snapshots[ui.frame];
      const epoch = snap?.epoch;
      const h_ = r.history.find((e) => e.epoch === epoch) ?? r.history.at(-1);
      slider.setAttribute('aria-valuetext', `epoch ${epoch ?? '–'}`);
      if (shownPlaying !== ui.playing) {
        // Glyphs drawn in CSS (.ll-glyph): the ⏸ character is missing from many UI fonts.
        shownPlaying = ui.playing;
        play.replaceChildren(h('span', { class: `ll-glyph ${ui.playing ? 'pause' : 'play'}`, 'aria-hidden': 'true' }), ui.playing ? 'Pause' : 'Play');
        play.setAttribute('aria-label', ui.playing ? 'Pause' : 'Play');
      }
      info.textContent = `epoch ${epoch ?? '–'} / ${r.history.at(-1)?.epoch ?? '–'} · loss ${fmtNum(h_?.trainLoss)}${h_?.valLoss !== null && h_?.valLoss !== undefined ? ` · val loss ${fmtNum(h_.valLoss)}` : ''} · acc ${fmtPct(h_?.trainAcc)}${store().live ? ' · training…' : ''}`;
      const size = fit(plotBox, 1.12, { width: 260, height: 220 });
      paintBoundary('animation', canvas, r, size.width, size.height, ui.frame, { title: `${r.name} · epoch ${epoch ?? '–'}` });
      const cs = fit(chartBox, 1.5, { width: 260, height: 200 }, { width: 900, height: size.height });
      sizeCanvas(chartCanvas, cs.width, cs.height);
      chartIn('animation-loss', chartCanvas, curvesConfig([r], { metric: 'loss', palette: palette(), upToEpoch: epoch, markers: false, log: ui.log }));
    };
  },
};
