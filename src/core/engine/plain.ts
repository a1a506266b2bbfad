// The same MLP, losses, optimizers and epoch as the tfjs kernel (train.ts, model.ts, losses.ts,
// optimizers.ts), written out in plain loops over typed arrays, in the spirit of TensorFlow
// Playground's nn.ts. For the lessons' small models a tfjs step is dominated by ~150 kernel
// launches, not arithmetic; these loops do the arithmetic only (moons 2-16-1: 0.14 ms/epoch vs
// 0.49 on wasm). Wide layers are faster on wasm's SIMD matmul, so `usePlainKernel` picks.
//
// Parameters and optimizer state are float32 like the tfjs variables (so they overflow where
// tfjs's would), arithmetic in between is float64. The reported metrics are rounded to float32.
import type { PreparedData, Table } from '../data/types';
import type { Activation, Loss, RunSpec } from '../experiment/schema';
import type { Rng } from '../rng';
import { gridX, gridY } from './grid';
import { checkShapes, parameterCount, type LayerWeights } from './model';
import { distinctPatterns, finishRecord, MAX_NEURON_MAPS, round4, type EpochMetrics, type SplitEvaluation, type TrainingSession } from './session';
import type { BoundarySnapshot, GridSpec, RunRecord } from './types';

/**
 * Multiply-adds of one batch's forward pass. Below this the plain kernel beats tfjs-wasm's
 * per-kernel overhead (measured: 2-16-1 × 300 and 10-32-1 × 32 win by 3–8×; 2-256×3-2 × 210,
 * ~28M, loses 2–4×).
 */
export const PLAIN_KERNEL_MAX_BATCH_MACS = 1_000_000;

export function usePlainKernel(sizes: number[], batchRows: number): boolean {
  let macs = 0;
  for (let l = 1; l < sizes.length; l++) macs += sizes[l - 1] * sizes[l];
  return macs * batchRows <= PLAIN_KERNEL_MAX_BATCH_MACS;
}

/** One Dense layer: W row-major [inDim][outDim] like LayerWeights, and its optimizer state. */
interface Layer {
  inDim: number;
  outDim: number;
  W: Float32Array;
  b: Float32Array;
  gW: Float64Array;
  gb: Float64Array;
  /** SGD momentum buffers, or Adam's first moments. */
  mW?: Float32Array;
  mb?: Float32Array;
  /** Adam's second moments. */
  vW?: Float32Array;
  vb?: Float32Array;
}

/** Activations of one forward pass over `rows` rows. */
interface Pass {
  rows: number;
  /** inputs[l]: what layer l read (x, then hidden outputs after dropout). */
  inputs: Float64Array[];
  /** pre[l]: xW + b of layer l (the last one is the logits). */
  pre: Float64Array[];
  /** post[l]: activation of hidden layer l, before dropout. */
  post: Float64Array[];
  /** Dropout masks of the hidden layers (training mode only). */
  masks: Float64Array[];
  /** d post / d pre of the hidden layers (training mode only). */
  deriv: Float64Array[];
}

export class PlainMlp {
  readonly layers: Layer[];
  readonly params: number;
  private step = 0;
  /** Bumped whenever the parameters change, so a grid pass over unchanged weights is reused. */
  version = 0;

  constructor(readonly sizes: number[], readonly activation: Activation, readonly dropout: number, weights: LayerWeights[], private readonly optimizer: RunSpec['optimizer']) {
    checkShapes(sizes, weights);
    const momentumState = optimizer.kind === 'sgd' ? optimizer.momentum > 0 : true;
    this.layers = weights.map((w) => ({
      inDim: w.inDim, outDim: w.outDim,
      W: Float32Array.from(w.W), b: Float32Array.from(w.b),
      gW: new Float64Array(w.W.length), gb: new Float64Array(w.b.length),
      ...(momentumState ? { mW: new Float32Array(w.W.length), mb: new Float32Array(w.b.length) } : {}),
      ...(optimizer.kind !== 'sgd' ? { vW: new Float32Array(w.W.length), vb: new Float32Array(w.b.length) } : {}),
    }));
    this.params = parameterCount(sizes);
  }

