// The multi-layer perceptron: Dense → activation (→ dropout) per hidden layer, then a Dense layer
// producing logits. There is never a sigmoid/softmax layer: the loss owns the link function, as
// with PyTorch's BCEWithLogitsLoss and CrossEntropyLoss.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from '../experiment/schema';
import { activationOf, type Activation } from '../nn/activations';
import type { Rng } from '../rng';
import { checkShapes, layerSizes, parameterCount, type LayerWeights } from './shapes';
import { torchLinearWeights } from './torchInit';
import { BATCH_NORM_EPS, BATCH_NORM_MOMENTUM, fold } from './plain-norm';

// The shapes live apart from tfjs (the grid thread evaluates without it); callers import them from here too.
export { checkShapes, layerSizes, parameterCount, type LayerWeights };

/**
 * Initial weights drawn with our own Rng, so a seed gives the same network on every backend.
 *   he:     W ~ N(0, 2/fan_in), b = 0          (for ReLU nets)
 *   glorot: W ~ U(±√(6/(fan_in+fan_out))), b = 0
 *   torch:  W, b ~ U(±1/√fan_in)                (nn.Linear's default)
 * With init torch and a torchSeed, PyTorch's own draws instead (torchInit.ts): the notebook's network.
 */
export function initialWeights(sizes: number[], init: ModelSpec['init'], rng: Rng, torchSeed?: number): LayerWeights[] {
  if (init === 'torch' && torchSeed !== undefined) return torchLinearWeights(sizes, torchSeed);
  const layers: LayerWeights[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const inDim = sizes[l - 1];
    const outDim = sizes[l];
    const W = new Float32Array(inDim * outDim);
    const b = new Float32Array(outDim);
    if (init === 'he') {
      const std = Math.sqrt(2 / inDim);
      for (let i = 0; i < W.length; i++) W[i] = rng.normal() * std;
    } else if (init === 'glorot') {
      const limit = Math.sqrt(6 / (inDim + outDim));
      for (let i = 0; i < W.length; i++) W[i] = rng.uniform(-limit, limit);
    } else {
      const limit = 1 / Math.sqrt(inDim);
      for (let i = 0; i < W.length; i++) W[i] = rng.uniform(-limit, limit);
      for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-limit, limit);
    }
    layers.push({ W, b, inDim, outDim });
  }
  return layers;
}

/**
 * y = xW + b with a hand-written gradient. Autograd's matMul gradient uses matMul's transpose
 * flags, which are ~10× slower on the wasm backend than an explicit tf.transpose.
 */
