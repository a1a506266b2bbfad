// The same MLP, losses, optimizers and epoch as the tfjs kernel (train.ts, model.ts, losses.ts,
// optimizers.ts), written out in plain loops over typed arrays, in the spirit of TensorFlow
// Playground's nn.ts. For the lessons' small models a tfjs step is dominated by ~150 kernel
// launches, not arithmetic; these loops do the arithmetic only. Wide layers are faster on wasm's
// SIMD matmul, so `usePlainKernel` picks.
//
//   plain-mlp.ts   the model: feature-major forward/backward, SGD/Adam, activations
//   plain-loss.ts  losses, their gradients, predicted classes
//   plain-grid.ts  boundary snapshots and neuron maps
//   plain.ts       the training session: epochs, metrics, evaluation
//
// Parameters and optimizer state are float32 like the tfjs variables (so they overflow where
// tfjs's would), arithmetic in between is float64. The reported metrics are rounded to float32.
import type { PreparedData, Table } from '../data/types';
import type { RunSpec } from '../experiment/schema';
import type { Rng } from '../rng';
import { type LayerWeights } from './model';
import { DetachedGrid, EVALUATE_ONLY, PlainGrid } from './plain-grid';
import { batchLoss, countCorrect, predictedAt } from './plain-loss';
import { Minibatches, type BatchSteps } from './minibatches';
import { PlainMlp, type Pass } from './plain-mlp';
import { activationOf, sigmoid } from '../nn/activations';
import { penaltyOf, type PenaltyDef } from '../nn/penalties';
import { finishRecord, type EpochMetrics, type GridJob, type OffloadedGrid, type SnapshotOffload, type SplitEvaluation, type TrainingSession } from './session';
import type { BoundarySnapshot, GridSpec, RunRecord } from './types';

export { PlainMlp } from './plain-mlp';
export { lossOf } from './plain-loss';

/**
 * Multiply-adds of one batch's forward pass. Below this the plain kernel beats tfjs-wasm's
 * per-kernel overhead (measured: 2-16-1 × 300 and 10-32-1 × 32 win by 3–8×; 2-256×3-2 × 210,
 * ~28M, loses 2–4×).
 */
export const PLAIN_KERNEL_MAX_BATCH_MACS = 1_000_000;

export function usePlainKernel(sizes: number[], batchRows: number): boolean {
  let macs = 0;
  for (let l = 1; l < sizes.length; l++) macs += sizes[l - 1] * sizes[l];
  return macs * batchRows <= PLAIN_KERNEL_MAX_BATCH_MACS;
}

export class PlainSession implements TrainingSession {
  readonly model: PlainMlp;
  readonly params: number;
  private readonly outputs: number;
  private readonly reluLike: boolean;
  private readonly batches: Minibatches;
  private readonly steps: BatchSteps;
  private readonly train: Pass;
  private readonly activity: UnitActivity;
  private readonly grid: PlainGrid;
  /** Snapshots computed on another thread, and what they are computed from. */
  private readonly gridJob: GridJob;
  private readonly remote: OffloadedGrid | undefined;
  private fallbackGrid: DetachedGrid | undefined;
  /** The last evaluated table and its eval-mode pass, inputs already in place. */
  private evalTable: Table | undefined;
  private evalPass: Pass | undefined;
  private best: Float32Array[] | undefined;
  /** What the grid evaluates: the model itself, or with BatchNorm an MLP holding its eval-mode (folded) weights. */
  private readonly gridModel: PlainMlp;
  private readonly penalty: PenaltyDef | undefined;

