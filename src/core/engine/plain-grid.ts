// The plain kernel's views of the boundary grid: snapshots (P(class) per cell and, for ReLU nets,
// the number of linear regions) and the first hidden layer's neuron maps.
import { gridInputs, gridX, gridY } from './grid';
import type { InputFeature } from '../nn/features';
import { expFromMax, max2 } from './plain-loss';
import { PlainMlp, type Layer, type Pass } from './plain-mlp';
import { activateRun, activationOf, sigmoid } from '../nn/activations';
import { distinctPatterns, MAX_NEURON_MAPS, type GridJob } from './session';
import { loadWideKernel } from './wide-kernel';
import { WideGrid } from './wide-grid';
import type { BoundarySnapshot, GridSpec, RunRecord } from './types';

/**
 * The boundary grid of a model whose parameters arrive from elsewhere — a run training on another
 * thread — so its snapshots are computed beside the training instead of inside it. Same code on
 * the same parameters as the run's own PlainGrid: the same numbers, bit for bit.
 */
export class DetachedGrid {
  private readonly model: PlainMlp | undefined;
  private readonly grid: PlainGrid | undefined;
  private readonly wide: WideGrid | undefined;

  constructor(job: GridJob) {
    const kernel = job.kernel === 'wide' ? loadWideKernel() : undefined;
    if (kernel) {
      this.wide = new WideGrid(kernel, job);
      return;
    }
    const { sizes } = job;
    const zeros = sizes.slice(1).map((outDim, l) => ({ inDim: sizes[l], outDim, W: new Float32Array(sizes[l] * outDim), b: new Float32Array(outDim) }));
    // Only ever evaluated: plain SGD keeps no optimizer state.
    this.model = new PlainMlp(sizes, job.activation, 0, zeros, EVALUATE_ONLY);
    this.grid = new PlainGrid(this.model, job.grid, job.sliceBase, job.inputs);
  }

  snapshot(epoch: number, params: Float32Array): BoundarySnapshot {
    if (this.wide) return this.wide.snapshot(epoch, params);
    this.model!.setParameters(params);
    return this.grid!.snapshot(epoch);
  }
}

export const EVALUATE_ONLY = { kind: 'sgd', lr: 1, momentum: 0, nesterov: false, weightDecay: 0, betas: [0.9, 0.999], eps: 1e-8 } as const satisfies PlainMlp['optimizer'];

/** Beyond ±10 a logit's recorded probability is exactly 1 or 0 (σ(10) = 0.999955): no exp needed. */
const SATURATED = 10;

/**
 * round4(Math.fround(x)) (session.ts), bit for bit, without Math.round for positive values: V8
 * runs Math.round several times slower than Math.floor. v = fround(x)·10⁴ is exact with at most
 * 34 significant bits, so below 2⁵² v + ½ is exact too and ⌊v + ½⌋ is Math.round(v) (ties up).
 * Negative and huge values take Math.round; ±0 stays as it is, as Math.round keeps it.
 */
export function round4f(x: number): number {
  const v = Math.fround(x) * 1e4;
  if (v > 0 && v < 2 ** 52) return Math.floor(v + 0.5) / 1e4;
  return v === 0 ? v / 1e4 : Math.round(v) / 1e4;
}

/**
 * A probability as a snapshot records it: to 0.1% (src/core/run/gridCodec.ts SNAPSHOT_SCALE), the
 * same fast path as round4f. Rounded here, where the grid is computed (often on the grid thread),
 * so the training thread never walks a snapshot again.
 */
export function roundProbability(x: number): number {
  const v = Math.fround(x) * 1e3;
  if (v > 0 && v < 2 ** 52) return Math.floor(v + 0.5) / 1e3;
  return v === 0 ? v / 1e3 : Math.round(v) / 1e3;
}

/** Cells a grid pass holds: whole grid rows, about this many, so its arrays stay in the CPU cache. */
const BLOCK_CELLS = 512;