const dense = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, W, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, W]);
  return {
    value: tf.add(tf.matMul(x, W), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, Ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, tf.transpose(Ws)), tf.matMul(tf.transpose(xs), dy2), tf.sum(dy2, 0)];
    },
  };
}) as (x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

export function applyActivation(z: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  return activationOf(activation).tf(tf, z);
}

export interface ForwardResult {
  logits: tf.Tensor2D;
  /** Pre-activations of each hidden layer (with BatchNorm, its output). */
  pre: tf.Tensor2D[];
  /** Outputs of each hidden layer (after the activation, before dropout). */
  post: tf.Tensor2D[];
  /** Training mode with BatchNorm: each hidden layer's batch mean and (biased) variance. */
  moments: { mean: tf.Tensor1D; variance: tf.Tensor1D }[];
}

/** A hidden layer's BatchNorm1d: γ, β trainable; the running statistics are buffers. */
interface NormVariables {
  gamma: tf.Variable;
  beta: tf.Variable;
  mean: tf.Variable;
  variance: tf.Variable;
}

export class Mlp {
  readonly layers: { W: tf.Variable; b: tf.Variable; norm?: NormVariables }[];
  readonly params: number;

  constructor(readonly sizes: number[], readonly activation: Activation, readonly dropout: number, weights: LayerWeights[], readonly batchNorm = false) {
    checkShapes(sizes, weights);
    // Inside tidy: tf.variable(init) would otherwise keep `init` alive.
    this.layers = tf.tidy(() => weights.map((w, i) => ({
      W: tf.variable(tf.tensor2d(w.W, [w.inDim, w.outDim])),
      b: tf.variable(tf.tensor1d(w.b)),
      norm: batchNorm && i < weights.length - 1 ? {
        gamma: tf.variable(tf.ones([w.outDim])),
        beta: tf.variable(tf.zeros([w.outDim])),
        mean: tf.variable(tf.zeros([w.outDim]), false),
        variance: tf.variable(tf.ones([w.outDim]), false),
      } : undefined,
    })));
    this.params = parameterCount(sizes, batchNorm);
  }

  /** The trainable parameters, in PyTorch's order (each Linear's weight and bias, then its BatchNorm's). */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => (l.norm ? [l.W, l.b, l.norm.gamma, l.norm.beta] : [l.W, l.b]));
  }

  /** The Dense layers' weight matrices (what a weight penalty applies to). */
  get weightMatrices(): Set<tf.Variable> {
    return new Set(this.layers.map((l) => l.W));
  }

  /** Everything training changes: the parameters and BatchNorm's running statistics. */
  get stateVariables(): tf.Variable[] {
    return [...this.variables, ...this.layers.flatMap((l) => (l.norm ? [l.norm.mean, l.norm.variance] : []))];
  }

  get hiddenLayers(): number {
    return this.layers.length - 1;
  }

  /**
   * Forward pass. With `dropoutRng` (training mode) each hidden output is multiplied by a mask of
   * 0 and 1/(1-p) drawn from that seeded stream (inverted dropout, as PyTorch), so dropout is the
   * same on every backend. Call inside tf.tidy.
   */
  forward(x: tf.Tensor2D, dropoutRng?: Rng): ForwardResult {
    const pre: tf.Tensor2D[] = [];
    const post: tf.Tensor2D[] = [];
    const moments: ForwardResult['moments'] = [];
    const training = dropoutRng !== undefined;
    let h = x;
    this.layers.forEach((layer, i) => {
      let z = dense(h, layer.W as tf.Tensor2D, layer.b as tf.Tensor1D);
      if (i === this.layers.length - 1) {
        h = z;
        return;
      }
      if (layer.norm && training) {
        const m = tf.moments(z, 0);
        moments.push({ mean: m.mean as tf.Tensor1D, variance: m.variance as tf.Tensor1D });
        z = normalized(z, m.mean, m.variance, layer.norm);
      } else if (layer.norm) {
        z = normalized(z, layer.norm.mean, layer.norm.variance, layer.norm);
      }
      const a = applyActivation(z, this.activation);
      pre.push(z);
      post.push(a);
      h = dropoutRng && this.dropout > 0 ? tf.mul(a, dropoutMask(a.shape as [number, number], this.dropout, dropoutRng)) : a;
    });
    return { logits: h, pre, post, moments };
  }

  /**
   * After a training step: BatchNorm's running statistics move towards the batch's
   * (PyTorch's momentum 0.1, the unbiased variance). `moments` as forward returned them.
   */
  updateRunningStatistics(moments: ForwardResult['moments'], rows: number): void {
    const norms = this.layers.flatMap((l) => (l.norm ? [l.norm] : []));
    tf.tidy(() => moments.forEach((m, i) => {
      const norm = norms[i];
      const unbiased = rows > 1 ? tf.mul(m.variance, rows / (rows - 1)) : m.variance;
      norm.mean.assign(tf.add(tf.mul(norm.mean, 1 - BATCH_NORM_MOMENTUM), tf.mul(m.mean, BATCH_NORM_MOMENTUM)));
      norm.variance.assign(tf.add(tf.mul(norm.variance, 1 - BATCH_NORM_MOMENTUM), tf.mul(unbiased, BATCH_NORM_MOMENTUM)));
    }));
  }

  /** Outputs of the first hidden layer only (eval mode). Call inside tf.tidy. */
  firstHidden(x: tf.Tensor2D): tf.Tensor2D {
    const layer = this.layers[0];
    let z = dense(x, layer.W as tf.Tensor2D, layer.b as tf.Tensor1D);
    if (layer.norm) z = normalized(z, layer.norm.mean, layer.norm.variance, layer.norm);
    return applyActivation(z, this.activation);
  }

  /**
   * The network as eval mode computes it, as plain arrays (one read-back per tensor; used at the
   * end of a run): with BatchNorm folded into the Dense layer before it, an ordinary MLP.
   */
  readWeights(): LayerWeights[] {
    return this.layers.map((l, i) => {
      const dims = { inDim: this.sizes[i], outDim: this.sizes[i + 1] };
      const W = Float32Array.from(l.W.dataSync());
      const b = Float32Array.from(l.b.dataSync());
      if (!l.norm) return { W, b, ...dims };
      const values = (v: tf.Variable) => Float32Array.from(v.dataSync());
      const norm = { gamma: values(l.norm.gamma), beta: values(l.norm.beta), mean: values(l.norm.mean), variance: values(l.norm.variance) };
      return { ...fold(norm, W, b, dims.inDim, dims.outDim), ...dims };
    });
  }

  /** Variables holding a copy of the current state (early stopping's best). Caller disposes. */
  cloneParameters(): tf.Variable[] {
    return tf.tidy(() => this.stateVariables.map((v) => tf.variable(v, false)));
  }

  /** store ← current state. Variables are immutable buffers swapped by assign, so this shares, not copies. */
  copyParametersTo(store: tf.Variable[]): void {
    this.stateVariables.forEach((v, i) => store[i].assign(v));
  }

  assignParameters(values: tf.Tensor[]): void {
    this.stateVariables.forEach((v, i) => v.assign(values[i]));
  }

  dispose(): void {
    for (const v of this.stateVariables) v.dispose();
  }
}

/** γ·(z − mean)/√(variance + ε) + β: BatchNorm1d with the given statistics. */
function normalized(z: tf.Tensor2D, mean: tf.Tensor, variance: tf.Tensor, norm: NormVariables): tf.Tensor2D {
  return tf.add(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, BATCH_NORM_EPS))), norm.gamma), norm.beta);
}

function dropoutMask(shape: [number, number], p: number, rng: Rng): tf.Tensor2D {
  const keep = 1 / (1 - p);
  const m = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < m.length; i++) m[i] = rng.next() < p ? 0 : keep;
  return tf.tensor2d(m, shape);
}
