// SGD, Adam and AdamW with exactly PyTorch's update rules (torch.optim, single-tensor path), so a
// run started from the same weights follows PyTorch step for step.
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerSpec } from '../experiment/schema';

export interface Optimizer {
  /** Apply one step given the gradients (same order as the variables). Call inside tf.tidy. */
  step(grads: tf.Tensor[]): void;
  dispose(): void;
}

export function makeOptimizer(spec: OptimizerSpec, params: tf.Variable[]): Optimizer {
  return spec.kind === 'sgd' ? new Sgd(spec, params) : new Adam(spec, params, spec.kind === 'adamw');
}

/** State tensors live in variables (created in tidy so the zeros are not kept alive twice). */
function zerosLike(params: tf.Variable[]): tf.Variable[] {
  return tf.tidy(() => params.map((p) => tf.variable(tf.zerosLike(p), false)));
}

/**
 *   g ← grad + wd·p                     (L2 weight decay)
 *   buf ← momentum·buf + g              (dampening 0; buf starts at g, i.e. zeros + g)
 *   g ← nesterov ? g + momentum·buf : buf
 *   p ← p − lr·g
 */
class Sgd implements Optimizer {
  private readonly buffers: tf.Variable[];

  constructor(private readonly spec: OptimizerSpec, private readonly params: tf.Variable[]) {
    this.buffers = spec.momentum > 0 ? zerosLike(params) : [];
  }

  step(grads: tf.Tensor[]): void {
    const { lr, momentum, nesterov, weightDecay } = this.spec;
    this.params.forEach((p, i) => {
      let g = grads[i];
      if (weightDecay !== 0) g = tf.add(g, tf.mul(p, weightDecay));
      if (momentum > 0) {
        const buf = tf.add(tf.mul(this.buffers[i], momentum), g);
        this.buffers[i].assign(buf);
        g = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
      }
      p.assign(tf.sub(p, tf.mul(g, lr)));
    });
  }

  dispose(): void {
    for (const b of this.buffers) b.dispose();
  }
}

/**
 *   AdamW first decays the weights: p ← p·(1 − lr·wd); Adam instead adds wd·p to the gradient.
 *   m ← β1·m + (1−β1)·g;   v ← β2·v + (1−β2)·g²
 *   p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 */
class Adam implements Optimizer {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(private readonly spec: OptimizerSpec, private readonly params: tf.Variable[], private readonly decoupled: boolean) {
    this.m = zerosLike(params);
    this.v = zerosLike(params);
  }

  step(grads: tf.Tensor[]): void {
    const { lr, weightDecay, eps } = this.spec;
    const [beta1, beta2] = this.spec.betas;
    this.t += 1;
    const stepSize = lr / (1 - beta1 ** this.t);
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** this.t);
    this.params.forEach((p, i) => {
      let g = grads[i];
      let param: tf.Tensor = p;
      if (weightDecay !== 0) {
        if (this.decoupled) param = tf.mul(p, 1 - lr * weightDecay);
        else g = tf.add(g, tf.mul(p, weightDecay));
      }
      const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
      this.m[i].assign(m);
      this.v[i].assign(v);
      const denom = tf.add(tf.div(tf.sqrt(v), biasCorrection2Sqrt), eps);
      p.assign(tf.sub(param, tf.mul(tf.div(m, denom), stepSize)));
    });
  }

  dispose(): void {
    for (const s of [...this.m, ...this.v]) s.dispose();
  }
}
