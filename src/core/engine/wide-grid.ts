// Eval-mode forward passes of a wide model on the wide kernel, and its boundary snapshots. A
// WideGrid owns a memory of its own with a copy of the parameters, so it serves both the training
// thread (inline snapshots) and the grid thread (DetachedGrid, while the run trains on).
//
// A 2-256×3-2 snapshot at 100×100 is 1.3 G multiply-adds — more than ten epochs of W2 — plus the
// linear regions: 768 on/off bits per cell, packed in wasm and counted through a hash, where
// per-cell strings of bits took as long as the forward.
import type { Activation } from '../experiment/schema';
import { gridInputs } from './grid';
import { activationOf } from '../nn/activations';
import { round4f, writeProbabilities } from './plain-grid';
import { MAX_NEURON_MAPS, type GridJob } from './session';
import { parameterCount } from './shapes';
import { instantiate, type WideExports, type WideKernel } from './wide-kernel';
import type { BoundarySnapshot, GridSpec, RunRecord } from './types';

/** Rows an evaluation pass holds at once (grid cells, or a table's rows): bounds its memory. */
export const EVAL_BLOCK = 2500;

/** Byte offsets of one layer's arrays in the kernel's memory. */
export interface WideLayer {
  inDim: number;
  outDim: number;
  W: number;
  b: number;
  gW: number;
  gb: number;
}

/** Hands out 16-byte-aligned byte ranges; the memory is created once everything is planned. */
export class Layout {
  bytes = 0;
  take(floats: number): number {
    const at = this.bytes;
    this.bytes += Math.ceil((floats * 4) / 16) * 16;
    return at;
  }
}

/** Each layer's W then b, one after another from byte `theta` (the order LayerWeights and PlainMlp use); gradients likewise from `grad`. */
export function layersAt(sizes: number[], theta: number, grad = 0): WideLayer[] {
  let offset = 0;
  return sizes.slice(1).map((outDim, l) => {
    const inDim = sizes[l];
    const layer = { inDim, outDim, W: theta + offset * 4, gW: grad + offset * 4, b: 0, gb: 0 };
    offset += inDim * outDim;
    layer.b = theta + offset * 4;
    layer.gb = grad + offset * 4;
    offset += outDim;
    return layer;
  });
}

type Gemm = (a: number, sai: number, sap: number, b: number, c: number, m: number, k: number, n: number, accumulate: number) => void;

/** Eval-mode forward of blocks of rows through the layers, alternating between two buffers. */
export class WideForward {
  constructor(
    private readonly k: WideExports,
    private readonly f32: Float32Array,
    private readonly layers: WideLayer[],
    private readonly activation: Activation,
    /** Byte offsets: the block's inputs, two [EVAL_BLOCK × widest] buffers, a Wᵀ scratch. */
    private readonly x: number,
    private readonly buffers: [number, number],
    private readonly wT: number,
    private readonly gemm: Gemm,
  ) {}

  /**
   * `rows` rows (≤ EVAL_BLOCK) of x [n × d] from row `start`; calls `hidden(l, at)` with each
   * hidden layer's output. Returns the byte offset of the logits [rows × outputs].
   */
  forward(x: Float32Array, d: number, start: number, rows: number, hidden?: (l: number, at: number) => void): number {
    const { k, f32 } = this;
    f32.set(x.subarray(start * d, (start + rows) * d), this.x >> 2);
    let input = this.x;
    let out = this.buffers[0];
    const last = this.layers.length - 1;
    for (let l = 0; ; l++) {
      const { outDim, b } = this.layers[l];
      this.affine(this.layers[l], input, out, rows);
      if (l === last) {
        k.addBias(out, b, rows, outDim);
        return out;
      }
      if (this.activation === 'relu') {
        k.biasRelu(out, out, 0, b, rows, outDim);
      } else {
        k.addBias(out, b, rows, outDim);
        const z = f32.subarray(out >> 2, (out >> 2) + rows * outDim);
        activationOf(this.activation).value(z, z, 0, rows * outDim);
      }
      hidden?.(l, out);
      input = out;
      out = out === this.buffers[0] ? this.buffers[1] : this.buffers[0];
    }
  }

  /**
   * out = input·W (the bias is added with the activation). A layer of 1–3 outputs (the logits)
   * is dot products against Wᵀ: gemm's column tiles would not fill.
   */
  affine(layer: WideLayer, input: number, out: number, rows: number): void {
    const { inDim, outDim, W } = layer;
    if (outDim >= 4 || inDim < 4) {
      this.gemm(input, inDim, 1, W, out, rows, inDim, outDim, 0);
      return;
    }
    this.k.transpose(W, this.wT, inDim, outDim);
    this.k.gemmNT(input, this.wT, out, rows, inDim, outDim);
  }
}

/** Boundary snapshots and neuron maps of a wide model, from parameters handed to it. */
export class WideGrid {
  private readonly k: WideExports;
  private readonly f32: Float32Array;
  private readonly u32: Uint32Array;
  private readonly net: WideForward;
  private readonly theta: number;
  private readonly params: number;
  private readonly widths: number[];
  private readonly reluLike: boolean;
  /** Per hidden layer, its first word in a cell's packed on/off pattern. */
  private readonly wordAt: number[];
  private readonly wordsPerCell: number;
  private readonly words: number;
  private readonly gridX: Float32Array;
  private readonly logits: Float64Array;