export class PlainGrid {
  private readonly cells: number;
  private readonly reluLike: boolean;
  /** The grid's x coordinates, rounded to float32 like the tfjs kernel's grid inputs. */
  private readonly xs: Float64Array;
  /** Grid rows per block, and the eval-mode pass one block goes through. */
  private readonly blockRows: number;
  private readonly pass: Pass;
  /** Kept number[]s of doubles by length, for `doubles`. */
  private readonly blanks = new Map<number, number[]>();

  /** With derived input features (model.inputs): every cell's inputs, [cells][features]. */
  private readonly derived: Float32Array | undefined;

  constructor(private readonly model: PlainMlp, private readonly grid: GridSpec, private readonly sliceBase: Float32Array, inputs?: InputFeature[]) {
    this.derived = inputs && gridInputs(grid, sliceBase, inputs);
    this.cells = grid.nx * grid.ny;
    this.reluLike = !!activationOf(model.activation).kink;
    this.xs = new Float64Array(grid.nx);
    for (let i = 0; i < grid.nx; i++) this.xs[i] = Math.fround(gridX(grid, i));
    this.blockRows = Math.max(1, Math.min(grid.ny, Math.floor(BLOCK_CELLS / grid.nx)));
    this.pass = model.newPass(this.blockRows * grid.nx);
  }

  snapshot(epoch: number): BoundarySnapshot {
    const { grid, model, pass } = this;
    const probs = new Float64Array(this.cells * (grid.classes === 2 ? 1 : grid.classes));
    const hidden = model.sizes.length - 2;
    if (hidden === 1 && this.reluLike && model.sizes[1] <= 53 && grid.nx > 1 && !this.derived) {
      return { epoch, probs, linearRegions: this.piecewiseLinear(probs) };
    }
    const k = model.sizes[hidden + 1];
    const perCell = grid.classes === 2 ? 1 : grid.classes;
    const regions = this.reluLike && hidden > 0 ? new RegionCounter(model.sizes.slice(1, -1), this.cells, pass.stride) : undefined;
    const base = this.sliceTerm(model.layers[0]);
    for (let j = 0; j < grid.ny; j += this.blockRows) {
      const cells = this.derived ? this.derivedInputs(j) : this.firstLayer(j, base);
      model.forward(pass, cells, undefined, !this.derived);
      writeProbabilities(pass.pre[hidden], k, cells, pass.stride, grid.classes, probs, j * grid.nx * perCell);
      regions?.add(pass, cells);
    }
    const snapshot: BoundarySnapshot = { epoch, probs };
    if (regions) snapshot.linearRegions = regions.count();
    return snapshot;
  }

  /** Activation maps of the first hidden layer's units (at most MAX_NEURON_MAPS). */
  neuronMaps(): RunRecord['neuronMaps'] | undefined {
    if (this.model.layers.length < 2) return undefined;
    const { grid, pass } = this;
    const units = Math.min(this.model.sizes[1], MAX_NEURON_MAPS);
    const values = Array.from({ length: units }, () => this.doubles(this.cells));
    const base = this.sliceTerm(this.model.layers[0]);
    for (let j = 0; j < grid.ny; j += this.blockRows) {
      const cells = this.derived ? this.derivedInputs(j) : this.firstLayer(j, base);
      if (this.derived) this.model.forward(pass, cells);
      const at = j * grid.nx;
      for (let u = 0; u < units; u++) {
        const from = u * pass.stride;
        activateRun(this.model.activation, pass.pre[0], pass.post[0], undefined, from, from + cells);
        const map = values[u];
        for (let c = 0; c < cells; c++) map[at + c] = round4f(pass.post[0][from + c]);
      }
    }
    return { units, values };
  }