  newPass(rows: number, training = false): Pass {
    const L = this.layers.length;
    const hiddenBuffers = () => this.layers.slice(0, L - 1).map((l) => new Float64Array(rows * l.outDim));
    return {
      rows,
      inputs: this.layers.map((l) => new Float64Array(rows * l.inDim)),
      pre: this.layers.map((l) => new Float64Array(rows * l.outDim)),
      post: hiddenBuffers(),
      masks: training && this.dropout > 0 ? hiddenBuffers() : [],
      deriv: training ? hiddenBuffers() : [],
    };
  }

  /**
   * Forward over pass.inputs[0] (already filled, `rows` rows). With `dropoutRng` (training mode)
   * each hidden output is multiplied by a mask of 0 and 1/(1-p) drawn row by row from that
   * stream, layer after layer — the same draws as the tfjs kernel's. Training mode also keeps
   * each hidden unit's activation derivative for backward.
   */
  forward(pass: Pass, rows: number, training = false, dropoutRng?: Rng, firstLayerDone = false): void {
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      if (l > 0 || !firstLayerDone) this.affine(l, pass.inputs[l], pass.pre[l], rows);
      if (l < last) this.activateLayer(pass, l, rows, training, dropoutRng);
    }
  }

  /** z = hW + b for `rows` rows of layer l. */
  private affine(l: number, h: Float64Array, z: Float64Array, rows: number): void {
    const { inDim, outDim, W, b } = this.layers[l];
    if (outDim === 1) {
      const b0 = b[0];
      for (let r = 0; r < rows; r++) {
        let s = b0;
        const ho = r * inDim;
        for (let k = 0; k < inDim; k++) s += h[ho + k] * W[k];
        z[r] = s;
      }
      return;
    }
    for (let r = 0; r < rows; r++) {
      const zo = r * outDim;
      for (let j = 0; j < outDim; j++) z[zo + j] = b[j];
      const ho = r * inDim;
      for (let k = 0; k < inDim; k++) {
        const a = h[ho + k];
        const wo = k * outDim;
        for (let j = 0; j < outDim; j++) z[zo + j] += a * W[wo + j];
      }
    }
  }

  /** Hidden layer l's activation (into post[l]), then dropout in training mode (into inputs[l+1]). */
  activateLayer(pass: Pass, l: number, rows: number, training: boolean, dropoutRng?: Rng): void {
    const count = rows * this.layers[l].outDim;
    const z = pass.pre[l];
    const a = pass.post[l];
    activate(this.activation, z, a, count);
    if (training) derivatives(this.activation, z, a, pass.deriv[l], count);
    const next = pass.inputs[l + 1];
    if (dropoutRng && this.dropout > 0) {
      const p = this.dropout;
      const keep = 1 / (1 - p);
      const mask = pass.masks[l];
      for (let i = 0; i < count; i++) {
        mask[i] = dropoutRng.next() < p ? 0 : keep;
        next[i] = a[i] * mask[i];
      }
    } else {
      next.set(a.subarray(0, count));
    }
  }

  /** Gradients of the loss given dLoss/dlogits (overwritten on the way down) into gW/gb. */
  backward(pass: Pass, rows: number, dLogits: Float64Array, training: boolean): void {
    let dz = dLogits;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const { inDim, outDim, W, gW, gb } = this.layers[l];
      const h = pass.inputs[l];
      gW.fill(0);
      gb.fill(0);
      for (let r = 0; r < rows; r++) {
        const zo = r * outDim;
        const ho = r * inDim;
        for (let j = 0; j < outDim; j++) gb[j] += dz[zo + j];
        for (let k = 0; k < inDim; k++) {
          const a = h[ho + k];
          const wo = k * outDim;
          for (let j = 0; j < outDim; j++) gW[wo + j] += a * dz[zo + j];
        }
      }
      if (l === 0) break;
      // dh = dz Wᵀ, through dropout, then through the previous layer's activation.
      const dh = this.scratchFor(l - 1, rows * inDim);
      const deriv = pass.deriv[l - 1];
      const mask = training && this.dropout > 0 ? pass.masks[l - 1] : undefined;
      for (let r = 0; r < rows; r++) {
        const zo = r * outDim;
        const ho = r * inDim;
        for (let k = 0; k < inDim; k++) {
          const wo = k * outDim;
          let s = 0;
          for (let j = 0; j < outDim; j++) s += dz[zo + j] * W[wo + j];
          dh[ho + k] = s * deriv[ho + k];
        }
      }
      if (mask) for (let i = 0; i < rows * inDim; i++) dh[i] *= mask[i];
      dz = dh;
    }
  }

  private readonly scratch: Float64Array[] = [];

  private scratchFor(l: number, length: number): Float64Array {
    if (!this.scratch[l] || this.scratch[l].length < length) this.scratch[l] = new Float64Array(length);
    return this.scratch[l];
  }

  /** One optimizer step with the gradients in gW/gb — torch.optim's rules, as optimizers.ts. */
  update(): void {
    const o = this.optimizer;
    this.step += 1;
    this.version += 1;
    for (const layer of this.layers) {
      if (o.kind === 'sgd') {
        sgd(layer.W, layer.gW, layer.mW, o);
        sgd(layer.b, layer.gb, layer.mb, o);
      } else {
        adam(layer.W, layer.gW, layer.mW!, layer.vW!, o, this.step);
        adam(layer.b, layer.gb, layer.mb!, layer.vb!, o, this.step);
      }
    }
  }

  weights(): LayerWeights[] {
    return this.layers.map((l) => ({ W: Float32Array.from(l.W), b: Float32Array.from(l.b), inDim: l.inDim, outDim: l.outDim }));
  }

  setWeights(ws: LayerWeights[]): void {
    this.version += 1;
    ws.forEach((w, i) => {
      this.layers[i].W.set(w.W);
      this.layers[i].b.set(w.b);
    });
  }
}