  constructor(kernel: WideKernel, private readonly job: GridJob) {
    const { sizes } = job;
    this.params = parameterCount(sizes);
    this.widths = sizes.slice(1, -1);
    this.reluLike = !!activationOf(job.activation).kink;
    this.wordAt = [];
    let words = 0;
    for (const w of this.widths) {
      this.wordAt.push(words);
      words += Math.ceil(w / 32);
    }
    this.wordsPerCell = words;
    const cells = job.grid.nx * job.grid.ny;
    const widest = Math.max(...sizes);
    const at = new Layout();
    this.theta = at.take(this.params);
    const layers = layersAt(sizes, this.theta);
    const x = at.take(EVAL_BLOCK * sizes[0]);
    const buffers: [number, number] = [at.take(EVAL_BLOCK * widest), at.take(EVAL_BLOCK * widest)];
    const wT = at.take(Math.max(...layers.map((l) => l.inDim * l.outDim)));
    this.words = at.take(this.reluLike ? cells * words : 0);
    const { exports, memory } = instantiate(kernel, at.bytes);
    this.k = exports;
    this.f32 = new Float32Array(memory.buffer);
    this.u32 = new Uint32Array(memory.buffer);
    this.net = new WideForward(exports, this.f32, layers, job.activation, x, buffers, wT, exports.gemm);
    this.gridX = gridInputs(job.grid, job.sliceBase, job.inputs);
    this.logits = new Float64Array(EVAL_BLOCK * sizes[sizes.length - 1]);
  }

  setParameters(p: Float32Array): void {
    this.f32.set(p.subarray(0, this.params), this.theta >> 2);
  }

  snapshot(epoch: number, params?: Float32Array): BoundarySnapshot {
    if (params) this.setParameters(params);
    const grid: GridSpec = this.job.grid;
    const cells = grid.nx * grid.ny;
    const k = this.job.sizes[this.job.sizes.length - 1];
    const countRegions = this.reluLike && this.widths.length > 0;
    const perCell = grid.classes === 2 ? 1 : grid.classes;
    const probs = new Float64Array(cells * perCell);
    for (let start = 0; start < cells; start += EVAL_BLOCK) {
      const rows = Math.min(EVAL_BLOCK, cells - start);
      const logits = this.net.forward(this.gridX, this.job.sizes[0], start, rows, countRegions ? (l, at) => {
        this.k.signBits(at, rows, this.widths[l], this.words + start * this.wordsPerCell * 4, this.wordsPerCell, this.wordAt[l]);
      } : undefined);
      const from = logits >> 2;
      for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) this.logits[j * rows + r] = this.f32[from + r * k + j];
      writeProbabilities(this.logits, k, rows, rows, grid.classes, probs, start * perCell);
    }
    const snapshot: BoundarySnapshot = { epoch, probs };
    if (countRegions) snapshot.linearRegions = distinctRows(this.u32, this.words >> 2, cells, this.wordsPerCell);
    return snapshot;
  }

  /** Activation maps of the first hidden layer's units (at most MAX_NEURON_MAPS). */
  neuronMaps(params?: Float32Array): RunRecord['neuronMaps'] | undefined {
    if (this.widths.length === 0) return undefined;
    if (params) this.setParameters(params);
    const cells = this.job.grid.nx * this.job.grid.ny;
    const width = this.widths[0];
    const units = Math.min(width, MAX_NEURON_MAPS);
    const values = Array.from({ length: units }, () => new Array<number>(cells).fill(0));
    for (let start = 0; start < cells; start += EVAL_BLOCK) {
      const rows = Math.min(EVAL_BLOCK, cells - start);
      this.net.forward(this.gridX, this.job.sizes[0], start, rows, (l, at) => {
        if (l !== 0) return;
        const from = at >> 2;
        for (let u = 0; u < units; u++) for (let r = 0; r < rows; r++) values[u][start + r] = round4f(this.f32[from + r * width + u]);
      });
    }
    return { units, values };
  }
}

/**
 * Distinct rows among `rows` rows of `width` words from words[at]: rows are bucketed by a hash
 * and compared word by word within a bucket, so the count is exact.
 */
export function distinctRows(words: Uint32Array, at: number, rows: number, width: number): number {
  const buckets = new Map<number, number[]>();
  let distinct = 0;
  for (let r = 0; r < rows; r++) {
    const o = at + r * width;
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < width; i++) {
      h1 = Math.imul(h1 ^ words[o + i], 0x01000193);
      h2 = Math.imul(h2 ^ words[o + i], 0x5bd1e995) ^ (h2 >>> 15);
    }
    // 53 bits of the two hashes: a JS number key.
    const key = (h1 >>> 0) * 2 ** 21 + (h2 >>> 11);
    const bucket = buckets.get(key);
    if (!bucket) {
      buckets.set(key, [o]);
      distinct++;
      continue;
    }
    if (bucket.some((p) => sameWords(words, p, o, width))) continue;
    bucket.push(o);
    distinct++;
  }
  return distinct;
}

function sameWords(words: Uint32Array, a: number, b: number, width: number): boolean {
  for (let i = 0; i < width; i++) if (words[a + i] !== words[b + i]) return false;
  return true;
}
