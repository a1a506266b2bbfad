// A network's shape and weights as plain arrays: no tfjs here, so the plain kernel and the grid
// thread (src/worker/gridWorker.ts) load without it.
import type { ModelSpec } from '../experiment/schema';
import { LogitLabError } from '../errors';

/** One Dense layer's weights; W is row-major [inDim][outDim] (PyTorch's weight transposed). */
export interface LayerWeights {
  W: Float32Array;
  b: Float32Array;
  inDim: number;
  outDim: number;
}

/** Layer sizes from input to output, e.g. [2, 16, 1]. */
export function layerSizes(inputs: number, model: ModelSpec, outputs: number): number[] {
  return [inputs, ...model.hidden, outputs];
}

/** Weights and biases, and with BatchNorm its γ and β per hidden unit (as PyTorch counts parameters). */
export function parameterCount(sizes: number[], batchNorm = false): number {
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += sizes[i - 1] * sizes[i] + sizes[i];
  if (batchNorm) for (let i = 1; i < sizes.length - 1; i++) n += 2 * sizes[i];
  return n;
}

export function checkShapes(sizes: number[], weights: LayerWeights[]): void {
  const ok = weights.length === sizes.length - 1 && weights.every((w, i) =>
    w.inDim === sizes[i] && w.outDim === sizes[i + 1] && w.W.length === w.inDim * w.outDim && w.b.length === w.outDim);
  if (!ok) {
    const got = weights.map((w) => `${w.inDim}→${w.outDim}`).join(', ');
    throw new LogitLabError(`initial weights do not fit the model ${sizes.join('-')} (got layers ${got})`, {
      hint: 'pass one {W, b, inDim, outDim} per Dense layer, W row-major [in][out]',
    });
  }
}