  /**
   * A number[] of n doubles, its values to be overwritten: a copy (slice) of a kept one, so one
   * allocation. `new Array(n)` starts out holding small integers, and is converted — copied —
   * when the first fraction is stored.
   */
  private doubles(n: number): number[] {
    let blank = this.blanks.get(n);
    if (!blank) this.blanks.set(n, (blank = new Array<number>(n).fill(0.5)));
    return blank.slice();
  }

  /**
   * The first layer's xW + b for the block of grid rows starting at row j, into pass.pre[0], given
   * its slice term `base`; the block's cell count. The grid is a 2-D slice (every other feature
   * fixed), so xW + b is a per-row term plus a per-column term in each cell: ~d times less work
   * than the matmul, which dominates a snapshot of a small net.
   */
  private firstLayer(j: number, base: Float64Array): number {
    const { grid, pass, xs } = this;
    const first = this.model.layers[0];
    const w = first.outDim;
    const [fx, fy] = grid.features;
    const rows = Math.min(this.blockRows, grid.ny - j);
    const z = pass.pre[0];
    for (let u = 0; u < w; u++) {
      const wx = first.W[fx * w + u];
      const wy = fy >= 0 ? first.W[fy * w + u] : 0;
      let o = u * pass.stride;
      for (let r = j; r < j + rows; r++) {
        const row = base[u] + (fy >= 0 ? Math.fround(gridY(grid, r)) * wy : 0);
        for (let i = 0; i < grid.nx; i++) z[o++] = row + xs[i] * wx;
      }
    }
    return rows * grid.nx;
  }

  /** The block of grid rows from row j's derived inputs into pass.inputs[0] (feature-major); its cell count. */
  private derivedInputs(j: number): number {
    const { grid, pass } = this;
    const rows = Math.min(this.blockRows, grid.ny - j);
    const cells = rows * grid.nx;
    const k = this.model.sizes[0];
    const from = j * grid.nx;
    const input = pass.inputs[0];
    for (let c = 0; c < cells; c++) for (let f = 0; f < k; f++) input[f * pass.stride + c] = this.derived![(from + c) * k + f];
    return cells;
  }

  /** b + Σ of the fixed features' terms, per first-layer unit: the part of xW + b the grid never varies. */
  private sliceTerm(first: Layer): Float64Array {
    const w = first.outDim;
    if (this.derived) return new Float64Array(w);
    const [fx, fy] = this.grid.features;
    const base = new Float64Array(w);
    for (let u = 0; u < w; u++) base[u] = first.b[u];
    for (let k = 0; k < first.inDim; k++) {
      if (k === fx || k === fy) continue;
      const v = this.sliceBase[k];
      for (let u = 0; u < w; u++) base[u] += v * first.W[k * w + u];
    }
    return base;
  }