export function sgd(p: Float32Array, grad: Float64Array, buf: Float32Array | undefined, o: RunSpec['optimizer']): void {
  const { lr, momentum, nesterov, weightDecay } = o;
  for (let i = 0; i < p.length; i++) {
    let g = grad[i];
    if (weightDecay !== 0) g += weightDecay * p[i];
    if (buf) {
      const b = (buf[i] = momentum * buf[i] + g);
      g = nesterov ? g + momentum * b : b;
    }
    p[i] = p[i] - lr * g;
  }
}

export function adam(p: Float32Array, grad: Float64Array, m: Float32Array, v: Float32Array, o: RunSpec['optimizer'], t: number): void {
  const { lr, weightDecay, eps } = o;
  const [beta1, beta2] = o.betas;
  const decoupled = o.kind === 'adamw';
  const stepSize = lr / (1 - beta1 ** t);
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
  for (let i = 0; i < p.length; i++) {
    let g = grad[i];
    let param = p[i];
    if (weightDecay !== 0) {
      if (decoupled) param = param * (1 - lr * weightDecay);
      else g += weightDecay * param;
    }
    const mi = (m[i] = beta1 * m[i] + (1 - beta1) * g);
    const vi = (v[i] = beta2 * v[i] + (1 - beta2) * g * g);
    p[i] = param - (mi / (Math.sqrt(vi) / biasCorrection2Sqrt + eps)) * stepSize;
  }
}

// --- activations ---------------------------------------------------------------------------

export function activate(kind: Activation, z: Float64Array, a: Float64Array, count: number): void {
  switch (kind) {
    case 'relu': for (let i = 0; i < count; i++) a[i] = z[i] > 0 ? z[i] : 0; return;
    case 'leaky-relu': for (let i = 0; i < count; i++) a[i] = z[i] > 0 ? z[i] : 0.01 * z[i]; return;
    case 'tanh': for (let i = 0; i < count; i++) a[i] = Math.tanh(z[i]); return;
    case 'sigmoid': for (let i = 0; i < count; i++) a[i] = sigmoid(z[i]); return;
    case 'gelu': for (let i = 0; i < count; i++) a[i] = z[i] * 0.5 * (1 + erf(z[i] / Math.SQRT2)); return;
    case 'linear': for (let i = 0; i < count; i++) a[i] = z[i]; return;
  }
}

