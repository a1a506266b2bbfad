// Losses on logits, one entry each, each the mean over the batch as PyTorch defines it. An entry
// owns its maths on TF.js tensors (`tf`) and in plain loops (`binary` for one logit per row,
// `multi` for k), how many logits it wants by default, and what it says when the outputs or
// classes do not fit — read by the schema, the file checker, the engine's own check, and all
// three kernels. Adding a loss is adding an entry here.
//
// Targets: one logit per row compares with y ∈ {0, 1}; k logits with the one-hot of the class
// index y (TF.js: an [n, 1] float tensor or the [n, k] one-hot, see engine/losses.ts).
import type * as TF from '@tensorflow/tfjs-core';
import { sigmoid } from './activations';

export interface LossFinding {
  path: ['loss'] | ['model', 'outputs'];
  severity: 'error' | 'warning';
  message: string;
  hint: string;
}

/** What a loss is checked against: the data's classes and the model's outputs as written (if set). */
export interface LossSetup {
  classes: number;
  classNames: string[];
  outputs: number | undefined;
  /** "3 classes (a, b, c)" for messages. */
  classList: string;
}

export interface LossDef {
  /** Logits the model ends in when model.outputs is not set. */
  defaultOutputs(classes: number): number;
  /** What does not fit (errors stop the run; warnings travel with it). */
  check(setup: LossSetup): LossFinding[];
  /** Mean loss of a batch (inside tf.tidy); `tf` is passed so the plain kernels never load TF.js. */
  tf(tf: typeof TF, z: TF.Tensor2D, targets: TF.Tensor2D): TF.Scalar;
  /**
   * One logit per row: the mean loss of `rows` rows against y ∈ {0, 1}, and dLoss/dz into
   * `grad` when given. Absent: the loss needs one logit per class.
   */
  binary?(z: Float64Array, y: ArrayLike<number>, rows: number, grad?: Float64Array): number;
  /** k logits per row, row-major ([rows][k]); the same contract. Absent: the loss is for one logit. */
  multi?(z: Float64Array, y: ArrayLike<number>, rows: number, k: number, grad?: Float64Array): number;
  /**
   * `multi` for k = 2 on feature-major logits (logit j of row r at j·stride + r): the seed
   * studies' loss, the same operations in the same order without a row-major copy.
   */
  twoColumns?(z: Float64Array, y: ArrayLike<number>, rows: number, stride: number, grad?: Float64Array): number;
  /** A two-class model that has learnt nothing (P = ½ everywhere) scores ln 2: "stuck at ln 2" means something. */
  lnTwoAtChance: boolean;
  /** Said beside a run that used it (headline tips). */
  advice?: string;
}

const ONE_LOGIT_PER_BINARY = (classes: number) => (classes === 2 ? 1 : classes);

/** The binary losses' shared check: two classes, one logit. */
function binaryCheck(name: string) {
  return ({ classes, classNames, outputs, classList }: LossSetup): LossFinding[] => {
    if (classes > 2) return [{ path: ['loss'], severity: 'error', message: `${name} is for two classes, but this dataset has ${classList}`, hint: 'use "loss": "cross-entropy" for more than two classes' }];
    if (outputs !== undefined && outputs !== 1) {
      return [{
        path: ['model', 'outputs'], severity: 'error',
        message: `${name} on 2 classes uses 1 output (the logit of class ${classNames[1] ?? '1'}), got ${outputs}`,
        hint: 'remove model.outputs, or use "loss": "cross-entropy" with 2 outputs',
      }];
    }
    return [];
  };
}