  /**
   * Snapshot of a one-hidden-layer (leaky) ReLU net without evaluating every unit in every cell.
   * Along a grid row each unit's pre-activation is monotone in x, so it switches on or off at
   * most once: the row splits into segments with a fixed on/off pattern, and on each segment
   * the logits are linear in x (A + B·x). The switch points are found on the same cell-level
   * test (z > 0) the full forward uses, so the region count is exact.
   */
  private piecewiseLinear(probs: Float64Array): number {
    const { grid, model } = this;
    const [l1, l2] = model.layers;
    const k = l2.outDim;
    const w = l1.outDim;
    const [fx, fy] = grid.features;
    const slope = activationOf(model.activation).kink?.negativeSlope ?? 0;
    const { xs } = this;
    const last = grid.nx - 1;
    const step = (grid.xMax - grid.xMin) / last;
    const base = this.sliceTerm(l1);
    const wx = new Float64Array(w);
    const wy = new Float64Array(w);
    // Cells per unit of a unit's pre-activation along a row: 1 / (its change from cell to cell).
    const cellsPerX = new Float64Array(w);
    for (let u = 0; u < w; u++) {
      wx[u] = l1.W[fx * w + u];
      wy[u] = fy >= 0 ? l1.W[fy * w + u] : 0;
      cellsPerX[u] = 1 / (wx[u] * ((xs[last] - xs[0]) / last));
    }
    // One logit: e^−z changes by the factor e^(−B·step) from cell to cell of a segment, and B is
    // a sum over the units, so the factor is a product over the units, updated at each flip.
    const cellFactor = k === 1 ? unitCellFactors(l2, wx, slope, step) : undefined;
    const row = new Float64Array(w);
    const on = new Uint8Array(w);
    const bit = Array.from({ length: w }, (_, u) => 2 ** u);
    // Cells where a unit flips, as cell·64 + unit, kept sorted by insertion (at most w per row).
    const events = new Int32Array(w);
    const A = new Float64Array(k);
    const B = new Float64Array(k);
    const z = new Float64Array(k);
    const perCell = grid.classes === 2 ? 1 : grid.classes;
    const seen = new PatternSet(w);
    for (let j = 0; j < grid.ny; j++) {
      const y = fy >= 0 ? Math.fround(gridY(grid, j)) : 0;
      for (let u = 0; u < w; u++) row[u] = base[u] + (fy >= 0 ? y * wy[u] : 0);
      // The pattern at the row's first cell, and where each unit flips.
      let key = 0;
      let count = 0;
      let factor = 1;
      for (let c = 0; c < k; c++) A[c] = B[c] = 0;
      for (let u = 0; u < w; u++) {
        const start = row[u] + xs[0] * wx[u];
        const on0 = start > 0;
        on[u] = on0 ? 1 : 0;
        if (on0) key += bit[u];
        addUnit(A, B, u, on0 ? 1 : slope, row[u], wx[u], l2, k);
        if (cellFactor) factor *= cellFactor[2 * u + on[u]];
        if ((row[u] + xs[last] * wx[u] > 0) === on0) continue;
        let at = count++;
        const event = firstFlip(row[u], wx[u], on0, xs, -start * cellsPerX[u]) * 64 + u;
        while (at > 0 && events[at - 1] > event) {
          events[at] = events[at - 1];
          at--;
        }
        events[at] = event;
      }
      // Segment by segment: flip the units switching at its first cell, then fill its cells.
      let e = 0;
      for (let from = 0; from <= last;) {
        // Units flipping at the same cell flip together: only the pattern after all of them exists.
        while (e < count && events[e] >> 6 === from) {
          const u = events[e] & 63;
          const nowOn = on[u] === 0;
          on[u] = nowOn ? 1 : 0;
          key += nowOn ? bit[u] : -bit[u];
          // Swap the unit's contribution: remove the old state's factor, add the new one's.
          addUnit(A, B, u, nowOn ? 1 - slope : slope - 1, row[u], wx[u], l2, k);
          if (cellFactor) factor *= cellFactor[2 * u + on[u]] * cellFactor[2 * (w + u) + on[u]];
          e++;
        }
        seen.add(key);
        const to = e < count ? events[e] >> 6 : last + 1;
        const at = j * grid.nx;
        if (k === 1) {
          sigmoidSegment(l2.b[0] + A[0], B[0], factor, xs, from, to, probs, at);
        } else {
          for (let i = from; i < to; i++) {
            for (let c = 0; c < k; c++) z[c] = l2.b[c] + A[c] + B[c] * xs[i];
            writeProbabilities(z, k, 1, 1, grid.classes, probs, (at + i) * perCell);
          }
        }
        from = to;
      }
    }
    return seen.size;
  }
}

/**
 * Per unit u of a one-logit net's hidden layer, e^(−step·s·w_out·wx) for its slope s off
 * ([2u]: 0, or leaky ReLU's 0.01) and on ([2u+1]: 1): its factor in e^(−B·step). Then the
 * inverses, [2(w+u)] of the on factor and [2(w+u)+1] of the off one: at a flip to state s the
 * product gains factor s and loses the other state's.
 */
