// The plain kernel's losses (mean over the batch, as losses.ts), their gradients, and the
// predicted classes — on row-major logits ([rows][k], lossOf) and on a pass's feature-major ones
// (logit j of row r at j·stride + r, batchLoss).
import { LOSSES, type Loss, type LossDef } from '../nn/losses';

export { expFromMax, max2 } from '../nn/losses';

/**
 * Mean loss of `rows` rows of logits (k per row, row-major) against class indices; writes
 * dLoss/dlogits into `grad` when given. One logit: target y ∈ {0,1}; k logits: the one-hot of y.
 */
export function lossOf(loss: Loss, z: Float64Array, y: ArrayLike<number>, rows: number, k: number, grad?: Float64Array): number {
  const def: LossDef = LOSSES[loss];
  if (k === 1) {
    if (!def.binary) throw new Error(`${loss} needs one output per class`);
    return def.binary(z, y, rows, grad);
  }
  if (!def.multi) throw new Error(`${loss} is for one output`);
  return def.multi(z, y, rows, k, grad);
}

/** Row-major copies of feature-major logits and gradients, for the losses without a column form. */
const rowBlocks = { z: new Float64Array(0), grad: new Float64Array(0) };

/**
 * lossOf on feature-major logits (logit j of row r at j·stride + r), gradient in the same
 * layout. One logit is one column, so it is lossOf as it is; a loss with a two-column form uses
 * it for k = 2 (the seed studies' cross-entropy); the rest go through a row-major copy.
 */
export function batchLoss(loss: Loss, z: Float64Array, y: ArrayLike<number>, rows: number, k: number, stride: number, grad?: Float64Array): number {
  if (k === 1) return lossOf(loss, z, y, rows, 1, grad);
  const def: LossDef = LOSSES[loss];
  if (k === 2 && def.twoColumns) return def.twoColumns(z, y, rows, stride, grad);
  if (rowBlocks.z.length < rows * k) rowBlocks.z = new Float64Array(rows * k);
  if (grad && rowBlocks.grad.length < rows * k) rowBlocks.grad = new Float64Array(rows * k);
  const zRow = rowBlocks.z;
  for (let j = 0; j < k; j++) for (let r = 0; r < rows; r++) zRow[r * k + j] = z[j * stride + r];
  const value = lossOf(loss, zRow, y, rows, k, grad ? rowBlocks.grad : undefined);
  if (grad) for (let j = 0; j < k; j++) for (let r = 0; r < rows; r++) grad[j * stride + r] = rowBlocks.grad[r * k + j];
  return value;
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