  constructor(
    private readonly spec: RunSpec,
    private readonly data: PreparedData,
    sizes: number[],
    weights: LayerWeights[],
    private readonly gridSpec: GridSpec,
    shuffleRng: Rng,
    private readonly dropoutRng: Rng,
    offload?: SnapshotOffload,
  ) {
    this.outputs = sizes[sizes.length - 1];
    this.gridJob = { sizes, activation: spec.model.activation, grid: gridSpec, sliceBase: data.sliceBase, inputs: data.modelInputs };
    this.remote = offload?.open(this.gridJob);
    const batchNorm = spec.model.batchNorm ?? false;
    this.model = new PlainMlp(sizes, spec.model.activation, spec.model.dropout, weights, spec.optimizer, batchNorm);
    this.gridModel = batchNorm ? new PlainMlp(sizes, spec.model.activation, 0, weights, EVALUATE_ONLY) : this.model;
    this.params = this.model.params;
    this.penalty = spec.model.penalty && penaltyOf(spec.model.penalty.kind);
    this.reluLike = !!activationOf(spec.model.activation).kink;
    this.batches = new Minibatches(data.train.n, spec.training.batchSize, spec.training.shuffle, shuffleRng, spec.loss, this.outputs);
    this.train = this.model.newPass(this.batches.batchSize, true);
    const last = sizes.length - 2;
    const rate = spec.model.penalty?.rate ?? 0;
    this.steps = {
      gather: (order, start, rows, labels) => this.gatherBatch(order, start, rows, labels),
      forward: (rows) => {
        this.model.forward(this.train, rows, this.dropoutRng);
        this.activity.observe(this.train, rows);
        return { z: this.train.pre[last], stride: this.train.stride };
      },
      learn: (rows, dz) => {
        this.model.backward(this.train, rows, dz);
        if (this.penalty) this.model.penalize(this.penalty, rate);
        this.model.update();
      },
    };
    this.activity = new UnitActivity(sizes.slice(1, -1), this.reluLike);
    this.grid = new PlainGrid(this.gridModel, gridSpec, data.sliceBase, data.modelInputs);
  }

  epoch(): EpochMetrics {
    this.activity.reset();
    const { trainLoss, trainAcc } = this.batches.epoch(this.steps);
    let valLoss: number | null = null;
    let valAcc: number | null = null;
    if (this.data.val.n > 0) {
      const e = this.evaluateLoss(this.data.val);
      valLoss = e.loss;
      valAcc = e.accuracy;
    }
    return { trainLoss, trainAcc, valLoss, valAcc, alive: this.activity.alive() };
  }

  /** Rows order[start…start+rows) of the training set into the batch, feature-major, and their labels. */
  private gatherBatch(order: Int32Array, start: number, rows: number, labels: Int32Array): void {
    const { x, y, d } = this.data.train;
    const input = this.train.inputs[0];
    const stride = this.train.stride;
    for (let r = 0; r < rows; r++) {
      const row = order[start + r];
      for (let j = 0; j < d; j++) input[j * stride + r] = x[row * d + j];
      labels[r] = y[row];
    }
  }

  /** Forward over a whole table in eval mode; its inputs stay in place for the next call on the same table. */
  private forwardTable(t: Table): Pass {
    if (this.evalTable !== t) {
      if (!this.evalPass || this.evalPass.stride < t.n) this.evalPass = this.model.newPass(t.n);
      const input = this.evalPass.inputs[0];
      const stride = this.evalPass.stride;
      for (let r = 0; r < t.n; r++) for (let j = 0; j < t.d; j++) input[j * stride + r] = t.x[r * t.d + j];
      this.evalTable = t;
    }
    this.model.forward(this.evalPass!, t.n);
    return this.evalPass!;
  }

  private evaluateLoss(t: Table): { loss: number; accuracy: number; logits: Float64Array; stride: number } {
    const pass = this.forwardTable(t);
    const logits = pass.pre[pass.pre.length - 1];
    const loss = batchLoss(this.spec.loss, logits, t.y, t.n, this.outputs, pass.stride);
    const right = countCorrect(logits, t.y, t.n, this.outputs, pass.stride);
    return { loss: Math.fround(loss), accuracy: Math.fround(right / t.n), logits, stride: pass.stride };
  }

  setLearningRate(lr: number): void {
    this.model.lr = lr;
  }

