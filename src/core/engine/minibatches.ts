// One epoch of minibatch steps for the typed-array kernels (plain.ts, wide.ts): the order of the
// rows, the batches, the loss and its gradient, the epoch's running loss and accuracy. A kernel
// says only how it puts a batch in place, runs it forward and learns from the gradient.
//
// Like the lessons' PyTorch loops: a fresh order each epoch (a DataLoader reshuffling the previous
// order), the last partial batch kept (drop_last=False), trainLoss/trainAcc over the epoch's
// batches as they were seen (sample-weighted, before each batch's update), rounded to float32.
import type { Loss } from '../nn/losses';
import type { Rng } from '../rng';
import { batchLoss, countCorrect } from './plain-loss';

export interface BatchSteps {
  /** Rows order[start…start+rows) of the training set in place as the batch; their labels into `labels`. */
  gather(order: Int32Array, start: number, rows: number, labels: Int32Array): void;
  /** The batch forward in training mode; its logits feature-major (logit j of row r at j·stride + r). */
  forward(rows: number): { z: Float64Array; stride: number };
  /** Backward from dLoss/dlogits (the logits' layout), then the optimizer's step. */
  learn(rows: number, dz: Float64Array): void;
}

export class Minibatches {
  readonly batchSize: number;
  private readonly fullBatch: boolean;
  private readonly order: Int32Array;
  private readonly labels: Int32Array;
  private readonly dz: Float64Array;
  /** A full batch is the same rows every epoch: put in place once. */
  private gathered = false;

  constructor(
    private readonly n: number,
    batchSize: 'full' | number,
    private readonly shuffle: boolean,
    private readonly rng: Rng,
    private readonly loss: Loss,
    private readonly outputs: number,
  ) {
    this.batchSize = batchSize === 'full' || batchSize >= n ? n : batchSize;
    this.fullBatch = this.batchSize >= n;
    this.order = new Int32Array(n);
    this.labels = new Int32Array(this.batchSize);
    this.dz = new Float64Array(this.batchSize * outputs);
  }

  epoch(steps: BatchSteps): { trainLoss: number; trainAcc: number } {
    const { n, order, labels, outputs } = this;
    if (!this.fullBatch) {
      for (let i = 0; i < n; i++) order[i] = i;
      if (this.shuffle) this.rng.shuffle(order);
    } else if (!this.gathered) {
      for (let i = 0; i < n; i++) order[i] = i;
      steps.gather(order, 0, n, labels);
      this.gathered = true;
    }
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < n; start += this.batchSize) {
      const rows = Math.min(this.batchSize, n - start);
      if (!this.fullBatch) steps.gather(order, start, rows, labels);
      const { z, stride } = steps.forward(rows);
      const batch = batchLoss(this.loss, z, labels, rows, outputs, stride, this.dz);
      lossSum += Math.fround(batch) * rows;
      correct += countCorrect(z, labels, rows, outputs, stride);
      steps.learn(rows, this.dz);
    }
    return { trainLoss: Math.fround(lossSum / n), trainAcc: Math.fround(correct / n) };
  }
}
