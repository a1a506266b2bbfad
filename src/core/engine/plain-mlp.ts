// The plain kernel's MLP: forward, backward and the optimizer step in plain loops over typed
// arrays, the same arithmetic as the tfjs kernel (model.ts, optimizers.ts).
//
// Activations are stored feature-major: unit u's values for a batch's rows are one run of the
// array, [u·stride, u·stride + rows). The lessons' layers are 1–16 units wide but batches are
// 32–1000 rows, so every inner loop runs over the rows; row-major, a 2-4-4-2 net's inner loops
// ran 2–4 times and their overhead was most of an epoch.
//
// Parameters and optimizer state are float32 like the tfjs variables (so they overflow where
// tfjs's would), arithmetic in between is float64. Every sum adds its terms in the order of a
// row-major dot product (bias first, then input 0, 1, …), so the layout does not change a bit.
import type { RunSpec } from '../experiment/schema';
import { activateRun, type Activation } from '../nn/activations';
import { optimizerOf, type OptimizerDef } from '../nn/optimizers';
import type { PenaltyDef } from '../nn/penalties';
import { fold, newNorm, normalize, normBackward, type Norm } from './plain-norm';
import type { Rng } from '../rng';
import { checkShapes, parameterCount, type LayerWeights } from './shapes';

/** One Dense layer: W row-major [inDim][outDim] like LayerWeights, views into the model's arrays. */
export interface Layer {
  inDim: number;
  outDim: number;
  W: Float32Array;
  b: Float32Array;
  gW: Float64Array;
  gb: Float64Array;
}

/** Activations of one forward pass; unit u of a layer holds its rows at [u·stride, u·stride + rows). */
export interface Pass {
  /** Rows the buffers have room for (a batch may use fewer). */
  stride: number;
  /** inputs[l]: what layer l reads — x, then post[l-1] (the same array unless dropout masks it). */
  inputs: Float64Array[];
  /** pre[l]: xW + b of layer l (the last one is the logits). */
  pre: Float64Array[];
  /** post[l]: activation of hidden layer l, before dropout. */
  post: Float64Array[];
  /** Dropout masks of the hidden layers (training mode with dropout only). */
  masks: Float64Array[];
  /** d post / d pre of the hidden layers (training mode only). */
  deriv: Float64Array[];
  /** With BatchNorm: a hidden layer's affine output z (pre[l] is then the normalised γ·x̂ + β). */
  lin: Float64Array[];
  /** With BatchNorm, training mode: the normalised x̂ of each hidden layer, for backward. */
  xhat: Float64Array[];
}

export class PlainMlp {
  readonly layers: Layer[];
  readonly params: number;
  /** All weights and biases in one array (each layer's W and b are views), so a step is one loop. */
  private readonly theta: Float32Array;
  private readonly grad: Float64Array;
  /** The optimizer's state buffers (momentum, moments…), each as long as the parameters. */
  private readonly state: Float32Array[];
  private readonly optimizerDef: OptimizerDef;
  private step = 0;
  /** The rate of the current epoch (a schedule moves it). */
  lr: number;
  /** backward's scratch: dLoss/d(output of hidden layer l), per hidden layer. */
  private readonly dHidden: Float64Array[] = [];
  /** Per hidden layer, its BatchNorm (γ, β after the layer's W and b in the parameters). */
  private readonly norms: Norm[] = [];

  constructor(
    readonly sizes: number[],
    readonly activation: Activation,
    readonly dropout: number,
    weights: LayerWeights[],
    readonly optimizer: RunSpec['optimizer'],
    readonly batchNorm = false,
  ) {
    checkShapes(sizes, weights);
    this.params = parameterCount(sizes, batchNorm);
    this.theta = new Float32Array(this.params);
    this.grad = new Float64Array(this.params);
    this.optimizerDef = optimizerOf(optimizer.kind);
    this.state = Array.from({ length: this.optimizerDef.buffers(optimizer) }, () => new Float32Array(this.params));
    this.lr = optimizer.lr;
    let at = 0;
    const take = <T extends Float32Array | Float64Array>(a: T, n: number) => a.subarray(at, at + n) as T;
    this.layers = weights.map((w, i) => {
      const W = take(this.theta, w.W.length);
      const gW = take(this.grad, w.W.length);
      at += w.W.length;
      const b = take(this.theta, w.b.length);
      const gb = take(this.grad, w.b.length);
      at += w.b.length;
      W.set(w.W);
      b.set(w.b);
      if (batchNorm && i < weights.length - 1) {
        const n = w.outDim;
        const gamma = take(this.theta, n);
        const gGamma = take(this.grad, n);
        at += n;
        const beta = take(this.theta, n);
        const gBeta = take(this.grad, n);
        at += n;
        this.norms.push(newNorm(n, gamma, beta, gGamma, gBeta));
      }
      return { inDim: w.inDim, outDim: w.outDim, W, b, gW, gb };
    });
  }

