// Hidden-layer activations, one entry each, in the spirit of TensorFlow Playground's
// `Activations.RELU = {output, der}`. Every consumer reads the entry: the schema (its names), the
// plain and wide kernels (`value`/`derivative` over runs of an array), the TF.js kernel (`tf`),
// the saved model (`keras`), the boundary grid and the alive-units count (`kink`), the Explore
// form (the names). Adding an activation is adding an entry here.
import type * as TF from '@tensorflow/tfjs-core';

/** The plain kernel's float64 activations, or the wide kernel's float32 ones. */
export type Values = Float64Array | Float32Array;

export interface ActivationDef {
  /** a[i] = f(z[i]) for i in [from, to); `a` may be `z` itself. */
  value(z: Values, a: Values, from: number, to: number): void;
  /** d[i] = f'(z[i]) given a = f(z); at a kink the value PyTorch's autograd uses. */
  derivative(z: Values, a: Values, d: Values, from: number, to: number): void;
  /** The same function on a TF.js tensor (inside tf.tidy); `tf` is passed so the plain kernels never load TF.js. */
  tf(tf: typeof TF, z: TF.Tensor2D): TF.Tensor2D;
  /** How the saved Keras model writes it: a Dense activation name, or a LeakyReLU layer after a linear Dense. */
  keras: { activation: string } | { leakyReLU: number };
  /**
   * Piecewise linear with one kink at 0 (slope `negativeSlope` below it, 1 above): a unit is alive
   * when it fires (> 0), the grid's linear regions are on/off patterns, and one hidden layer's
   * boundary is computed exactly along grid rows. Absent: a unit is alive when it varies.
   */
  kink?: { negativeSlope: number };
}

function relu(negativeSlope: number): Pick<ActivationDef, 'value' | 'derivative' | 'kink'> {
  return {
    value(z, a, from, to) {
      if (negativeSlope === 0) for (let i = from; i < to; i++) a[i] = z[i] > 0 ? z[i] : 0;
      else for (let i = from; i < to; i++) a[i] = z[i] > 0 ? z[i] : negativeSlope * z[i];
    },
    // 0 at z = 0, as tfjs and PyTorch.
    derivative(z, _a, d, from, to) {
      for (let i = from; i < to; i++) d[i] = z[i] > 0 ? 1 : negativeSlope;
    },
    kink: { negativeSlope },
  };
}

export const ACTIVATIONS = {
  relu: {
    ...relu(0),
    tf: (tf, z) => tf.relu(z),
    keras: { activation: 'relu' },
  },
  tanh: {
    value(z, a, from, to) {
      for (let i = from; i < to; i++) a[i] = Math.tanh(z[i]);
    },
    derivative(_z, a, d, from, to) {
      for (let i = from; i < to; i++) d[i] = 1 - a[i] * a[i];
    },
    tf: (tf, z) => tf.tanh(z),
    keras: { activation: 'tanh' },
  },
  sigmoid: {
    value(z, a, from, to) {
      for (let i = from; i < to; i++) a[i] = sigmoid(z[i]);
    },
    derivative(_z, a, d, from, to) {
      for (let i = from; i < to; i++) d[i] = a[i] * (1 - a[i]);
    },
    tf: (tf, z) => tf.sigmoid(z),
    keras: { activation: 'sigmoid' },
  },
  'leaky-relu': {
    ...relu(0.01),
    tf: (tf, z) => tf.leakyRelu(z, 0.01),
    keras: { leakyReLU: 0.01 },
  },
  // PyTorch's default GELU: the exact x·Φ(x), not the tanh approximation.
  gelu: {
    value(z, a, from, to) {
      for (let i = from; i < to; i++) a[i] = z[i] * 0.5 * (1 + erf(z[i] / Math.SQRT2));
    },
    derivative(z, _a, d, from, to) {
      for (let i = from; i < to; i++) d[i] = 0.5 * (1 + erf(z[i] / Math.SQRT2)) + z[i] * Math.exp(-0.5 * z[i] * z[i]) / Math.sqrt(2 * Math.PI);
    },
    tf: (tf, z) => tf.mul(z, tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2))))),
    keras: { activation: 'gelu' },
  },
  /** ELU (α = 1): z above 0, e^z − 1 below; smooth where ReLU has its kink. */
  elu: {
    value(z, a, from, to) {
      for (let i = from; i < to; i++) a[i] = z[i] > 0 ? z[i] : Math.expm1(z[i]);
    },
    derivative(z, a, d, from, to) {
      for (let i = from; i < to; i++) d[i] = z[i] > 0 ? 1 : a[i] + 1;
    },
    tf: (tf, z) => tf.elu(z),
    keras: { activation: 'elu' },
  },
  /** SiLU (swish): z·σ(z). */
  silu: {
    value(z, a, from, to) {
      for (let i = from; i < to; i++) a[i] = z[i] * sigmoid(z[i]);
    },
    derivative(z, _a, d, from, to) {
      for (let i = from; i < to; i++) {
        const s = sigmoid(z[i]);
        d[i] = s * (1 + z[i] * (1 - s));
      }
    },
    tf: (tf, z) => tf.mul(z, tf.sigmoid(z)),
    keras: { activation: 'swish' },
  },
  linear: {
    value(z, a, from, to) {
      if (a !== z) for (let i = from; i < to; i++) a[i] = z[i];
    },
    derivative(_z, _a, d, from, to) {
      d.fill(1, from, to);
    },
    tf: (_tf, z) => z,
    keras: { activation: 'linear' },
  },
} satisfies Record<string, ActivationDef>;

export type Activation = keyof typeof ACTIVATIONS;
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as [Activation, ...Activation[]];

export function activationOf(name: Activation): ActivationDef {
  return ACTIVATIONS[name];
}

/**
 * a = f(z) over [from, to), and with `d` the derivative in the same call. The ReLU family fuses
 * both in one loop (the hot path of small nets); the rest compute the value, then the derivative.
 */
export function activateRun(kind: Activation, z: Values, a: Values, d: Values | undefined, from: number, to: number): void {
  const def: ActivationDef = ACTIVATIONS[kind];
  if (d && def.kink) {
    const slope = def.kink.negativeSlope;
    if (slope === 0) {
      for (let i = from; i < to; i++) {
        const on = z[i] > 0;
        a[i] = on ? z[i] : 0;
        d[i] = on ? 1 : 0;
      }
    } else {
      for (let i = from; i < to; i++) {
        const on = z[i] > 0;
        a[i] = on ? z[i] : slope * z[i];
        d[i] = on ? 1 : slope;
      }
    }
    return;
  }
  def.value(z, a, from, to);
  if (d) def.derivative(z, a, d, from, to);
}

export function sigmoid(z: number): number {
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
