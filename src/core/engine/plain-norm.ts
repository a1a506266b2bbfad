// BatchNorm1d for the plain kernel, as torch.nn.BatchNorm1d (eps 1e-5, momentum 0.1): between a
// hidden layer's affine output z and its activation. Training mode normalises with the batch's
// mean and biased variance and moves the running statistics (with the unbiased variance); eval
// mode uses the running ones. In eval mode a BatchNorm is an affine map per unit, so `fold`
// writes it into the Dense layer before it: the boundary grid, the saved model and predictions
// see an ordinary MLP.

export const BATCH_NORM_EPS = 1e-5;
export const BATCH_NORM_MOMENTUM = 0.1;

/** One hidden layer's BatchNorm: γ and β are views into the model's parameters and gradients. */
export interface Norm {
  gamma: Float32Array;
  beta: Float32Array;
  gGamma: Float64Array;
  gBeta: Float64Array;
  /** Running statistics (buffers, not parameters), float32 like PyTorch's. */
  mean: Float32Array;
  variance: Float32Array;
  /** Training pass scratch per unit: 1/√(σ²_batch + ε). */
  invStd: Float64Array;
}

export function newNorm(units: number, gamma: Float32Array, beta: Float32Array, gGamma: Float64Array, gBeta: Float64Array): Norm {
  gamma.fill(1);
  beta.fill(0);
  return { gamma, beta, gGamma, gBeta, mean: new Float32Array(units), variance: new Float32Array(units).fill(1), invStd: new Float64Array(units) };
}

/**
 * y = γ·x̂ + β for one unit's rows [at, at + rows), from its affine outputs z. Training: x̂ with
 * the batch's statistics (kept in xhat for backward), running statistics moved; eval: the
 * running statistics.
 */
export function normalize(norm: Norm, u: number, z: Float64Array, y: Float64Array, xhat: Float64Array | undefined, at: number, rows: number): void {
  const g = norm.gamma[u];
  const b = norm.beta[u];
  if (!xhat) {
    const scale = 1 / Math.sqrt(norm.variance[u] + BATCH_NORM_EPS);
    const m = norm.mean[u];
    for (let i = at; i < at + rows; i++) y[i] = g * ((z[i] - m) * scale) + b;
    return;
  }
  let sum = 0;
  for (let i = at; i < at + rows; i++) sum += z[i];
  const mean = sum / rows;
  let squares = 0;
  for (let i = at; i < at + rows; i++) squares += (z[i] - mean) * (z[i] - mean);
  const variance = squares / rows;
  const invStd = 1 / Math.sqrt(variance + BATCH_NORM_EPS);
  norm.invStd[u] = invStd;
  for (let i = at; i < at + rows; i++) {
    const x = (xhat[i] = (z[i] - mean) * invStd);
    y[i] = g * x + b;
  }
  const m = BATCH_NORM_MOMENTUM;
  norm.mean[u] = (1 - m) * norm.mean[u] + m * mean;
  // A batch of one row has no unbiased variance (PyTorch refuses it; the checker does too).
  norm.variance[u] = (1 - m) * norm.variance[u] + m * (rows > 1 ? (squares / (rows - 1)) : variance);
}

/**
 * dy → dz in place for one unit's rows (dy = dLoss/dy on entry, dLoss/dz on return), and
 * dLoss/dγ, dLoss/dβ:  dz = γ·invStd/n · (n·dy − Σdy − x̂·Σ(dy·x̂)).
 */
export function normBackward(norm: Norm, u: number, d: Float64Array, xhat: Float64Array, at: number, rows: number): void {
  let sumDy = 0;
  let sumDyX = 0;
  for (let i = at; i < at + rows; i++) {
    sumDy += d[i];
    sumDyX += d[i] * xhat[i];
  }
  norm.gBeta[u] = sumDy;
  norm.gGamma[u] = sumDyX;
  const k = (norm.gamma[u] * norm.invStd[u]) / rows;
  for (let i = at; i < at + rows; i++) d[i] = k * (rows * d[i] - sumDy - xhat[i] * sumDyX);
}

/** The eval-mode BatchNorm after a Dense layer folded into it: W'[k][j] = W[k][j]·s_j, b'_j = (b_j − μ_j)·s_j + β_j. */
export function fold(norm: Pick<Norm, 'gamma' | 'beta' | 'mean' | 'variance'>, W: Float32Array, b: Float32Array, inDim: number, outDim: number): { W: Float32Array; b: Float32Array } {
  const Wf = new Float32Array(W.length);
  const bf = new Float32Array(outDim);
  for (let j = 0; j < outDim; j++) {
    const s = norm.gamma[j] / Math.sqrt(norm.variance[j] + BATCH_NORM_EPS);
    for (let k = 0; k < inDim; k++) Wf[k * outDim + j] = W[k * outDim + j] * s;
    bf[j] = (b[j] - norm.mean[j]) * s + norm.beta[j];
  }
  return { W: Wf, b: bf };
}