export const LOSSES = {
  /** max(z,0) − z·y + log(1 + e^−|z|): never exponentiates a large positive number. */
  'bce-with-logits': {
    defaultOutputs: ONE_LOGIT_PER_BINARY,
    check: binaryCheck('bce-with-logits'),
    tf: (tf, z, y) => tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))))) as TF.Scalar,
    binary(z, y, rows, grad) {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const zi = z[r];
        const t = y[r];
        const p = sigmoid(zi);
        total += Math.max(zi, 0) - zi * t + Math.log1p(Math.exp(-Math.abs(zi)));
        if (grad) grad[r] = (p - t) / rows;
      }
      return total / rows;
    },
    lnTwoAtChance: true,
  },
  /** log-softmax + negative log-likelihood of the true class. */
  'cross-entropy': {
    defaultOutputs: (classes) => classes,
    check({ classes: k, outputs }) {
      if (outputs === 1) {
        return [{
          path: ['model', 'outputs'], severity: 'error',
          message: `cross-entropy needs class-index targets: this dataset has ${k} classes, use ${k} outputs${k === 2 ? ' or bce-with-logits' : ''}`,
          hint: k === 2 ? 'remove model.outputs (it defaults to the number of classes), or set "loss": "bce-with-logits" for a single logit' : 'remove model.outputs: it defaults to the number of classes',
        }];
      }
      if (outputs !== undefined && outputs !== k) {
        return [{ path: ['model', 'outputs'], severity: 'error', message: `cross-entropy on ${k} classes needs ${k} outputs, got ${outputs}`, hint: 'remove model.outputs: it defaults to the number of classes' }];
      }
      return [];
    },
    tf: (tf, z, oneHot) => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.sub(z, tf.logSumExp(z, 1, true))), 1))) as TF.Scalar,
    multi(z, y, rows, k, grad) {
      let total = 0;
      const e = new Float64Array(k);
      for (let r = 0; r < rows; r++) {
        const o = r * k;
        const t = y[r];
        const { max, sum } = softmaxTerms(z, o, k, e);
        total += max + Math.log(sum) - z[o + t];
        if (grad) for (let j = 0; j < k; j++) grad[o + j] = (e[j] / sum - (j === t ? 1 : 0)) / rows;
      }
      return total / rows;
    },
    twoColumns(z, y, rows, stride, grad) {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const z0 = z[r];
        const z1 = z[stride + r];
        const max = max2(z0, z1);
        // One of the two exponentials is e⁰ = 1 (the max's own): not computed.
        const e0 = expFromMax(z0, max);
        const e1 = expFromMax(z1, max);
        const sum = e0 + e1;
        const t = y[r];
        total += max + Math.log(sum) - (t === 1 ? z1 : z0);
        if (grad) {
          grad[r] = (e0 / sum - (t === 0 ? 1 : 0)) / rows;
          grad[stride + r] = (e1 / sum - (t === 1 ? 1 : 0)) / rows;
        }
      }
      return total / rows;
    },
    lnTwoAtChance: true,
  },
  /**
   * nn.MultiMarginLoss (margin 1, p 1): the multi-class hinge, Σ_{j≠y} max(0, 1 − z_y + z_j) / k.
   * Only a wrong class within the margin of the true one counts: a confident right answer costs 0.
   * Its scores are not log-odds: the boundary's shading (their softmax) is a ranking, not a calibrated P.
   */
  'multi-margin': {
    defaultOutputs: (classes) => classes,
    check({ classes: k, outputs }) {
      if (outputs !== undefined && outputs !== k) {
        return [{ path: ['model', 'outputs'], severity: 'error', message: `multi-margin on ${k} classes needs ${k} outputs (one score per class), got ${outputs}`, hint: 'remove model.outputs: it defaults to the number of classes' }];
      }
      return [];
    },
    tf(tf, z, oneHot) {
      const trueScore = tf.sum(tf.mul(z, oneHot), 1, true);
      const margins = tf.mul(tf.relu(tf.add(tf.sub(1, trueScore), z)), tf.sub(1, oneHot));
      return tf.mean(tf.div(tf.sum(margins, 1), z.shape[1])) as TF.Scalar;
    },
    multi(z, y, rows, k, grad) {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const o = r * k;
        const t = y[r];
        if (grad) for (let j = 0; j < k; j++) grad[o + j] = 0;
        for (let j = 0; j < k; j++) {
          if (j === t) continue;
          const m = 1 - z[o + t] + z[o + j];
          if (m <= 0) continue;
          total += m / k;
          if (grad) {
            grad[o + j] += 1 / (k * rows);
            grad[o + t] -= 1 / (k * rows);
          }
        }
      }
      return total / rows;
    },
    lnTwoAtChance: false,
  },
  /**
   * sigmoid then binary cross-entropy, each log clamped at −100 like torch.nn.BCELoss: what
   * `nn.Sigmoid()` + `nn.BCELoss()` computes, less stable than bce-with-logits on purpose.
   */
  bce: {
    defaultOutputs: ONE_LOGIT_PER_BINARY,
    check: binaryCheck('bce'),
    tf(tf, z, y) {
      const p = tf.sigmoid(z);
      const logP = tf.maximum(tf.log(p), -100);
      const log1mP = tf.maximum(tf.log(tf.sub(1, p)), -100);
      return tf.neg(tf.mean(tf.add(tf.mul(y, logP), tf.mul(tf.sub(1, y), log1mP)))) as TF.Scalar;
    },
    binary(z, y, rows, grad) {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const t = y[r];
        const p = sigmoid(z[r]);
        const logP = Math.log(p);
        const log1mP = Math.log(1 - p);
        total -= t * Math.max(logP, -100) + (1 - t) * Math.max(log1mP, -100);
        if (grad) grad[r] = (-t * (logP >= -100 ? 1 - p : 0) + (1 - t) * (log1mP >= -100 ? p : 0)) / rows;
      }
      return total / rows;
    },
    lnTwoAtChance: true,
    advice: 'use "loss": "bce-with-logits", which stays stable for large logits',
  },
  /**
   * The contrast lesson's squared error on probabilities: (sigmoid(z) − y)² for one output,
   * (softmax(z) − one-hot)² for k outputs, averaged over every element like nn.MSELoss.
   */
  mse: {
    defaultOutputs: ONE_LOGIT_PER_BINARY,
    check({ classes: k, outputs }) {
      if (outputs !== undefined && outputs !== k && !(k === 2 && outputs === 1)) {
        return [{ path: ['model', 'outputs'], severity: 'error', message: `mse on ${k} classes needs ${k === 2 ? '1 or 2' : k} outputs, got ${outputs}`, hint: 'remove model.outputs to use the default' }];
      }
      // The contrast lesson: allowed, and said plainly what it teaches.
      return [{
        path: ['loss'], severity: 'warning',
        message: 'mse treats class labels as numbers to regress: it trains, but its gradient fades exactly when a prediction is confidently wrong, so it learns slower than bce-with-logits/cross-entropy',
        hint: 'fine as a contrast experiment; use bce-with-logits (2 classes) or cross-entropy for real work',
      }];
    },
    tf: (tf, z, targets) => tf.mean(tf.squaredDifference(z.shape[1] === 1 ? tf.sigmoid(z) : tf.softmax(z), targets)) as TF.Scalar,
    binary(z, y, rows, grad) {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const t = y[r];
        const p = sigmoid(z[r]);
        total += (p - t) * (p - t);
        if (grad) grad[r] = (2 * (p - t) * p * (1 - p)) / rows;
      }
      return total / rows;
    },
    multi(z, y, rows, k, grad) {
      let total = 0;
      const divisor = rows * k;
      const e = new Float64Array(k);
      for (let r = 0; r < rows; r++) {
        const o = r * k;
        const t = y[r];
        const { sum } = softmaxTerms(z, o, k, e);
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
      return total / divisor;
    },
    lnTwoAtChance: false,
    advice: 'use "loss": "bce-with-logits", which stays stable for large logits',
  },
} satisfies Record<string, LossDef>;

export type Loss = keyof typeof LOSSES;
export const LOSS_NAMES = Object.keys(LOSSES) as [Loss, ...Loss[]];

export function lossOf(name: Loss): LossDef {
  return LOSSES[name];
}

/** The row's max logit and Σ e^(z − max), with each e^(z_j − max) left in e. */
function softmaxTerms(z: Float64Array, o: number, k: number, e: Float64Array): { max: number; sum: number } {
  let max = -Infinity;
  for (let j = 0; j < k; j++) if (z[o + j] > max) max = z[o + j];
  let sum = 0;
  for (let j = 0; j < k; j++) sum += (e[j] = Math.exp(z[o + j] - max));
  return { max, sum };
}

/** The larger of two logits, found as a max loop finds it (so a NaN is passed over the same way). */
export function max2(z0: number, z1: number): number {
  let max = -Infinity;
  if (z0 > max) max = z0;
  if (z1 > max) max = z1;
  return max;
}

/** e^(z − max), where the max's own term is e⁰ = 1 and not computed. */
export function expFromMax(z: number, max: number): number {
  const d = z - max;
  return d === 0 ? 1 : Math.exp(d);
}
