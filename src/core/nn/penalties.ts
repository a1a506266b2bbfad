// Penalties on the weights added to the loss — L1 (TensorFlow Playground's "L1", the lessons'
// `loss + λ·Σ|w|`) and L2 written as a loss term — one entry each. They apply to the Dense
// layers' weights, not their biases (as Playground and Keras' kernel_regularizer do). The
// recorded losses are the data loss alone, so runs with different rates compare on one scale.
// Each kernel adds the entry's gradient to the weights' gradients before the optimizer step.
// Adding a penalty is adding an entry here (its settings are `{kind, rate}`, in experiment/schema.ts).
import type * as TF from '@tensorflow/tfjs-core';

type Grad = Float64Array | Float32Array;

export interface PenaltyDef {
  /** g[i] += d(rate·term)/dw[i] over one layer's weights. */
  addGradient(w: Float32Array, g: Grad, rate: number): void;
  /** The same on TF.js tensors: the gradient of the term at W (inside tf.tidy). */
  tf(tf: typeof TF, W: TF.Tensor, rate: number): TF.Tensor;
}

export const PENALTIES = {
  /** rate·Σ|w|: gradient rate·sign(w), 0 at w = 0 as PyTorch's abs. */
  l1: {
    addGradient(w, g, rate) {
      for (let i = 0; i < w.length; i++) g[i] += w[i] > 0 ? rate : w[i] < 0 ? -rate : 0;
    },
    tf: (tf, W, rate) => tf.mul(tf.sign(W), rate),
  },
  /** rate·Σw² (the loss term; unlike Adam's weightDecay it goes through Adam's scaling): gradient 2·rate·w. */
  l2: {
    addGradient(w, g, rate) {
      for (let i = 0; i < w.length; i++) g[i] += 2 * rate * w[i];
    },
    tf: (tf, W, rate) => tf.mul(W, 2 * rate),
  },
} satisfies Record<string, PenaltyDef>;

export type PenaltyKind = keyof typeof PENALTIES;
export const PENALTY_NAMES = Object.keys(PENALTIES) as [PenaltyKind, ...PenaltyKind[]];


export function penaltyOf(kind: PenaltyKind): PenaltyDef {
  return PENALTIES[kind];
}
