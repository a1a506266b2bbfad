// The TF.js kernel: the MLP as TF.js variables (model.ts), an epoch's minibatches with its sums kept
// on the device and read back once, snapshots and the final report through the backend's kernels.
import * as tf from '@tensorflow/tfjs-core';
import type { PreparedData, Table } from '../data/types';
import type { RunSpec } from '../experiment/schema';
import { type Rng } from '../rng';
import { gridInputs } from './grid';
import { activationOf } from '../nn/activations';
import { penaltyOf } from '../nn/penalties';
import { lossValue, predictedClass, probabilities, targetTensor } from './losses';
import { Mlp, type ForwardResult, type LayerWeights } from './model';
import { makeOptimizer, type Optimizer } from './optimizers';
import { roundProbability } from './plain-grid';
import { distinctPatterns, finishRecord, MAX_NEURON_MAPS, round4, type EpochMetrics, type SplitEvaluation, type TrainingSession } from './session';
import type { BoundarySnapshot, GridSpec, RunRecord } from './types';

/** Grid cells per forward pass of a tfjs snapshot (bounds the activations held at once). */
const GRID_BLOCK = 2500;

/** Everything a run holds on the backend, and the operations on it. */
export class Session implements TrainingSession {
  readonly model: Mlp;
  readonly params: number;
  /** Allocated once, so the tensor count stays flat while the best weights are tracked. */
  private readonly bestParams: tf.Variable[] | undefined;
  private readonly optimizer: Optimizer;
  private readonly train: SplitTensors;
  private readonly val: SplitTensors | undefined;
  private readonly test: SplitTensors | undefined;
  private readonly gridX: tf.Tensor2D;
  private readonly outputs: number;
  private readonly reluLike: boolean;

  constructor(
    private readonly spec: RunSpec,
    private readonly data: PreparedData,
    sizes: number[],
    weights: LayerWeights[],
    private readonly grid: GridSpec,
    private readonly shuffleRng: Rng,
    private readonly dropoutRng: Rng,
    trackBest: boolean,
  ) {
    this.outputs = sizes[sizes.length - 1];
    this.model = new Mlp(sizes, spec.model.activation, spec.model.dropout, weights, spec.model.batchNorm);
    this.params = this.model.params;
    this.bestParams = trackBest ? this.model.cloneParameters() : undefined;
    this.optimizer = makeOptimizer(spec.optimizer, this.model.variables);
    this.train = splitTensors(data.train, this.outputs);
    this.val = data.val.n > 0 ? splitTensors(data.val, this.outputs) : undefined;
    this.test = data.test && data.test.n > 0 ? splitTensors(data.test, this.outputs) : undefined;
    this.gridX = tf.tensor2d(gridInputs(grid, data.sliceBase, data.modelInputs), [grid.nx * grid.ny, data.train.d]);
    this.reluLike = !!activationOf(spec.model.activation).kink;
  }

  setLearningRate(lr: number): void {
    this.optimizer.lr = lr;
  }

  /** Remembers the current parameters as the best so far (early stopping with restoreBest). */
  keepBest(): void {
    if (this.bestParams) this.model.copyParametersTo(this.bestParams);
  }

  restoreBest(): void {
    if (this.bestParams) this.model.assignParameters(this.bestParams);
  }

  readWeights(): LayerWeights[] {
    return this.model.readWeights();
  }

