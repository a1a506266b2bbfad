// The plain kernel's losses (mean over the batch, as losses.ts), their gradients, and the
// predicted classes — on row-major logits ([rows][k], lossOf) and on a pass's feature-major ones
// (logit j of row r at j·stride + r, batchLoss).
import type { Loss } from '../experiment/schema';
import { sigmoid } from './plain-mlp';

/**
 * Mean loss of `rows` rows of logits (k per row, row-major) against class indices; writes
 * dLoss/dlogits into `grad` when given. One logit: target y ∈ {0,1}; k logits: the one-hot of y.
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

/** Row-major copies of feature-major logits and gradients, for the losses without a column form. */
const rowBlocks = { z: new Float64Array(0), grad: new Float64Array(0) };

/**
 * lossOf on feature-major logits (logit j of row r at j·stride + r), gradient in the same
 * layout. One logit is one column, so it is lossOf as it is; two-class cross-entropy, the seed
 * studies' loss, has its own loop; the rest go through a row-major copy.
 */
export function batchLoss(loss: Loss, z: Float64Array, y: ArrayLike<number>, rows: number, k: number, stride: number, grad?: Float64Array): number {
  if (k === 1) return lossOf(loss, z, y, rows, 1, grad);
  if (k === 2 && loss === 'cross-entropy') return crossEntropy2(z, y, rows, stride, grad);
  if (rowBlocks.z.length < rows * k) rowBlocks.z = new Float64Array(rows * k);
  if (grad && rowBlocks.grad.length < rows * k) rowBlocks.grad = new Float64Array(rows * k);
  const zRow = rowBlocks.z;
  for (let j = 0; j < k; j++) for (let r = 0; r < rows; r++) zRow[r * k + j] = z[j * stride + r];
  const value = lossOf(loss, zRow, y, rows, k, grad ? rowBlocks.grad : undefined);
  if (grad) for (let j = 0; j < k; j++) for (let r = 0; r < rows; r++) grad[j * stride + r] = rowBlocks.grad[r * k + j];
  return value;
}

/**
 * lossOf's cross-entropy for k = 2, written out: the same operations in the same order. One of
 * the two exponentials is e⁰ = 1 (the max's own), so it is not computed.
 */
function crossEntropy2(z: Float64Array, y: ArrayLike<number>, rows: number, stride: number, grad?: Float64Array): number {
  let total = 0;
  const n = rows;
  for (let r = 0; r < rows; r++) {
    const z0 = z[r];
    const z1 = z[stride + r];
    const max = max2(z0, z1);
    const e0 = expFromMax(z0, max);
    const e1 = expFromMax(z1, max);
    const sum = e0 + e1;
    const t = y[r];
    total += max + Math.log(sum) - (t === 1 ? z1 : z0);
    if (grad) {
      grad[r] = (e0 / sum - (t === 0 ? 1 : 0)) / n;
      grad[stride + r] = (e1 / sum - (t === 1 ? 1 : 0)) / n;
    }
  }
  return total / n;
}

/** The larger of two logits, found as lossOf's loop finds a max (so a NaN is passed over the same way). */
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

/** Predicted class of row r of feature-major logits: z > 0 for one logit, the first argmax for k. */
export function predictedAt(z: Float64Array, r: number, k: number, stride: number): number {
  if (k === 1) return z[r] > 0 ? 1 : 0;
  let best = 0;
  let top = z[r];
  for (let j = 1; j < k; j++) {
    if (z[j * stride + r] > top) {
      best = j;
      top = z[j * stride + r];
    }
  }
  return best;
}

/** Rows whose predicted class is their label. */
export function countCorrect(z: Float64Array, y: ArrayLike<number>, rows: number, k: number, stride: number): number {
  let correct = 0;
  if (k === 1) {
    for (let r = 0; r < rows; r++) if ((z[r] > 0 ? 1 : 0) === y[r]) correct++;
  } else if (k === 2) {
    for (let r = 0; r < rows; r++) if ((z[stride + r] > z[r] ? 1 : 0) === y[r]) correct++;
  } else {
    for (let r = 0; r < rows; r++) if (predictedAt(z, r, k, stride) === y[r]) correct++;
  }
  return correct;
}