/** d activation / dz (with a = activation(z)); 0 at z = 0 for ReLU, as tfjs and PyTorch. */
export function derivatives(kind: Activation, z: Float64Array, a: Float64Array, d: Float64Array, count: number): void {
  switch (kind) {
    case 'relu': for (let i = 0; i < count; i++) d[i] = z[i] > 0 ? 1 : 0; return;
    case 'leaky-relu': for (let i = 0; i < count; i++) d[i] = z[i] > 0 ? 1 : 0.01; return;
    case 'tanh': for (let i = 0; i < count; i++) d[i] = 1 - a[i] * a[i]; return;
    case 'sigmoid': for (let i = 0; i < count; i++) d[i] = a[i] * (1 - a[i]); return;
    case 'gelu':
      for (let i = 0; i < count; i++) d[i] = 0.5 * (1 + erf(z[i] / Math.SQRT2)) + z[i] * Math.exp(-0.5 * z[i] * z[i]) / Math.sqrt(2 * Math.PI);
      return;
    case 'linear': d.fill(1, 0, count); return;
  }
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): the approximation tfjs's Erf kernel uses. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return sign * y;
}

// --- losses (mean over the batch, as losses.ts) ----------------------------------------------

/**
 * Mean loss of `rows` rows of logits (k per row) against class indices; writes dLoss/dlogits into
 * `grad` when given. One logit: target y ∈ {0,1}; k logits: the one-hot of y.
 */
export function lossOf(loss: Loss, z: Float64Array, y: ArrayLike<number>, rows: number, k: number, grad?: Float64Array): number {
  let total = 0;
  const n = rows;
  if (k === 1) {
    for (let r = 0; r < rows; r++) {
      const zi = z[r];
      const t = y[r];
      const p = sigmoid(zi);
      let g: number;
      switch (loss) {
        case 'bce-with-logits':
          total += Math.max(zi, 0) - zi * t + Math.log1p(Math.exp(-Math.abs(zi)));
          g = p - t;
          break;
        case 'bce': {
          const logP = Math.log(p);
          const log1mP = Math.log(1 - p);
          total -= t * Math.max(logP, -100) + (1 - t) * Math.max(log1mP, -100);
          g = -t * (logP >= -100 ? 1 - p : 0) + (1 - t) * (log1mP >= -100 ? p : 0);
          break;
        }
        case 'mse':
          total += (p - t) * (p - t);
          g = 2 * (p - t) * p * (1 - p);
          break;
        default: throw new Error(`${loss} needs one output per class`);
      }
      if (grad) grad[r] = g / n;
    }
    return total / n;
  }
  const divisor = loss === 'mse' ? n * k : n;
  if (loss !== 'cross-entropy' && loss !== 'mse') throw new Error(`${loss} is for one output`);
  const e = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    const t = y[r];
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (z[o + j] > max) max = z[o + j];
    let sum = 0;
    for (let j = 0; j < k; j++) sum += (e[j] = Math.exp(z[o + j] - max));
    if (loss === 'cross-entropy') {
      total += max + Math.log(sum) - z[o + t];
      if (grad) for (let j = 0; j < k; j++) grad[o + j] = (e[j] / sum - (j === t ? 1 : 0)) / n;
    } else {
      // softmax then squared error; dL/dz_i = p_i (g_i − Σ_j g_j p_j) with g = 2(p − t)/(n·k).
      let dot = 0;
      for (let j = 0; j < k; j++) {
        const p = e[j] / sum;
        const d = p - (j === t ? 1 : 0);
        total += d * d;
        dot += 2 * d * p;
      }
      if (grad) {
        for (let j = 0; j < k; j++) {
          const p = e[j] / sum;
          grad[o + j] = (p * (2 * (p - (j === t ? 1 : 0)) - dot)) / divisor;
        }
      }
    }
  }
  return total / divisor;
}

/** Predicted class of row r: z > 0 for one logit, the first argmax for k. */
function predicted(z: Float64Array, r: number, k: number): number {
  if (k === 1) return z[r] > 0 ? 1 : 0;
  const o = r * k;
  let best = 0;
  for (let j = 1; j < k; j++) if (z[o + j] > z[o + best]) best = j;
  return best;
}