  /** Buffers for `rows` rows. Training mode adds derivatives, and dropout masks if the model has dropout. */
  newPass(rows: number, training = false): Pass {
    const hidden = this.layers.slice(0, -1);
    const columns = (units: number) => new Float64Array(rows * units);
    const post = hidden.map((l) => columns(l.outDim));
    const masked = training && this.dropout > 0;
    return {
      stride: rows,
      inputs: this.layers.map((l, i) => (i === 0 ? columns(l.inDim) : masked ? columns(l.inDim) : post[i - 1])),
      pre: this.layers.map((l) => columns(l.outDim)),
      post,
      masks: masked ? hidden.map((l) => columns(l.outDim)) : [],
      deriv: training ? hidden.map((l) => columns(l.outDim)) : [],
      lin: this.norms.map((n) => columns(n.gamma.length)),
      xhat: training ? this.norms.map((n) => columns(n.gamma.length)) : [],
    };
  }

  /**
   * Forward over pass.inputs[0] (already filled, `rows` rows). A training pass (newPass(…, true))
   * keeps each hidden unit's activation derivative for backward, and with dropout multiplies each
   * hidden output by a mask of 0 and 1/(1-p) drawn row by row from `dropoutRng`, layer after
   * layer — the same draws as the tfjs kernel's. `firstLayerDone`: pre[0] is already filled (the
   * grid computes it separably).
   */
  forward(pass: Pass, rows: number, dropoutRng?: Rng, firstLayerDone = false): void {
    const training = pass.deriv.length > 0;
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const norm = l < last ? this.norms[l] : undefined;
      if (l > 0 || !firstLayerDone) affine(this.layers[l], pass.inputs[l], norm ? pass.lin[l] : pass.pre[l], rows, pass.stride);
      if (l === last) break;
      const units = this.layers[l].outDim;
      if (norm) for (let u = 0; u < units; u++) normalize(norm, u, pass.lin[l], pass.pre[l], training ? pass.xhat[l] : undefined, u * pass.stride, rows);
      for (let u = 0; u < units; u++) {
        const at = u * pass.stride;
        activateRun(this.activation, pass.pre[l], pass.post[l], training ? pass.deriv[l] : undefined, at, at + rows);
      }
      if (pass.masks.length) this.dropOut(pass, l, rows, dropoutRng!);
    }
  }

  /** inputs[l+1] = post[l] × a fresh mask, drawn row by row then unit by unit (the tfjs kernel's order). */
  private dropOut(pass: Pass, l: number, rows: number, rng: Rng): void {
    const p = this.dropout;
    const keep = 1 / (1 - p);
    const units = this.layers[l].outDim;
    const { stride } = pass;
    const mask = pass.masks[l];
    const a = pass.post[l];
    const next = pass.inputs[l + 1];
    for (let r = 0; r < rows; r++) {
      for (let u = 0, i = r; u < units; u++, i += stride) {
        mask[i] = rng.next() < p ? 0 : keep;
        next[i] = a[i] * mask[i];
      }
    }
  }

  /** Gradients of the loss into the layers' gW/gb, given dLoss/dlogits (pass layout). */
  backward(pass: Pass, rows: number, dLogits: Float64Array): void {
    const { stride } = pass;
    let dz = dLogits;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      weightGradients(layer, pass.inputs[l], dz, rows, stride);
      if (l === 0) break;
      const dh = this.dHiddenOf(l - 1, stride * layer.inDim);
      const mask = pass.masks.length ? pass.masks[l - 1] : undefined;
      backToHidden(layer, dz, pass.deriv[l - 1], mask, dh, rows, stride);
      const norm = this.norms[l - 1];
      if (norm) for (let u = 0; u < layer.inDim; u++) normBackward(norm, u, dh, pass.xhat[l - 1], u * stride, rows);
      dz = dh;
    }
  }

  private dHiddenOf(l: number, length: number): Float64Array {
    if (!this.dHidden[l] || this.dHidden[l].length < length) this.dHidden[l] = new Float64Array(length);
    return this.dHidden[l];
  }

  /** One optimizer step with the gradients in gW/gb — torch.optim's rules (src/core/nn/optimizers.ts). */
  update(): void {
    this.step += 1;
    this.optimizerDef.step(this.theta, this.grad, this.state, this.optimizer, this.lr, this.step);
  }

  /** Adds a weight penalty's gradient to the weights' (after backward, before update). */
  penalize(def: PenaltyDef, rate: number): void {
    for (const l of this.layers) def.addGradient(l.W, l.gW, rate);
  }

  /** A copy of all weights and biases, in the order `setParameters` takes them. */
  parameters(): Float32Array {
    return this.theta.slice();
  }

  setParameters(p: Float32Array): void {
    this.theta.set(p);
  }

  /** The network as eval mode computes it: with BatchNorm folded into the Dense layers before it. */
  evalWeights(): LayerWeights[] {
    return this.layers.map((l, i) => {
      const norm = this.norms[i];
      const { W, b } = norm && i < this.layers.length - 1 ? fold(norm, l.W, l.b, l.inDim, l.outDim) : { W: Float32Array.from(l.W), b: Float32Array.from(l.b) };
      return { W, b, inDim: l.inDim, outDim: l.outDim };
    });
  }

  /** evalWeights as one array (each layer's W then b): what a boundary grid of this model's shape takes. */
  evalParameters(): Float32Array {
    if (!this.batchNorm) return this.parameters();
    const out = new Float32Array(parameterCount(this.sizes));
    let at = 0;
    for (const w of this.evalWeights()) {
      out.set(w.W, at);
      out.set(w.b, at + w.W.length);
      at += w.W.length + w.b.length;
    }
    return out;
  }

  /** Everything training changes but the optimizer's state: parameters and BatchNorm's running statistics. */
  saveState(): Float32Array[] {
    return [this.parameters(), ...this.norms.flatMap((n) => [n.mean.slice(), n.variance.slice()])];
  }

  loadState([theta, ...running]: Float32Array[]): void {
    this.theta.set(theta);
    this.norms.forEach((n, i) => {
      n.mean.set(running[2 * i]);
      n.variance.set(running[2 * i + 1]);
    });
  }
}