  /** One pass over the training data, then validation; metrics read back in one dataSync. */
  epoch(): EpochMetrics {
    const { model, train } = this;
    const n = train.table.n;
    const hiddenWidths = model.sizes.slice(1, -1);
    // Running sums over the epoch: [Σ batch loss·size, Σ correct], and per hidden unit
    // [max over samples, −min over samples] of its output.
    let sums: tf.Tensor | undefined;
    let extremes: tf.Tensor | undefined;
    const batches = this.batches();
    for (const batch of batches) {
      const next = tf.tidy(() => {
        const x = batch ? tf.gather(train.x, batch) : train.x;
        const targets = batch ? tf.gather(train.targets, batch) : train.targets;
        const labels = batch ? tf.gather(train.labels, batch) : train.labels;
        const size = x.shape[0];
        let stats: tf.Tensor[] = [];
        let moments: ForwardResult['moments'] = [];
        const { value, grads } = tf.variableGrads(() => {
          const out = model.forward(x, this.dropoutRng);
          const loss = lossValue(this.spec.loss, out.logits, targets);
          // Kept: variableGrads disposes everything its function creates except the loss.
          stats = batchStats(out.logits, labels, out.post).map((t) => tf.keep(t));
          moments = out.moments.map((m) => ({ mean: tf.keep(m.mean), variance: tf.keep(m.variance) }));
          return loss;
        }, model.variables);
        const penalty = this.spec.model.penalty;
        const weightMatrices = penalty && model.weightMatrices;
        this.optimizer.step(model.variables.map((v) => {
          if (!penalty || !weightMatrices!.has(v)) return grads[v.name];
          return tf.add(grads[v.name], penaltyOf(penalty.kind).tf(tf, v, penalty.rate));
        }));
        if (moments.length) {
          model.updateRunningStatistics(moments, size);
          disposeAll(moments.flatMap((m) => [m.mean, m.variance]));
        }
        const [correct, unitExtremes] = stats;
        const batchSums = tf.stack([tf.mul(value, size), correct]);
        const result = {
          sums: sums ? tf.add(sums, batchSums) : batchSums,
          extremes: unitExtremes && (extremes ? tf.maximum(extremes, unitExtremes) : tf.clone(unitExtremes)),
        };
        disposeAll(stats);
        return result;
      });
      disposeAll([sums, extremes]);
      sums = next.sums;
      extremes = next.extremes;
    }
    disposeAll(batches.map((b) => b ?? undefined));
    const values = tf.tidy(() => {
      const parts: tf.Tensor[] = [tf.div(sums!, n)];
      if (this.val) {
        const logits = model.forward(this.val.x).logits;
        parts.push(tf.stack([lossValue(this.spec.loss, logits, this.val.targets), accuracyOf(logits, this.val.labels)]));
      }
      if (extremes) parts.push(this.firing(extremes));
      return tf.concat(parts);
    });
    const v = values.dataSync<'float32'>();
    disposeAll([values, sums, extremes]);
    let k = this.val ? 4 : 2;
    const alive = hiddenWidths.map((w) => {
      let count = 0;
      for (let i = 0; i < w; i++) count += v[k + i];
      k += w;
      return count;
    });
    return {
      trainLoss: v[0],
      trainAcc: v[1],
      valLoss: this.val ? v[2] : null,
      valAcc: this.val ? v[3] : null,
      alive,
    };
  }

  /** 1 per unit that is alive: ReLU-like units that fired (> 0) at least once, others non-constant. */
  private firing(extremes: tf.Tensor): tf.Tensor {
    const units = extremes.shape[0] / 2;
    const max = tf.slice(extremes, 0, units);
    const negMin = tf.slice(extremes, units, units);
    const alive = this.reluLike ? tf.greater(max, 0) : tf.greater(tf.add(max, negMin), 0);
    return tf.cast(alive, 'float32');
  }

  /** Index sets of the epoch's batches; [null] means the whole training set at once. */
  private batches(): (tf.Tensor1D | null)[] {
    const n = this.train.table.n;
    const size = this.spec.training.batchSize;
    if (size === 'full' || size >= n) return [null];
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (this.spec.training.shuffle) this.shuffleRng.shuffle(order);
    const out: tf.Tensor1D[] = [];
    // The last partial batch is kept, like DataLoader(drop_last=False).
    for (let start = 0; start < n; start += size) out.push(tf.tensor1d(order.subarray(start, Math.min(n, start + size)), 'int32'));
    return out;
  }

  /** P(class) over the grid in one batch and one read-back, plus the ReLU net's linear regions. */
  /**
   * P(class) over the grid plus the ReLU net's linear regions, a block of cells at a time: a
   * whole 100×100 grid through a 3×256 net held ~100 MB of activations at once.
   */
  snapshot(epoch: number): BoundarySnapshot {
    const cells = this.grid.nx * this.grid.ny;
    const countRegions = this.reluLike && this.model.hiddenLayers > 0;
    const widths = this.model.sizes.slice(1, -1);
    const units = widths.reduce((a, b) => a + b, 0);
    const perCell = this.grid.classes === 2 ? 1 : this.grid.classes;
    const probs = new Float64Array(cells * perCell);
    const bits = countRegions ? new Uint8Array(cells * units) : undefined;
    for (let start = 0; start < cells; start += GRID_BLOCK) {
      const rows = Math.min(GRID_BLOCK, cells - start);
      const [p, ...on] = tf.tidy(() => {
        const out = this.model.forward(tf.slice(this.gridX, [start, 0], [rows, -1]));
        return [flatProbabilities(out.logits, this.grid.classes), ...(countRegions ? out.pre.map((z) => tf.greater(z, 0)) : [])];
      });
      const pv = p.dataSync<'float32'>();
      for (let i = 0; i < pv.length; i++) probs[start * perCell + i] = roundProbability(pv[i]);
      let offset = 0;
      on.forEach((t, l) => {
        const w = widths[l];
        const v = t.dataSync();
        for (let r = 0; r < rows; r++) for (let u = 0; u < w; u++) bits![(start + r) * units + offset + u] = v[r * w + u];
        offset += w;
      });
      disposeAll([p, ...on]);
    }
    const snapshot: BoundarySnapshot = { epoch, probs };
    if (bits) snapshot.linearRegions = distinctPatterns(bits, cells, units);
    return snapshot;
  }