/** Link of row r's logits: P(class 1) (binary), or all k probabilities into out at `at`. */
function writeProbabilities(z: Float64Array, r: number, k: number, classes: number, out: number[], at: number): void {
  if (k === 1) {
    // Beyond ±10 the 4-decimal probability is exactly 1 or 0 (σ(10) = 0.999955): skip the exp.
    const zr = z[r];
    out[at] = zr > 10 ? 1 : zr < -10 ? 0 : round4(Math.fround(sigmoid(zr)));
    return;
  }
  const o = r * k;
  let max = -Infinity;
  for (let j = 0; j < k; j++) if (z[o + j] > max) max = z[o + j];
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp(z[o + j] - max);
  if (classes === 2 && k === 2) {
    out[at] = round4(Math.fround(Math.exp(z[o + 1] - max) / sum));
    return;
  }
  for (let j = 0; j < k; j++) out[at + j] = round4(Math.fround(Math.exp(z[o + j] - max) / sum));
}

// --- the session -----------------------------------------------------------------------------

export class PlainSession implements TrainingSession {
  readonly model: PlainMlp;
  readonly params: number;
  private readonly outputs: number;
  private readonly reluLike: boolean;
  private readonly batchSize: number;
  private readonly train: Pass;
  private readonly dLogits: Float64Array;
  private readonly order: Int32Array;
  private readonly labels: Int32Array;
  private val: Pass | undefined;
  private best: LayerWeights[] | undefined;
  private gridPass: Pass | undefined;
  private gridVersion = -1;

  constructor(
    private readonly spec: RunSpec,
    private readonly data: PreparedData,
    sizes: number[],
    weights: LayerWeights[],
    private readonly grid: GridSpec,
    private readonly shuffleRng: Rng,
    private readonly dropoutRng: Rng,
  ) {
    this.outputs = sizes[sizes.length - 1];
    this.model = new PlainMlp(sizes, spec.model.activation, spec.model.dropout, weights, spec.optimizer);
    this.params = this.model.params;
    this.reluLike = spec.model.activation === 'relu' || spec.model.activation === 'leaky-relu';
    const n = data.train.n;
    const size = spec.training.batchSize;
    this.batchSize = size === 'full' || size >= n ? n : size;
    this.train = this.model.newPass(this.batchSize, true);
    this.dLogits = new Float64Array(this.batchSize * this.outputs);
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    this.labels = new Int32Array(this.batchSize);
  }

  epoch(): EpochMetrics {
    const { model, data, train, outputs } = this;
    const n = data.train.n;
    const d = data.train.d;
    const x = data.train.x;
    const y = data.train.y;
    const hidden = model.sizes.slice(1, -1);
    const max = hidden.map((w) => new Float64Array(w).fill(-Infinity));
    const min = hidden.map((w) => new Float64Array(w).fill(Infinity));
    const fullBatch = this.batchSize >= n;
    // Fresh order each epoch, like a DataLoader: reshuffled from the previous epoch's order.
    if (!fullBatch) {
      for (let i = 0; i < n; i++) this.order[i] = i;
      if (this.spec.training.shuffle) this.shuffleRng.shuffle(this.order);
    }
    let lossSum = 0;
    let correct = 0;
    // The last partial batch is kept, like DataLoader(drop_last=False).
    for (let start = 0; start < n; start += this.batchSize) {
      const rows = Math.min(this.batchSize, n - start);
      const input = train.inputs[0];
      for (let r = 0; r < rows; r++) {
        const row = fullBatch ? r : this.order[start + r];
        for (let j = 0; j < d; j++) input[r * d + j] = x[row * d + j];
        this.labels[r] = y[row];
      }
      model.forward(train, rows, true, this.dropoutRng);
      const logits = train.pre[train.pre.length - 1];
      const batchLoss = lossOf(this.spec.loss, logits, this.labels, rows, outputs, this.dLogits);
      lossSum += Math.fround(batchLoss) * rows;
      for (let r = 0; r < rows; r++) if (predicted(logits, r, outputs) === this.labels[r]) correct++;
      hidden.forEach((w, l) => {
        const a = train.post[l];
        const mx = max[l];
        const mn = min[l];
        for (let r = 0; r < rows; r++) {
          for (let u = 0; u < w; u++) {
            const v = a[r * w + u];
            if (v > mx[u]) mx[u] = v;
            if (v < mn[u]) mn[u] = v;
          }
        }
      });
      model.backward(train, rows, this.dLogits, true);
      model.update();
    }
    let valLoss: number | null = null;
    let valAcc: number | null = null;
    if (data.val.n > 0) {
      const e = this.evaluateLoss(data.val);
      valLoss = e.loss;
      valAcc = e.accuracy;
    }
    const alive = hidden.map((w, l) => {
      let count = 0;
      for (let u = 0; u < w; u++) if (this.reluLike ? max[l][u] > 0 : max[l][u] - min[l][u] > 0) count++;
      return count;
    });
    return { trainLoss: Math.fround(lossSum / n), trainAcc: Math.fround(correct / n), valLoss, valAcc, alive };
  }