/**
 * z = hW + b for `rows` rows, one output unit at a time. Each pass over the unit's rows adds up
 * to four inputs' terms (the first pass also the bias), in the order of a dot product:
 * b + h₀w₀ + h₁w₁ + … — a layer of up to 4 inputs is one pass per unit.
 */
function affine(layer: Layer, h: Float64Array, z: Float64Array, rows: number, stride: number): void {
  const { inDim, outDim, W, b } = layer;
  for (let j = 0; j < outDim; j++) {
    const zo = j * stride;
    for (let k = 0; k < inDim; k += 4) {
      const n = Math.min(4, inDim - k);
      const w0 = W[k * outDim + j];
      const w1 = n > 1 ? W[(k + 1) * outDim + j] : 0;
      const w2 = n > 2 ? W[(k + 2) * outDim + j] : 0;
      const w3 = n > 3 ? W[(k + 3) * outDim + j] : 0;
      const h0 = k * stride;
      const h1 = h0 + stride;
      const h2 = h1 + stride;
      const h3 = h2 + stride;
      // The sum starts from the bias in the first pass, from z in the next ones.
      const bj = b[j];
      const first = k === 0;
      switch (n) {
        case 1:
          if (first) for (let r = 0; r < rows; r++) z[zo + r] = bj + h[h0 + r] * w0;
          else for (let r = 0; r < rows; r++) z[zo + r] = z[zo + r] + h[h0 + r] * w0;
          break;
        case 2:
          if (first) for (let r = 0; r < rows; r++) z[zo + r] = bj + h[h0 + r] * w0 + h[h1 + r] * w1;
          else for (let r = 0; r < rows; r++) z[zo + r] = z[zo + r] + h[h0 + r] * w0 + h[h1 + r] * w1;
          break;
        case 3:
          if (first) for (let r = 0; r < rows; r++) z[zo + r] = bj + h[h0 + r] * w0 + h[h1 + r] * w1 + h[h2 + r] * w2;
          else for (let r = 0; r < rows; r++) z[zo + r] = z[zo + r] + h[h0 + r] * w0 + h[h1 + r] * w1 + h[h2 + r] * w2;
          break;
        default:
          if (first) for (let r = 0; r < rows; r++) z[zo + r] = bj + h[h0 + r] * w0 + h[h1 + r] * w1 + h[h2 + r] * w2 + h[h3 + r] * w3;
          else for (let r = 0; r < rows; r++) z[zo + r] = z[zo + r] + h[h0 + r] * w0 + h[h1 + r] * w1 + h[h2 + r] * w2 + h[h3 + r] * w3;
      }
    }
  }
}

