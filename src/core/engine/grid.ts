// The boundary grid: a 2-D slice through feature space over the training data's bounds (± a
// margin), every other feature held at its training mean/mode (data.sliceBase). For 1-D data the
// "grid" is a line of points.
import type { PreparedData, Table } from '../data/types';
import type { RecordSpec } from '../experiment/schema';
import type { GridSpec } from './types';
import { crossInputs, type InputFeature } from '../nn/features';

export function gridSpec(data: PreparedData, record: RecordSpec, classes: number): GridSpec {
  const [fx, fy = -1] = data.sliceFeatures.length ? data.sliceFeatures : [0, data.train.d > 1 ? 1 : -1];
  const [xMin, xMax] = bounds(data.train, fx, record.margin);
  const [yMin, yMax] = fy >= 0 ? bounds(data.train, fy, record.margin) : [0, 0];
  return { features: [fx, fy], xMin, xMax, yMin, yMax, nx: record.grid, ny: fy >= 0 ? record.grid : 1, classes };
}

/** Coordinate of grid column i (cells include both ends of the range). */
export function gridX(g: GridSpec, i: number): number {
  return g.nx === 1 ? g.xMin : g.xMin + (i * (g.xMax - g.xMin)) / (g.nx - 1);
}

export function gridY(g: GridSpec, j: number): number {
  return g.ny === 1 ? g.yMin : g.yMin + (j * (g.yMax - g.yMin)) / (g.ny - 1);
}

/**
 * Model inputs for every cell, row-major with y outer and x inner: [nx·ny][d] — or, with derived
 * input features (model.inputs), those features of each cell's point: [nx·ny][inputs.length].
 */
export function gridInputs(g: GridSpec, sliceBase: Float32Array, inputs?: readonly InputFeature[]): Float32Array {
  if (inputs) return crossInputs(gridInputs(g, sliceBase), g.nx * g.ny, inputs);
  const d = sliceBase.length;
  const out = new Float32Array(g.nx * g.ny * d);
  for (let j = 0; j < g.ny; j++) {
    for (let i = 0; i < g.nx; i++) {
      const row = (j * g.nx + i) * d;
      out.set(sliceBase, row);
      out[row + g.features[0]] = gridX(g, i);
      if (g.features[1] >= 0) out[row + g.features[1]] = gridY(g, j);
    }
  }
  return out;
}

/** Slice coordinates and labels of a table's samples, for drawing the points. */
export function slicePoints(t: Table, g: GridSpec): { x: number[]; y: number[]; label: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let r = 0; r < t.n; r++) {
    x.push(t.x[r * t.d + g.features[0]]);
    y.push(g.features[1] >= 0 ? t.x[r * t.d + g.features[1]] : 0);
  }
  return { x, y, label: Array.from(t.y) };
}

function bounds(t: Table, f: number, margin: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < t.n; r++) {
    const v = t.x[r * t.d + f];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [-1 - margin, 1 + margin];
  return [lo - margin, hi + margin];
}
