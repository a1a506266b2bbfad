// Optimizers, one entry each, with exactly PyTorch's update rules (torch.optim, single-tensor
// path), so a run started from the same weights follows PyTorch step for step. An entry owns its
// state (how many parameter-sized buffers), its step in plain loops over float32 parameters (the
// plain kernel, and the wide kernel for optimizers it has no WebAssembly loop for) and its step on
// TF.js variables. Adding an optimizer is adding an entry here (and its settings to
// optimizer-settings.ts if it has new ones).
import type * as TF from '@tensorflow/tfjs-core';
// Only the settings' type: the grid thread builds models with this file and never loads zod.
import type { OptimizerSettings } from './optimizer-settings';

/** Gradients: float64 in the plain kernel, float32 in the wide kernel's memory. */
type Grad = Float64Array | Float32Array;

export interface OptimizerDef {
  /** Float32 buffers as long as the parameters that the step keeps between calls. */
  buffers(o: OptimizerSettings): number;
  /**
   * One step over all parameters p with gradients g, `lr` the learning rate of this epoch and
   * `t` the step count from 1. Parameters and state stay float32 (like TF.js variables, so they
   * overflow where those would), the arithmetic in between is float64.
   */
  step(p: Float32Array, g: Grad, state: Float32Array[], o: OptimizerSettings, lr: number, t: number): void;
  /** The same step on one TF.js variable and its state variables (inside tf.tidy). */
  tf(tf: typeof TF, p: TF.Variable, g: TF.Tensor, state: TF.Variable[], o: OptimizerSettings, lr: number, t: number): void;
}

/**
 *   AdamW first decays the weights: p ← p·(1 − lr·wd); Adam instead adds wd·p to the gradient.
 *   m ← β1·m + (1−β1)·g;   v ← β2·v + (1−β2)·g²
 *   p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 */
function adam(decoupled: boolean): OptimizerDef {
  return {
    buffers: () => 2,
    step(p, grad, [m, v], o, lr, t) {
      const { weightDecay, eps } = o;
      const [beta1, beta2] = o.betas;
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
    },
    tf(tf, p, grad, [mState, vState], o, lr, t) {
      const { weightDecay, eps } = o;
      const [beta1, beta2] = o.betas;
      const stepSize = lr / (1 - beta1 ** t);
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
      let g = grad;
      let param: TF.Tensor = p;
      if (weightDecay !== 0) {
        if (decoupled) param = tf.mul(p, 1 - lr * weightDecay);
        else g = tf.add(g, tf.mul(p, weightDecay));
      }
      const m = tf.add(tf.mul(mState, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(vState, beta2), tf.mul(tf.square(g), 1 - beta2));
      mState.assign(m);
      vState.assign(v);
      const denom = tf.add(tf.div(tf.sqrt(v), biasCorrection2Sqrt), eps);
      p.assign(tf.sub(param, tf.mul(tf.div(m, denom), stepSize)));
    },
  };
}

function rmspropSettings(o: OptimizerSettings): { alpha: number; centered: boolean } {
  return { alpha: o.alpha ?? 0.99, centered: o.centered ?? false };
}

export const OPTIMIZERS = {
  /**
   *   g ← grad + wd·p                     (L2 weight decay)
   *   buf ← momentum·buf + g              (dampening 0; buf starts at g, i.e. zeros + g)
   *   g ← nesterov ? g + momentum·buf : buf
   *   p ← p − lr·g
   */
  sgd: {
    buffers: (o) => (o.momentum > 0 ? 1 : 0),
    step(p, grad, [buf], o, lr) {
      const { momentum, nesterov, weightDecay } = o;
      for (let i = 0; i < p.length; i++) {
        let g = grad[i];
        if (weightDecay !== 0) g += weightDecay * p[i];
        if (buf) {
          const b = (buf[i] = momentum * buf[i] + g);
          g = nesterov ? g + momentum * b : b;
        }
        p[i] = p[i] - lr * g;
      }
    },
    tf(tf, p, grad, [buffer], o, lr) {
      const { momentum, nesterov, weightDecay } = o;
      let g = grad;
      if (weightDecay !== 0) g = tf.add(g, tf.mul(p, weightDecay));
      if (buffer) {
        const buf = tf.add(tf.mul(buffer, momentum), g);
        buffer.assign(buf);
        g = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
      }
      p.assign(tf.sub(p, tf.mul(g, lr)));
    },
  },
  adam: adam(false),
  adamw: adam(true),
  /**
   *   g ← grad + wd·p
   *   s ← α·s + (1−α)·g²;   centered: a ← α·a + (1−α)·g, s̃ = s − a², else s̃ = s
   *   d ← √s̃ + ε
   *   momentum: buf ← momentum·buf + g/d, p ← p − lr·buf;   else p ← p − lr·g/d
   */
  rmsprop: {
    buffers: (o) => 1 + (o.centered ? 1 : 0) + (o.momentum > 0 ? 1 : 0),
    step(p, grad, state, o, lr) {
      const { eps, momentum, weightDecay } = o;
      const { alpha, centered } = rmspropSettings(o);
      const s = state[0];
      const a = centered ? state[1] : undefined;
      const buf = momentum > 0 ? state[centered ? 2 : 1] : undefined;
      for (let i = 0; i < p.length; i++) {
        let g = grad[i];
        if (weightDecay !== 0) g += weightDecay * p[i];
        const si = (s[i] = alpha * s[i] + (1 - alpha) * g * g);
        let avg: number;
        if (a) {
          const ai = (a[i] = alpha * a[i] + (1 - alpha) * g);
          avg = Math.sqrt(si - ai * ai) + eps;
        } else {
          avg = Math.sqrt(si) + eps;
        }
        if (buf) {
          const b = (buf[i] = momentum * buf[i] + g / avg);
          p[i] = p[i] - lr * b;
        } else {
          p[i] = p[i] - lr * (g / avg);
        }
      }
    },
    tf(tf, p, grad, state, o, lr) {
      const { eps, momentum, weightDecay } = o;
      const { alpha, centered } = rmspropSettings(o);
      let g = grad;
      if (weightDecay !== 0) g = tf.add(g, tf.mul(p, weightDecay));
      const s = tf.add(tf.mul(state[0], alpha), tf.mul(tf.square(g), 1 - alpha));
      state[0].assign(s);
      let variance: TF.Tensor = s;
      if (centered) {
        const a = tf.add(tf.mul(state[1], alpha), tf.mul(g, 1 - alpha));
        state[1].assign(a);
        variance = tf.sub(s, tf.square(a));
      }
      const avg = tf.add(tf.sqrt(variance), eps);
      if (momentum > 0) {
        const bufState = state[centered ? 2 : 1];
        const buf = tf.add(tf.mul(bufState, momentum), tf.div(g, avg));
        bufState.assign(buf);
        p.assign(tf.sub(p, tf.mul(buf, lr)));
      } else {
        p.assign(tf.sub(p, tf.mul(tf.div(g, avg), lr)));
      }
    },
  },
} satisfies Record<string, OptimizerDef>;

export type OptimizerKind = keyof typeof OPTIMIZERS;
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS) as [OptimizerKind, ...OptimizerKind[]];

export type { OptimizerSettings, OptimizerSpec } from './optimizer-settings';

export function optimizerOf(kind: OptimizerKind): OptimizerDef {
  return OPTIMIZERS[kind];
}