  /** Forward over a whole table in eval mode; the pass is kept for the next call of the same size. */
  private forwardTable(t: Table): Pass {
    if (!this.val || this.val.rows !== t.n) this.val = this.model.newPass(t.n);
    const pass = this.val;
    const input = pass.inputs[0];
    for (let i = 0; i < t.n * t.d; i++) input[i] = t.x[i];
    this.model.forward(pass, t.n);
    return pass;
  }

  private evaluateLoss(t: Table): { loss: number; accuracy: number; pass: Pass } {
    const pass = this.forwardTable(t);
    const logits = pass.pre[pass.pre.length - 1];
    const loss = lossOf(this.spec.loss, logits, t.y, t.n, this.outputs);
    let right = 0;
    for (let r = 0; r < t.n; r++) if (predicted(logits, r, this.outputs) === t.y[r]) right++;
    return { loss: Math.fround(loss), accuracy: Math.fround(right / t.n), pass };
  }

  /**
   * Forward over the grid in eval mode. The grid is a 2-D slice (every other feature fixed), so
   * the first layer's xW + b is a row term plus a column term per cell: ~d times less work than
   * the matmul, which dominates a snapshot of a small net. Reused while the weights are unchanged.
   */
  private forwardGrid(): Pass {
    const { grid, model } = this;
    const cells = grid.nx * grid.ny;
    if (!this.gridPass) this.gridPass = model.newPass(cells);
    const pass = this.gridPass;
    if (this.gridVersion === model.version) return pass;
    const { W, b, outDim: w, inDim: d } = model.layers[0];
    const [fx, fy] = grid.features;
    const base = new Float64Array(w);
    for (let u = 0; u < w; u++) base[u] = b[u];
    for (let k = 0; k < d; k++) {
      if (k === fx || k === fy) continue;
      const v = this.data.sliceBase[k];
      for (let u = 0; u < w; u++) base[u] += v * W[k * w + u];
    }
    const col = new Float64Array(grid.nx * w);
    for (let i = 0; i < grid.nx; i++) {
      const x = Math.fround(gridX(grid, i));
      for (let u = 0; u < w; u++) col[i * w + u] = x * W[fx * w + u];
    }
    const row = new Float64Array(w);
    const z = pass.pre[0];
    for (let j = 0; j < grid.ny; j++) {
      const y = fy >= 0 ? Math.fround(gridY(grid, j)) : 0;
      for (let u = 0; u < w; u++) row[u] = base[u] + (fy >= 0 ? y * W[fy * w + u] : 0);
      let o = j * grid.nx * w;
      for (let i = 0; i < grid.nx; i++) {
        const co = i * w;
        for (let u = 0; u < w; u++) z[o++] = row[u] + col[co + u];
      }
    }
    model.forward(pass, cells, false, undefined, true);
    this.gridVersion = model.version;
    return pass;
  }

  snapshot(epoch: number): BoundarySnapshot {
    const { grid, outputs } = this;
    const cells = grid.nx * grid.ny;
    const perCell = grid.classes === 2 ? 1 : grid.classes;
    const probs = new Array<number>(cells * perCell).fill(0);
    const hidden = this.model.sizes.length - 2;
    if (hidden === 1 && this.reluLike && this.model.sizes[1] <= 53 && grid.nx > 1) {
      return { epoch, probs, linearRegions: this.piecewiseLinearSnapshot(probs) };
    }
    const pass = this.forwardGrid();
    const logits = pass.pre[pass.pre.length - 1];
    for (let c = 0; c < cells; c++) writeProbabilities(logits, c, outputs, grid.classes, probs, c * perCell);
    const snapshot: BoundarySnapshot = { epoch, probs };
    if (this.reluLike && hidden > 0) snapshot.linearRegions = this.linearRegions(pass, cells);
    return snapshot;
  }

