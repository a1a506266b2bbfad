// Colours shared by every renderer. The webview reads them from CSS variables (so they follow the VS
// Code theme); Node (CLI PNGs) passes an explicit palette. Class colours are colour-blind safe: the
// binary map is ColorBrewer RdBu (red ↔ blue), more classes use the Okabe–Ito palette (designed to
// stay distinct under every common colour-vision deficiency), then Tableau10.
import { interpolateRdBu, schemeTableau10 } from 'd3-scale-chromatic';

export interface Palette {
  background: string;
  foreground: string;
  /** Secondary text: ticks, captions. */
  muted: string;
  /** Axis lines and grid. */
  grid: string;
  /** Train / validation (and further) series in charts. */
  series: string[];
  /** Marks for things that went wrong: divergence, misclassification. */
  alert: string;
  good: string;
  font: string;
  dark: boolean;
  highContrast: boolean;
}

export const lightPalette: Palette = {
  background: '#ffffff', foreground: '#1f1f1f', muted: '#616161', grid: '#d0d0d0',
  series: ['#4e79a7', '#f28e2c', '#59a14f', '#e15759', '#76b7b2', '#af7aa1', '#edc949', '#ff9da7', '#9c755f', '#bab0ab'],
  alert: '#c62828', good: '#2e7d32', font: 'DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif', dark: false, highContrast: false,
};

export const darkPalette: Palette = {
  ...lightPalette,
  background: '#1e1e1e', foreground: '#d4d4d4', muted: '#9d9d9d', grid: '#3c3c3c', alert: '#f48771', good: '#89d185', dark: true,
};

/** P(class 1) → colour on the diverging map: class 0 red, class 1 blue. */
export const divergingColor = (p: number): string => interpolateRdBu(p);

const OKABE_ITO = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442'];
const CATEGORICAL = [...OKABE_ITO, ...schemeTableau10];

/** The colour of class c among k classes. */
export function classColor(c: number, k: number): string {
  if (k <= 2) return interpolateRdBu(c === 0 ? 0.12 : 0.88);
  return CATEGORICAL[c % CATEGORICAL.length];
}

/** Parses #rgb, #rrggbb, #rrggbbaa and rgb()/rgba() into [r, g, b]. Unknown input gives grey. */
export function parseColor(c: string): [number, number, number] {
  const s = c.trim();
  if (s.startsWith('#')) {
    const h = s.slice(1);
    const full = h.length === 3 || h.length === 4 ? [...h.slice(0, 3)].map((d) => d + d).join('') : h.slice(0, 6);
    const n = parseInt(full, 16);
    if (!Number.isNaN(n)) return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return [128, 128, 128];
}

export function mix(a: [number, number, number], b: [number, number, number], t: number): [number, number, number] {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export const withAlpha = (c: string, alpha: number): string => {
  const [r, g, b] = parseColor(c);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
};

/** Reads the panel's palette from CSS variables set in media/panel.css (which derive from --vscode-*). */
export function paletteFromCss(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const dark = el.ownerDocument.body.classList.contains('vscode-dark') || (el.ownerDocument.body.classList.contains('vscode-high-contrast') && !el.ownerDocument.body.classList.contains('vscode-high-contrast-light'));
  const base = dark ? darkPalette : lightPalette;
  return {
    ...base,
    background: v('--ll-bg', base.background),
    foreground: v('--ll-fg', base.foreground),
    muted: v('--ll-muted', base.muted),
    grid: v('--ll-grid', base.grid),
    alert: v('--ll-alert', base.alert),
    good: v('--ll-good', base.good),
    font: v('--ll-font', base.font),
    dark,
    highContrast: el.ownerDocument.body.classList.contains('vscode-high-contrast'),
  };
}