  finish(record: RunRecord): void {
    finishRecord(record, this.spec, this.data, this.grid, (t) => this.evaluate(t), () => this.neuronMaps());
  }

  private evaluate(table: Table): SplitEvaluation {
    const split = [this.train, this.val, this.test].find((s) => s?.table === table)!;
    const n = split.table.n;
    const values = tf.tidy(() => {
      const logits = this.model.forward(split.x).logits;
      const loss = lossValue(this.spec.loss, logits, split.targets);
      const predicted = tf.cast(predictedClass(logits), 'float32');
      return tf.concat([tf.reshape(loss, [1]), predicted, flatProbabilities(logits, this.grid.classes)]);
    });
    const v = values.dataSync<'float32'>();
    values.dispose();
    const predicted = Array.from(v.subarray(1, 1 + n));
    const pClass1 = this.grid.classes === 2 ? Array.from(v.subarray(1 + n, 1 + 2 * n)) : [];
    return { loss: v[0], predicted, pClass1 };
  }

  private neuronMaps(): RunRecord['neuronMaps'] | undefined {
    if (this.model.hiddenLayers === 0) return undefined;
    const cells = this.grid.nx * this.grid.ny;
    const width = this.model.sizes[1];
    const units = Math.min(width, MAX_NEURON_MAPS);
    const values = tf.tidy(() => tf.transpose(tf.slice(this.model.firstHidden(this.gridX), [0, 0], [cells, units])));
    const v = values.dataSync<'float32'>();
    values.dispose();
    const maps: number[][] = [];
    for (let u = 0; u < units; u++) maps.push(Array.from(v.subarray(u * cells, (u + 1) * cells), round4));
    return { units, values: maps };
  }

  dispose(): void {
    disposeAll(this.bestParams);
    this.optimizer.dispose();
    this.model.dispose();
    for (const s of [this.train, this.val, this.test]) if (s) disposeAll([s.x, s.targets, s.labels]);
    this.gridX.dispose();
  }
}

interface SplitTensors {
  table: Table;
  x: tf.Tensor2D;
  /** What the loss compares with: [n,1] y or [n,k] one-hot. */
  targets: tf.Tensor2D;
  labels: tf.Tensor1D;
}

function splitTensors(table: Table, outputs: number): SplitTensors {
  return {
    table,
    x: tf.tensor2d(table.x, [table.n, table.d]),
    targets: targetTensor(table.y, outputs),
    labels: tf.tensor1d(table.y, 'int32'),
  };
}

function accuracyOf(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(predictedClass(logits), labels), 'float32'));
}

/** [Σ correct, per-unit (max, −min) of hidden outputs or nothing without hidden layers]. */
function batchStats(logits: tf.Tensor2D, labels: tf.Tensor1D, hidden: tf.Tensor2D[]): tf.Tensor[] {
  const correct = tf.sum(tf.cast(tf.equal(predictedClass(logits), labels), 'float32'));
  if (hidden.length === 0) return [correct];
  const all = tf.concat(hidden, 1);
  return [correct, tf.concat([tf.max(all, 0), tf.neg(tf.min(all, 0))])];
}

/** Binary: P(class 1) per row; k classes: the k probabilities per row, row after row. */
function flatProbabilities(logits: tf.Tensor2D, classes: number): tf.Tensor1D {
  const p = probabilities(logits);
  if (classes === 2 && p.shape[1] === 2) return tf.reshape(tf.slice(p, [0, 1], [-1, 1]), [-1]);
  return tf.reshape(p, [-1]);
}

function disposeAll(ts: (tf.Tensor | undefined)[] | undefined): void {
  if (ts) for (const t of ts) t?.dispose();
}