  /**
   * Snapshot of a one-hidden-layer (leaky) ReLU net without evaluating every unit in every cell.
   * Along a grid row each unit's pre-activation is monotone in x, so it switches on or off at
   * most once: the row splits into segments with a fixed on/off pattern, and on each segment
   * the logits are linear in x (A + B·x). The switch points are found by bisection on the same
   * cell-level test (z > 0) the full forward uses, so the region count is exact.
   */
  private piecewiseLinearSnapshot(probs: number[]): number {
    const { grid, model, outputs: k } = this;
    const [l1, l2] = model.layers;
    const w = l1.outDim;
    const [fx, fy] = grid.features;
    const slope = this.spec.model.activation === 'leaky-relu' ? 0.01 : 0;
    const xs = new Float64Array(grid.nx);
    for (let i = 0; i < grid.nx; i++) xs[i] = Math.fround(gridX(grid, i));
    const base = new Float64Array(w);
    for (let u = 0; u < w; u++) base[u] = l1.b[u];
    for (let f = 0; f < l1.inDim; f++) {
      if (f === fx || f === fy) continue;
      const v = this.data.sliceBase[f];
      for (let u = 0; u < w; u++) base[u] += v * l1.W[f * w + u];
    }
    const row = new Float64Array(w);
    const on = new Uint8Array(w);
    const bit = Array.from({ length: w }, (_, u) => 2 ** u);
    // Cells where a unit flips, as cell·64 + unit, kept sorted by insertion (at most w per row).
    const events = new Int32Array(w);
    const A = new Float64Array(k);
    const B = new Float64Array(k);
    const z = new Float64Array(k);
    const perCell = grid.classes === 2 ? 1 : grid.classes;
    const seen = new Set<number>();
    const last = grid.nx - 1;
    const step = (grid.xMax - grid.xMin) / last;
    for (let j = 0; j < grid.ny; j++) {
      const y = fy >= 0 ? Math.fround(gridY(grid, j)) : 0;
      for (let u = 0; u < w; u++) row[u] = base[u] + (fy >= 0 ? y * l1.W[fy * w + u] : 0);
      // The pattern at the row's first cell, and where each unit flips.
      let key = 0;
      let count = 0;
      A.fill(0);
      B.fill(0);
      for (let u = 0; u < w; u++) {
        const wx = l1.W[fx * w + u];
        const on0 = row[u] + xs[0] * wx > 0;
        on[u] = on0 ? 1 : 0;
        if (on0) key += bit[u];
        this.addUnit(A, B, u, on0 ? 1 : slope, row[u], wx, l2, k);
        if ((row[u] + xs[last] * wx > 0) === on0) continue;
        let lo = 0; // same state as cell 0
        let hi = last; // flipped
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if ((row[u] + xs[mid] * wx > 0) !== on0) hi = mid;
          else lo = mid;
        }
        let at = count++;
        const event = hi * 64 + u;
        while (at > 0 && events[at - 1] > event) {
          events[at] = events[at - 1];
          at--;
        }
        events[at] = event;
      }
      seen.add(key);
      let e = 0;
      // One logit: e^−z along the row, updated by a constant factor per cell (on a segment z is
      // linear in x, and the cells are evenly spaced) instead of one exp per cell; recomputed at
      // each flip and after saturated cells. Differs from the direct exp by ~1e-7 relative.
      let expNegZ = NaN;
      let factor = 1;
      for (let i = 0; i < grid.nx; i++) {
        if (i === 0 || (e < count && events[e] >> 6 === i)) expNegZ = NaN;
        if (e < count && events[e] >> 6 === i) {
          // Units flipping at the same cell flip together: only the pattern after all of them exists.
          do {
            const u = events[e] & 63;
            const nowOn = on[u] === 0;
            on[u] = nowOn ? 1 : 0;
            key += nowOn ? bit[u] : -bit[u];
            // Swap the unit's contribution: remove the old state's factor, add the new one's.
            this.addUnit(A, B, u, nowOn ? 1 - slope : slope - 1, row[u], l1.W[fx * w + u], l2, k);
            e++;
          } while (e < count && events[e] >> 6 === i);
          seen.add(key);
        }
        const x = xs[i];
        if (k === 1) {
          const zc = l2.b[0] + A[0] + B[0] * x;
          const at = j * grid.nx + i;
          if (zc > 10 || zc < -10) {
            // Beyond ±10 the 4-decimal probability is exactly 1 or 0 (σ(10) = 0.999955).
            probs[at] = zc > 0 ? 1 : 0;
            expNegZ = NaN;
            continue;
          }
          if (expNegZ !== expNegZ) {
            expNegZ = Math.exp(-zc);
            factor = Math.exp(-B[0] * step);
          } else {
            expNegZ *= factor;
          }
          probs[at] = round4(Math.fround(1 / (1 + expNegZ)));
          continue;
        }
        for (let c = 0; c < k; c++) z[c] = l2.b[c] + A[c] + B[c] * x;
        writeProbabilities(z, 0, k, grid.classes, probs, (j * grid.nx + i) * perCell);
      }
    }
    return seen.size;
  }

  /** A, B += factor · unit u's line (row + x·wx) through the output weights. */
  private addUnit(A: Float64Array, B: Float64Array, u: number, factor: number, rowU: number, wx: number, out: Layer, k: number): void {
    if (factor === 0) return;
    for (let c = 0; c < k; c++) {
      const wo = out.W[u * k + c] * factor;
      A[c] += wo * rowU;
      B[c] += wo * wx;
    }
  }

  /** Distinct on/off patterns of all hidden pre-activations over the grid cells. */
  private linearRegions(pass: Pass, cells: number): number {
    const hidden = this.model.sizes.slice(1, -1);
    const units = hidden.reduce((a, b) => a + b, 0);
    if (hidden.length === 1) return distinctPatterns(pass.pre[0], cells, units);
    const bits = new Uint8Array(cells * units);
    for (let c = 0; c < cells; c++) {
      let o = c * units;
      hidden.forEach((w, l) => {
        const z = pass.pre[l];
        for (let u = 0; u < w; u++) bits[o++] = z[c * w + u] > 0 ? 1 : 0;
      });
    }
    return distinctPatterns(bits, cells, units);
  }

  keepBest(): void {
    this.best = this.model.weights();
  }

  restoreBest(): void {
    if (this.best) this.model.setWeights(this.best);
  }

  finish(record: RunRecord): void {
    finishRecord(record, this.spec, this.data, this.grid, (t) => this.evaluate(t), () => this.neuronMaps());
  }

  private evaluate(t: Table): SplitEvaluation {
    const { loss, pass } = this.evaluateLoss(t);
    const logits = pass.pre[pass.pre.length - 1];
    const predictedClasses = new Int32Array(t.n);
    for (let r = 0; r < t.n; r++) predictedClasses[r] = predicted(logits, r, this.outputs);
    const pClass1: number[] = [];
    if (this.grid.classes === 2) {
      for (let r = 0; r < t.n; r++) {
        if (this.outputs === 1) pClass1.push(Math.fround(sigmoid(logits[r])));
        else {
          const z0 = logits[2 * r];
          const z1 = logits[2 * r + 1];
          pClass1.push(Math.fround(1 / (1 + Math.exp(z0 - z1))));
        }
      }
    }
    return { loss, predicted: predictedClasses, pClass1 };
  }

  private neuronMaps(): RunRecord['neuronMaps'] | undefined {
    if (this.model.layers.length < 2) return undefined;
    const cells = this.grid.nx * this.grid.ny;
    const width = this.model.sizes[1];
    const units = Math.min(width, MAX_NEURON_MAPS);
    const a = this.forwardGrid().post[0];
    const values: number[][] = [];
    for (let u = 0; u < units; u++) {
      const map = new Array<number>(cells);
      for (let c = 0; c < cells; c++) map[c] = round4(Math.fround(a[c * width + u]));
      values.push(map);
    }
    return { units, values };
  }

  readWeights(): LayerWeights[] {
    return this.model.weights();
  }

  dispose(): void {
    this.gridPass = undefined;
    this.best = undefined;
    this.val = undefined;
  }
}