  snapshot(epoch: number): BoundarySnapshot {
    this.syncGridModel();
    return this.grid.snapshot(epoch);
  }

  private syncGridModel(): void {
    if (this.gridModel !== this.model) this.gridModel.setParameters(this.model.evalParameters());
  }

  snapshotLater(epoch: number): Promise<BoundarySnapshot> | undefined {
    if (!this.remote) return undefined;
    const params = this.model.evalParameters();
    // Should the other thread fail, the same snapshot is computed here, from the same copy.
    return this.remote.snapshot(epoch, params).catch(() => (this.fallbackGrid ??= new DetachedGrid(this.gridJob)).snapshot(epoch, params));
  }

  keepBest(): void {
    this.best = this.model.saveState();
  }

  restoreBest(): void {
    if (this.best) this.model.loadState(this.best);
  }

  finish(record: RunRecord): void {
    finishRecord(record, this.spec, this.data, this.gridSpec, (t) => this.evaluate(t), () => {
      this.syncGridModel();
      return this.grid.neuronMaps();
    });
  }

  private evaluate(t: Table): SplitEvaluation {
    const { loss, logits, stride } = this.evaluateLoss(t);
    const k = this.outputs;
    const predicted = new Int32Array(t.n);
    for (let r = 0; r < t.n; r++) predicted[r] = predictedAt(logits, r, k, stride);
    const pClass1: number[] = [];
    if (this.gridSpec.classes === 2) {
      for (let r = 0; r < t.n; r++) {
        if (k === 1) pClass1.push(Math.fround(sigmoid(logits[r])));
        else pClass1.push(Math.fround(1 / (1 + Math.exp(logits[r] - logits[stride + r]))));
      }
    }
    return { loss, predicted, pClass1 };
  }

  /** The eval-mode network (BatchNorm folded in): what is saved and predicts. */
  readWeights(): LayerWeights[] {
    return this.model.evalWeights();
  }

  dispose(): void {
    this.remote?.close();
    this.best = undefined;
    this.evalPass = undefined;
    this.evalTable = undefined;
  }
}

/**
 * Which hidden units are alive this epoch: a ReLU-like unit fired (output > 0) on at least one
 * training sample, another kind of unit took more than one value. A unit known alive is not
 * looked at again until the next epoch.
 */
class UnitActivity {
  private readonly isAlive: Uint8Array[];
  private readonly max: Float64Array[];
  private readonly min: Float64Array[];

  constructor(private readonly widths: number[], private readonly reluLike: boolean) {
    this.isAlive = widths.map((w) => new Uint8Array(w));
    this.max = widths.map((w) => new Float64Array(w));
    this.min = widths.map((w) => new Float64Array(w));
  }

  reset(): void {
    this.widths.forEach((_, l) => {
      this.isAlive[l].fill(0);
      this.max[l].fill(-Infinity);
      this.min[l].fill(Infinity);
    });
  }

  /** Hidden outputs of a training batch (before dropout). */
  observe(pass: Pass, rows: number): void {
    const { stride } = pass;
    this.widths.forEach((w, l) => {
      const a = pass.post[l];
      const isAlive = this.isAlive[l];
      for (let u = 0; u < w; u++) {
        if (isAlive[u]) continue;
        const from = u * stride;
        if (this.reluLike) {
          for (let i = from; i < from + rows; i++) {
            if (a[i] > 0) {
              isAlive[u] = 1;
              break;
            }
          }
          continue;
        }
        let max = this.max[l][u];
        let min = this.min[l][u];
        for (let i = from; i < from + rows; i++) {
          if (a[i] > max) max = a[i];
          if (a[i] < min) min = a[i];
        }
        this.max[l][u] = max;
        this.min[l][u] = min;
        if (max - min > 0) isAlive[u] = 1;
      }
    });
  }

  /** Alive units per hidden layer. */
  alive(): number[] {
    return this.isAlive.map((flags) => flags.reduce((count, f) => count + f, 0));
  }
}