/**
 * gb = Σ_rows dz, gW[k][j] = Σ_rows h_k·dz_j: dot products over the rows, each summed in row
 * order. One pass sums up to four weights' gradients side by side (the first pass also the
 * bias's): independent sums, where one sum at a time would wait on each add.
 */
function weightGradients(layer: Layer, h: Float64Array, dz: Float64Array, rows: number, stride: number): void {
  const { inDim, outDim, gW, gb } = layer;
  for (let j = 0; j < outDim; j++) {
    const zo = j * stride;
    for (let k = 0; k < inDim; k += 4) {
      const n = Math.min(4, inDim - k);
      const h0 = k * stride;
      const h1 = h0 + stride;
      const h2 = h1 + stride;
      const h3 = h2 + stride;
      let sb = 0;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      switch (n) {
        case 1:
          for (let r = 0; r < rows; r++) {
            const g = dz[zo + r];
            sb += g;
            s0 += h[h0 + r] * g;
          }
          break;
        case 2:
          for (let r = 0; r < rows; r++) {
            const g = dz[zo + r];
            sb += g;
            s0 += h[h0 + r] * g;
            s1 += h[h1 + r] * g;
          }
          break;
        case 3:
          for (let r = 0; r < rows; r++) {
            const g = dz[zo + r];
            sb += g;
            s0 += h[h0 + r] * g;
            s1 += h[h1 + r] * g;
            s2 += h[h2 + r] * g;
          }
          break;
        default:
          for (let r = 0; r < rows; r++) {
            const g = dz[zo + r];
            sb += g;
            s0 += h[h0 + r] * g;
            s1 += h[h1 + r] * g;
            s2 += h[h2 + r] * g;
            s3 += h[h3 + r] * g;
          }
      }
      if (k === 0) gb[j] = sb;
      gW[k * outDim + j] = s0;
      if (n > 1) gW[(k + 1) * outDim + j] = s1;
      if (n > 2) gW[(k + 2) * outDim + j] = s2;
      if (n > 3) gW[(k + 3) * outDim + j] = s3;
    }
  }
}

/**
 * dLoss/d(the layer's input) = dz Wᵀ, then back through the previous layer's dropout mask and
 * activation: dh_k = (Σ_j dz_j·W[k][j]) · deriv_k (· mask_k). Each pass adds two output units'
 * terms; the pass with the last one or two also applies deriv.
 */
function backToHidden(layer: Layer, dz: Float64Array, deriv: Float64Array, mask: Float64Array | undefined, dh: Float64Array, rows: number, stride: number): void {
  const { inDim, outDim, W } = layer;
  for (let k = 0; k < inDim; k++) {
    const ho = k * stride;
    const wo = k * outDim;
    let j = 0;
    for (; outDim - j > 2; j += 2) {
      const wa = W[wo + j];
      const wb = W[wo + j + 1];
      const za = j * stride;
      const zb = za + stride;
      if (j === 0) for (let r = 0; r < rows; r++) dh[ho + r] = dz[za + r] * wa + dz[zb + r] * wb;
      else for (let r = 0; r < rows; r++) dh[ho + r] = dh[ho + r] + dz[za + r] * wa + dz[zb + r] * wb;
    }
    const wa = W[wo + j];
    const za = j * stride;
    if (outDim - j === 1) {
      if (j === 0) for (let r = 0; r < rows; r++) dh[ho + r] = dz[za + r] * wa * deriv[ho + r];
      else for (let r = 0; r < rows; r++) dh[ho + r] = (dh[ho + r] + dz[za + r] * wa) * deriv[ho + r];
    } else {
      const wb = W[wo + j + 1];
      const zb = za + stride;
      if (j === 0) for (let r = 0; r < rows; r++) dh[ho + r] = (dz[za + r] * wa + dz[zb + r] * wb) * deriv[ho + r];
      else for (let r = 0; r < rows; r++) dh[ho + r] = (dh[ho + r] + dz[za + r] * wa + dz[zb + r] * wb) * deriv[ho + r];
    }
    if (mask) for (let r = 0; r < rows; r++) dh[ho + r] *= mask[ho + r];
  }
}
