// Grids of values (boundary snapshots, neuron maps) in a compact, lossless form for the run store
// and the HTML report. Every grid value is a whole number of a unit (1e-3 for the probabilities
// of a snapshot, which a run rounds to that as it records them — a heatmap and its 0.5 contour need
// no finer; 1e-4 for activations, as the engine rounds them): stored as that integer, predicted
// from its left, upper and upper-left neighbours of the same channel (the PNG/LOCO-I "gradient"
// predictor: smooth fields leave small residuals), zig-zagged to unsigned and split into byte
// planes, which a deflate stream then squeezes — the high planes are almost all zeros. A 100×100
// moons snapshot: 80 kB as float64, 1.9–2.5 kB stored. NaN and ±Infinity (a diverged model's outputs)
// are kept as such.
//
// Pure: no Node or DOM API, so the webview decodes what the runner encodes. Deflate is the
// caller's (node:zlib in the runner, fflate in the browser).
import type { GridValues } from '../engine/types';

/** Where values sit: `channels` values per cell, cells row-major with `nx` cells a row; values are whole numbers of 1/scale. */
export interface GridLayout {
  nx: number;
  channels: number;
  scale: number;
}

/** A snapshot's probabilities are recorded to 0.1%. */
export const SNAPSHOT_SCALE = 1e3;
/** Activations (neuron maps) as the engine rounds them, to 4 decimals. */
export const ACTIVATION_SCALE = 1e4;

/** Rounds probabilities in place to what a snapshot records (NaN stays NaN). */
export function roundToSnapshotPrecision(values: { [i: number]: number; length: number }): void {
  for (let i = 0; i < values.length; i++) values[i] = Math.round(values[i] * SNAPSHOT_SCALE) / SNAPSHOT_SCALE;
}
/** Reserved integers for the values that are not numbers of 1e-4. */
const NAN = 0x7fffffff;
const POS_INF = 0x7ffffffe;
const NEG_INF = -0x7fffffff;
/** Beyond this many units, a value is not representable as an int32. */
const LIMIT = 0x7ffffffd;

function toInt(v: number, scale: number): number {
  if (Number.isNaN(v)) return NAN;
  if (v === Infinity) return POS_INF;
  if (v === -Infinity) return NEG_INF;
  return Math.max(-LIMIT, Math.min(LIMIT, Math.round(v * scale)));
}

function fromInt(k: number, scale: number): number {
  if (k === NAN) return NaN;
  if (k === POS_INF) return Infinity;
  if (k === NEG_INF) return -Infinity;
  return k / scale;
}

/**
 * The filtered bytes of a grid: a byte saying how many byte planes follow (1, 2 or 4: as many as
 * the largest residual needs), then the planes of the zig-zagged prediction residuals.
 */
export function filterGrid(values: GridValues, layout: GridLayout): Uint8Array {
  const n = values.length;
  const { scale } = layout;
  const ints = new Int32Array(n);
  for (let i = 0; i < n; i++) ints[i] = toInt(values[i], scale);
  const z = new Uint32Array(n);
  const c = layout.channels;
  const row = layout.nx * c;
  let max = 0;
  // Row by row, so no cell pays for a division to find its column.
  for (let y = 0, i = 0; i < n; y++) {
    for (let x = 0; x < row && i < n; x++, i++) {
      const r = (ints[i] - predictAt(ints, i, x, y, c, row)) | 0;
      const v = ((r << 1) ^ (r >> 31)) >>> 0;
      z[i] = v;
      if (v > max) max = v;
    }
  }
  const planes = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
  const out = new Uint8Array(1 + n * planes);
  out[0] = planes;
  for (let b = 0; b < planes; b++) {
    const at = 1 + b * n;
    const shift = 8 * b;
    for (let i = 0; i < n; i++) out[at + i] = (z[i] >>> shift) & 0xff;
  }
  return out;
}

/** The values of a grid from its filtered bytes (the inverse of filterGrid). */
export function unfilterGrid(bytes: Uint8Array, layout: GridLayout): Float64Array {
  const planes = bytes[0];
  if (!(planes === 1 || planes === 2 || planes === 4) || (bytes.length - 1) % planes !== 0) throw new Error('not the bytes of a grid');
  const n = (bytes.length - 1) / planes;
  const ints = new Int32Array(n);
  const c = layout.channels;
  const row = layout.nx * c;
  for (let y = 0, i = 0; i < n; y++) {
    for (let x = 0; x < row && i < n; x++, i++) {
      let v = 0;
      for (let b = 0; b < planes; b++) v |= bytes[1 + b * n + i] << (8 * b);
      const zz = v >>> 0;
      ints[i] = (((zz >>> 1) ^ -(zz & 1)) + predictAt(ints, i, x, y, c, row)) | 0;
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = fromInt(ints[i], layout.scale);
  return out;
}

/**
 * The prediction for cell i (column x, row y): left + up − upper-left of the same channel; the
 * left one alone on the first row, the upper one alone in the first column.
 */
function predictAt(ints: Int32Array, i: number, x: number, y: number, c: number, row: number): number {
  if (y === 0) return x < c ? 0 : ints[i - c];
  if (x < c) return ints[i - row];
  return (ints[i - c] + ints[i - row] - ints[i - row - c]) | 0;
}

/** Base64 of bytes (the report embeds the store's compressed grids as text). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