function unitCellFactors(out: Layer, wx: Float64Array, slope: number, step: number): Float64Array {
  const w = wx.length;
  const f = new Float64Array(4 * w);
  for (let u = 0; u < w; u++) {
    const off = slope === 0 ? 1 : Math.exp(-step * slope * out.W[u] * wx[u]);
    const on = Math.exp(-step * out.W[u] * wx[u]);
    f[2 * u] = off;
    f[2 * u + 1] = on;
    f[2 * (w + u)] = 1 / on;
    f[2 * (w + u) + 1] = 1 / off;
  }
  return f;
}

/**
 * First cell along a grid row where a unit's state (row + x·wx > 0) differs from cell 0's, given
 * that the last cell's does. Started at `guess`, where its line crosses zero, then checked cell
 * by cell.
 */
function firstFlip(rowU: number, wx: number, on0: boolean, xs: Float64Array, guess: number): number {
  const last = xs.length - 1;
  let i = Math.ceil(guess);
  if (!(i >= 1)) i = 1;
  else if (i > last) i = last;
  while (i > 1 && (rowU + xs[i - 1] * wx > 0) !== on0) i--;
  while ((rowU + xs[i] * wx > 0) === on0) i++;
  return i;
}

/**
 * P(class 1) = σ(a + b·x) at cells [from, to) of a row, into probs[at + i]. Along the segment
 * e^−z is multiplied by `factor` = e^(−b·step) per cell (z is linear in x and the cells are evenly
 * spaced) instead of one exp per cell; recomputed after saturated cells. Differs from the direct
 * exp by ~1e-7 relative.
 */
function sigmoidSegment(a: number, b: number, factor: number, xs: Float64Array, from: number, to: number, probs: Float64Array, at: number): void {
  let expNegZ = NaN;
  for (let i = from; i < to; i++) {
    const zc = a + b * xs[i];
    if (zc > SATURATED || zc < -SATURATED) {
      probs[at + i] = zc > 0 ? 1 : 0;
      expNegZ = NaN;
      continue;
    }
    expNegZ = expNegZ === expNegZ ? expNegZ * factor : Math.exp(-zc);
    probs[at + i] = roundProbability(1 / (1 + expNegZ));
  }
}

/**
 * Distinct on/off patterns of all hidden pre-activations over the grid: its linear regions, for a
 * ReLU net. Fed a block of cells at a time.
 */
class RegionCounter {
  private readonly units: number;
  /** Up to 53 units a pattern is one number, key = key·2 + on unit by unit (int32 up to 31). */
  private readonly keys: Int32Array | Float64Array | undefined;
  private readonly seen: PatternSet | undefined;
  private previous = -1;
  /** Wider: row-major 0/1 bits of every cell, for distinctPatterns. */
  private readonly bits: Uint8Array | undefined;
  private done = 0;

  constructor(private readonly widths: number[], cells: number, blockCells: number) {
    this.units = widths.reduce((a, b) => a + b, 0);
    if (this.units <= 53) {
      this.keys = this.units <= 31 ? new Int32Array(blockCells) : new Float64Array(blockCells);
      this.seen = new PatternSet(this.units);
    } else {
      this.bits = new Uint8Array(cells * this.units);
    }
  }

  add(pass: Pass, cells: number): void {
    const { keys, seen } = this;
    if (!keys || !seen) return this.addBits(pass, cells);
    const stride = pass.stride;
    keys.fill(0, 0, cells);
    this.widths.forEach((w, l) => {
      const z = pass.pre[l];
      for (let u = 0; u < w; u++) {
        const at = u * stride;
        if (keys instanceof Int32Array) for (let c = 0; c < cells; c++) keys[c] = (keys[c] << 1) | (z[at + c] > 0 ? 1 : 0);
        else for (let c = 0; c < cells; c++) keys[c] = keys[c] * 2 + (z[at + c] > 0 ? 1 : 0);
      }
    });
    // Neighbouring cells mostly share a pattern: look it up only where it changes.
    for (let c = 0; c < cells; c++) {
      if (keys[c] === this.previous) continue;
      this.previous = keys[c];
      seen.add(keys[c]);
    }
  }

