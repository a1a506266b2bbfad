// The TF.js kernel's optimizer: the registry entry's step (src/core/nn/optimizers.ts) applied to
// each variable, with the entry's state kept in variables beside it.
import * as tf from '@tensorflow/tfjs-core';
import { optimizerOf, type OptimizerDef, type OptimizerSpec } from '../nn/optimizers';

export class Optimizer {
  private readonly def: OptimizerDef;
  /** Per variable, the entry's state buffers. */
  private readonly state: tf.Variable[][];
  private t = 0;
  /** The rate of the current epoch (a schedule moves it). */
  lr: number;

  constructor(private readonly spec: OptimizerSpec, private readonly params: tf.Variable[]) {
    this.def = optimizerOf(spec.kind);
    this.lr = spec.lr;
    const buffers = this.def.buffers(spec);
    // Created in tidy so the zeros are not kept alive twice.
    this.state = tf.tidy(() => params.map((p) => Array.from({ length: buffers }, () => tf.variable(tf.zerosLike(p), false))));
  }

  /** Apply one step given the gradients (same order as the variables). Call inside tf.tidy. */
  step(grads: tf.Tensor[]): void {
    this.t += 1;
    this.params.forEach((p, i) => this.def.tf(tf, p, grads[i], this.state[i], this.spec, this.lr, this.t));
  }

  dispose(): void {
    for (const s of this.state.flat()) s.dispose();
  }
}

export function makeOptimizer(spec: OptimizerSpec, params: tf.Variable[]): Optimizer {
  return new Optimizer(spec, params);
}
