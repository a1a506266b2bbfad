// The multi-layer perceptron: Dense → activation (→ dropout) per hidden layer, then a Dense layer
// producing logits. There is never a sigmoid/softmax layer: the loss owns the link function, as
// with PyTorch's BCEWithLogitsLoss and CrossEntropyLoss.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from '../experiment/schema';
import { activationOf, type Activation } from '../nn/activations';
import type { Rng } from '../rng';
import { checkShapes, layerSizes, parameterCount, type LayerWeights } from './shapes';
import { torchLinearWeights } from './torchInit';

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
  /** Pre-activations of each hidden layer. */
  pre: tf.Tensor2D[];
  /** Outputs of each hidden layer (after the activation, before dropout). */
  post: tf.Tensor2D[];
}

export class Mlp {
  readonly layers: { W: tf.Variable; b: tf.Variable }[];
  readonly params: number;

  constructor(readonly sizes: number[], readonly activation: Activation, readonly dropout: number, weights: LayerWeights[]) {
    checkShapes(sizes, weights);
    // Inside tidy: tf.variable(init) would otherwise keep `init` alive.
    this.layers = tf.tidy(() => weights.map((w) => ({
      W: tf.variable(tf.tensor2d(w.W, [w.inDim, w.outDim])),
      b: tf.variable(tf.tensor1d(w.b)),
    })));
    this.params = parameterCount(sizes);
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.W, l.b]);
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
    let h = x;
    this.layers.forEach((layer, i) => {
      const z = dense(h, layer.W as tf.Tensor2D, layer.b as tf.Tensor1D);
      if (i === this.layers.length - 1) {
        h = z;
        return;
      }
      const a = applyActivation(z, this.activation);
      pre.push(z);
      post.push(a);
      h = dropoutRng && this.dropout > 0 ? tf.mul(a, dropoutMask(a.shape as [number, number], this.dropout, dropoutRng)) : a;
    });
    return { logits: h, pre, post };
  }

  /** Outputs of the first hidden layer only (eval mode). Call inside tf.tidy. */
  firstHidden(x: tf.Tensor2D): tf.Tensor2D {
    const layer = this.layers[0];
    return applyActivation(dense(x, layer.W as tf.Tensor2D, layer.b as tf.Tensor1D), this.activation);
  }

  /** Current weights as plain arrays (one read-back per tensor; used at the end of a run). */
  readWeights(): LayerWeights[] {
    return this.layers.map((l, i) => ({
      W: Float32Array.from(l.W.dataSync()),
      b: Float32Array.from(l.b.dataSync()),
      inDim: this.sizes[i],
      outDim: this.sizes[i + 1],
    }));
  }

  /** Variables holding a copy of the current parameters (early stopping's best). Caller disposes. */
  cloneParameters(): tf.Variable[] {
    return tf.tidy(() => this.variables.map((v) => tf.variable(v, false)));
  }

  /** store ← current parameters. Variables are immutable buffers swapped by assign, so this shares, not copies. */
  copyParametersTo(store: tf.Variable[]): void {
    this.variables.forEach((v, i) => store[i].assign(v));
  }

  assignParameters(values: tf.Tensor[]): void {
    this.variables.forEach((v, i) => v.assign(values[i]));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

function dropoutMask(shape: [number, number], p: number, rng: Rng): tf.Tensor2D {
  const keep = 1 / (1 - p);
  const m = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < m.length; i++) m[i] = rng.next() < p ? 0 : keep;
  return tf.tensor2d(m, shape);
}