  private addBits(pass: Pass, cells: number): void {
    const { units } = this;
    let offset = 0;
    this.widths.forEach((w, l) => {
      const z = pass.pre[l];
      for (let u = 0; u < w; u++) {
        for (let c = 0; c < cells; c++) this.bits![(this.done + c) * units + offset + u] = z[u * pass.stride + c] > 0 ? 1 : 0;
      }
      offset += w;
    });
    this.done += cells;
  }

  count(): number {
    return this.seen ? this.seen.size : distinctPatterns(this.bits!, this.done, this.units);
  }
}

/**
 * Distinct on/off patterns, given as numbers below 2^units. Up to 16 units a table of 2^16 marks
 * is faster than a Set; it is kept between snapshots, each snapshot marking with its own stamp.
 */
class PatternSet {
  private static marks = new Uint32Array(1 << 16);
  private static stamp = 0;
  private readonly set: Set<number> | undefined;
  private readonly stamp: number;
  size = 0;

  constructor(units: number) {
    this.set = units > 16 ? new Set<number>() : undefined;
    if (++PatternSet.stamp === 2 ** 32) {
      PatternSet.marks.fill(0);
      PatternSet.stamp = 1;
    }
    this.stamp = PatternSet.stamp;
  }

  add(pattern: number): void {
    if (this.set) {
      this.set.add(pattern);
      this.size = this.set.size;
    } else if (PatternSet.marks[pattern] !== this.stamp) {
      PatternSet.marks[pattern] = this.stamp;
      this.size++;
    }
  }
}

/** A, B += factor · unit u's line (row + x·wx) through the output weights. */
function addUnit(A: Float64Array, B: Float64Array, u: number, factor: number, rowU: number, wx: number, out: Layer, k: number): void {
  if (factor === 0) return;
  for (let c = 0; c < k; c++) {
    const wo = out.W[u * k + c] * factor;
    A[c] += wo * rowU;
    B[c] += wo * wx;
  }
}

/**
 * P(class) of `rows` rows of feature-major logits (logit j of row r at j·stride + r) into
 * out[at…]: P(class 1) per row for two classes, else the k probabilities per row.
 */
export function writeProbabilities(z: Float64Array, k: number, rows: number, stride: number, classes: number, out: Float64Array, at: number): void {
  if (k === 1) {
    for (let r = 0; r < rows; r++) {
      const zr = z[r];
      out[at + r] = zr > SATURATED ? 1 : zr < -SATURATED ? 0 : roundProbability(sigmoid(zr));
    }
    return;
  }
  if (classes === 2 && k === 2) {
    for (let r = 0; r < rows; r++) out[at + r] = softmax2(z[r], z[stride + r]);
    return;
  }
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (z[j * stride + r] > max) max = z[j * stride + r];
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(z[j * stride + r] - max);
    for (let j = 0; j < k; j++) out[at + r * k + j] = roundProbability(Math.exp(z[j * stride + r] - max) / sum);
  }
}

/**
 * P(class 1) of two logits, rounded as the record keeps it: softmax's e^(z1−max) / Σ e^(zj−max),
 * where the max's own term is e⁰ = 1. Past a logit gap of ±10 it rounds to exactly 1 or 0.
 */
function softmax2(z0: number, z1: number): number {
  const gap = z1 - z0;
  if (gap > SATURATED) return 1;
  if (gap < -SATURATED) return 0;
  const max = max2(z0, z1);
  const e1 = expFromMax(z1, max);
  return roundProbability(e1 / (expFromMax(z0, max) + e1));
}
