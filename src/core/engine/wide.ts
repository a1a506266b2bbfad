// The wide-layer session: the same MLP, losses, optimizers and epoch as the tfjs kernel
// (train.ts) and the plain one (plain.ts), for models too wide for plain loops. Everything a step
// touches lives in one WebAssembly memory as float32, row-major ([rows][units], like tfjs and
// PyTorch), and the work is a few calls into the wide kernel (wide-kernel.ts): per layer one
// product forward, two backward, one fused bias+activation, one fused gradient mask, then one
// optimizer loop over all parameters. Only the loss (a few values per row) runs in plain JS, on
// the plain kernel's own loss code.
//
// Measured on W2 (2-256×3-2, 210 rows, full batch): the tfjs-wasm kernel spent ~9 ms of ~17 in
// matrix products and the rest in ~150 kernel launches, transposes and read-backs; here the
// products are the epoch.
import type { PreparedData, Table } from '../data/types';
import type { RunSpec } from '../experiment/schema';
import type { Rng } from '../rng';
import { activateRun, activationOf, sigmoid } from '../nn/activations';
import { optimizerOf } from '../nn/optimizers';
import { penaltyOf } from '../nn/penalties';
import { batchLoss, countCorrect, predictedAt } from './plain-loss';
import { Minibatches, type BatchSteps } from './minibatches';
import { finishRecord, type EpochMetrics, type GridJob, type OffloadedGrid, type SnapshotOffload, type SplitEvaluation, type TrainingSession } from './session';
import { checkShapes, parameterCount, type LayerWeights } from './shapes';
import { instantiate, type WideExports, type WideKernel } from './wide-kernel';
import { EVAL_BLOCK, Layout, layersAt, WideForward, WideGrid, type WideLayer } from './wide-grid';
import { WideProducts } from './wide-threads';
import type { BoundarySnapshot, GridSpec, RunRecord } from './types';

/** Byte offsets of a training pass: inputs[l] is what layer l reads (x, then post or post×mask). */
interface TrainPass {
  inputs: number[];
  pre: number[];
  post: number[];
  deriv: number[];
  masks: number[];
  /** Two buffers of [rows × widest layer] for the backward pass's gradients. */
  grads: [number, number];
}

export class WideSession implements TrainingSession {
  readonly params: number;
  private readonly k: WideExports;
  /** The large products, on this thread or split over threads (wide-threads.ts). */
  private readonly products: WideProducts;
  private readonly f32: Float32Array;
  private readonly layers: WideLayer[];
  private readonly outputs: number;
  private readonly relu: boolean;
  private readonly reluLike: boolean;
  private readonly hiddenWidths: number[];
  private readonly batches: Minibatches;
  private readonly steps: BatchSteps;
  private readonly theta: number;
  private readonly grad: number;
  /** Byte offsets of the optimizer's state buffers (the registry entry's count). */
  private readonly state: number[];
  /** The rate of the current epoch (a schedule moves it). */
  private lr: number;
  private readonly wT: number;
  private readonly train: TrainPass;
  /** Eval-mode passes over tables (validation each epoch, the final report). */
  private readonly net: WideForward;
  /** Snapshots: computed there (another thread) while this one trains, or here. */
  private readonly gridJob: GridJob;
  private readonly remote: OffloadedGrid | undefined;
  private localGrid: WideGrid | undefined;
  /** Per hidden layer: running max and min of each unit's output this epoch. */
  private readonly hi: number[];
  private readonly lo: number[];
  /** Logits feature-major in float64, as the plain kernel's loss code takes them. */
  private readonly lossZ: Float64Array;
  private step = 0;
  private best: Float32Array | undefined;

  constructor(
    private readonly spec: RunSpec,
    private readonly data: PreparedData,
    readonly sizes: number[],
    weights: LayerWeights[],
    private readonly grid: GridSpec,
    shuffleRng: Rng,
    private readonly dropoutRng: Rng,
    readonly kernel: WideKernel,
    offload?: SnapshotOffload,
  ) {
    checkShapes(sizes, weights);
    this.params = parameterCount(sizes);
    this.outputs = sizes[sizes.length - 1];
    const activation = spec.model.activation;
    this.relu = activation === 'relu';
    this.reluLike = !!activationOf(activation).kink;
    this.hiddenWidths = sizes.slice(1, -1);
    const n = data.train.n;
    this.batches = new Minibatches(n, spec.training.batchSize, spec.training.shuffle, shuffleRng, spec.loss, this.outputs);
    const widest = Math.max(...sizes);
    const rows = this.batches.batchSize;

    const at = new Layout();
    this.theta = at.take(this.params);
    this.grad = at.take(this.params);
    const o = spec.optimizer;
    this.state = Array.from({ length: optimizerOf(o.kind).buffers(o) }, () => at.take(this.params));
    this.lr = o.lr;
    this.layers = layersAt(sizes, this.theta, this.grad);
    this.wT = at.take(Math.max(...this.layers.map((l) => l.inDim * l.outDim)));
    const dropout = spec.model.dropout > 0;
    const hidden = this.layers.slice(0, -1);
    const post = hidden.map((l) => at.take(rows * l.outDim));
    const masks = dropout ? hidden.map((l) => at.take(rows * l.outDim)) : [];
    this.train = {
      inputs: this.layers.map((l, i) => (i === 0 ? at.take(rows * l.inDim) : dropout ? at.take(rows * l.inDim) : post[i - 1])),
      pre: this.layers.map((l) => at.take(rows * l.outDim)),
      post,
      deriv: hidden.map((l) => at.take(rows * l.outDim)),
      masks,
      grads: [at.take(rows * widest), at.take(rows * widest)],
    };
    const evalX = at.take(EVAL_BLOCK * sizes[0]);
    const evalBuffers: [number, number] = [at.take(EVAL_BLOCK * widest), at.take(EVAL_BLOCK * widest)];
    this.hi = hidden.map((l) => at.take(l.outDim));
    this.lo = hidden.map((l) => at.take(l.outDim));

    const { exports, memory } = instantiate(kernel, at.bytes);
    this.k = exports;
    this.products = new WideProducts(exports, kernel, memory);
    this.f32 = new Float32Array(memory.buffer);
    this.net = new WideForward(exports, this.f32, this.layers, activation, evalX, evalBuffers, this.wT, (...a) => this.products.gemm(...a));
    this.setWeights(weights);

    this.lossZ = new Float64Array(Math.max(rows, EVAL_BLOCK) * this.outputs);
    this.steps = {
      gather: (order, start, count, labels) => this.gatherBatch(order, start, count, labels),
      forward: (count) => {
        this.forwardTrain(count);
        for (let l = 0; l < this.hi.length; l++) this.k.extremes(this.train.post[l], this.hi[l], this.lo[l], count, this.hiddenWidths[l]);
        this.readLogits(this.train.pre[this.layers.length - 1], count);
        return { z: this.lossZ, stride: count };
      },
      learn: (count, dz) => {
        // dLoss/dlogits into the kernel's memory, row-major.
        const k = this.outputs;
        const at = this.train.grads[0] >> 2;
        for (let r = 0; r < count; r++) for (let j = 0; j < k; j++) this.f32[at + r * k + j] = dz[j * count + r];
        this.backward(count);
        this.penalize();
        this.update();
      },
    };
    this.gridJob = { sizes, activation, grid, sliceBase: data.sliceBase, inputs: data.modelInputs, kernel: 'wide' };
    this.remote = offload?.open(this.gridJob);
  }

  epoch(): EpochMetrics {
    for (let l = 0; l < this.hi.length; l++) {
      const from = this.hi[l] >> 2;
      const to = from + this.hiddenWidths[l];
      this.f32.fill(-Infinity, from, to);
      this.f32.fill(Infinity, this.lo[l] >> 2, (this.lo[l] >> 2) + this.hiddenWidths[l]);
    }
    const { trainLoss, trainAcc } = this.batches.epoch(this.steps);
    let valLoss: number | null = null;
    let valAcc: number | null = null;
    if (this.data.val.n > 0) {
      const e = this.evaluateTable(this.data.val, false);
      valLoss = e.loss;
      valAcc = e.accuracy;
    }
    return { trainLoss, trainAcc, valLoss, valAcc, alive: this.alive() };
  }

  /** Rows order[start…start+rows) of the training set into the batch, and their labels. */
  private gatherBatch(order: Int32Array, start: number, rows: number, labels: Int32Array): void {
    const { x, y, d } = this.data.train;
    const input = this.train.inputs[0] >> 2;
    for (let r = 0; r < rows; r++) {
      const row = order[start + r];
      this.f32.set(x.subarray(row * d, row * d + d), input + r * d);
      labels[r] = y[row];
    }
  }

  private forwardTrain(rows: number): void {
    const { k, f32, train } = this;
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const { outDim, b } = this.layers[l];
      this.net.affine(this.layers[l], train.inputs[l], train.pre[l], rows);
      if (l === last) {
        k.addBias(train.pre[l], b, rows, outDim);
        break;
      }
      const count = rows * outDim;
      if (this.relu) {
        k.biasRelu(train.pre[l], train.post[l], train.deriv[l], b, rows, outDim);
      } else {
        k.addBias(train.pre[l], b, rows, outDim);
        const z = f32.subarray(train.pre[l] >> 2, (train.pre[l] >> 2) + count);
        const a = f32.subarray(train.post[l] >> 2, (train.post[l] >> 2) + count);
        const d = f32.subarray(train.deriv[l] >> 2, (train.deriv[l] >> 2) + count);
        activateRun(this.spec.model.activation, z, a, d, 0, count);
      }
      if (train.masks.length) this.dropOut(l, rows);
    }
  }

  /** inputs[l+1] = post[l] × a fresh mask of 0 and 1/(1-p), drawn row by row then unit by unit (the tfjs kernel's order). */
  private dropOut(l: number, rows: number): void {
    const p = this.spec.model.dropout;
    const keep = 1 / (1 - p);
    const count = rows * this.layers[l].outDim;
    const mask = this.train.masks[l] >> 2;
    const a = this.train.post[l] >> 2;
    const next = this.train.inputs[l + 1] >> 2;
    const { f32 } = this;
    for (let i = 0; i < count; i++) {
      const m = this.dropoutRng.next() < p ? 0 : keep;
      f32[mask + i] = m;
      f32[next + i] = f32[a + i] * m;
    }
  }

  /** Gradients into grad, from dLoss/dlogits in train.grads[0]. */
  private backward(rows: number): void {
    const { k, train } = this;
    let dz = train.grads[0];
    let spare = train.grads[1];
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const { inDim, outDim, W, gW, gb } = this.layers[l];
      // gW = inputsᵀ·dz, gb = Σ_rows dz. With 1–3 outputs, gWᵀ = dzᵀ·inputs fills gemm's
      // column tiles instead, and is transposed into place.
      if (outDim >= 4) {
        this.products.gemm(train.inputs[l], 1, inDim, dz, gW, inDim, rows, outDim, 0);
      } else {
        k.gemm(dz, 1, outDim, train.inputs[l], this.wT, outDim, rows, inDim, 0);
        k.transpose(this.wT, gW, outDim, inDim);
      }
      k.columnSums(dz, gb, rows, outDim);
      if (l === 0) break;
      // dh = dz·Wᵀ (through an explicit transpose: the product's inner loop wants rows of Wᵀ),
      // then back through the previous layer's activation and dropout mask.
      k.transpose(W, this.wT, inDim, outDim);
      this.products.gemm(dz, outDim, 1, this.wT, spare, rows, outDim, inDim, 0);
      k.multiply(spare, train.deriv[l - 1], rows * inDim);
      if (train.masks.length) k.multiply(spare, train.masks[l - 1], rows * inDim);
      [dz, spare] = [spare, dz];
    }
  }

  /**
   * One optimizer step — torch.optim's rules — in float32 like the tfjs variables: SGD and Adam(W)
   * in the kernel's own loops, any other optimizer through its registry entry on views of memory.
   */
  private update(): void {
    const o = this.spec.optimizer;
    const lr = this.lr;
    this.step += 1;
    const [m = 0, v = 0] = this.state;
    if (o.kind === 'sgd') {
      this.k.sgd(this.theta, this.grad, m, this.params, lr, o.momentum, o.nesterov ? 1 : 0, o.weightDecay);
      return;
    }
    if (o.kind === 'adam' || o.kind === 'adamw') {
      const [beta1, beta2] = o.betas;
      const stepSize = lr / (1 - beta1 ** this.step);
      const bc2Sqrt = Math.sqrt(1 - beta2 ** this.step);
      this.k.adam(this.theta, this.grad, m, v, this.params, lr, beta1, beta2, o.eps, o.weightDecay, o.kind === 'adamw' ? 1 : 0, stepSize, bc2Sqrt);
      return;
    }
    const view = (at: number) => this.f32.subarray(at >> 2, (at >> 2) + this.params);
    optimizerOf(o.kind).step(view(this.theta), view(this.grad), this.state.map(view), o, lr, this.step);
  }

  /** Adds the weight penalty's gradient (if any) to the weights' gradients. */
  private penalize(): void {
    const penalty = this.spec.model.penalty;
    if (!penalty) return;
    const def = penaltyOf(penalty.kind);
    for (const l of this.layers) {
      const n = l.inDim * l.outDim;
      def.addGradient(this.f32.subarray(l.W >> 2, (l.W >> 2) + n), this.f32.subarray(l.gW >> 2, (l.gW >> 2) + n), penalty.rate);
    }
  }

  setLearningRate(lr: number): void {
    this.lr = lr;
  }

  /** Logits [rows × k] at byte offset `at` into lossZ, feature-major (logit j of row r at j·rows + r). */
  private readLogits(at: number, rows: number): void {
    const k = this.outputs;
    const from = at >> 2;
    for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) this.lossZ[j * rows + r] = this.f32[from + r * k + j];
  }

  /** Mean loss and accuracy over a table (eval mode), in blocks; with `predicted`, the predictions and P(class 1). */
  private evaluateTable(t: Table, details: boolean): { loss: number; accuracy: number; predicted: Int32Array; pClass1: number[] } {
    const k = this.outputs;
    let lossSum = 0;
    let right = 0;
    const predicted = new Int32Array(details ? t.n : 0);
    const pClass1: number[] = [];
    for (let start = 0; start < t.n; start += EVAL_BLOCK) {
      const rows = Math.min(EVAL_BLOCK, t.n - start);
      this.readLogits(this.net.forward(t.x, t.d, start, rows), rows);
      const labels = t.y.subarray(start, start + rows);
      const loss = batchLoss(this.spec.loss, this.lossZ, labels, rows, k, rows);
      // One block (the usual case) is the loss itself; more are weighted by their rows.
      lossSum += t.n <= EVAL_BLOCK ? loss : loss * rows;
      right += countCorrect(this.lossZ, labels, rows, k, rows);
      if (!details) continue;
      const z = this.lossZ;
      for (let r = 0; r < rows; r++) predicted[start + r] = predictedAt(z, r, k, rows);
      if (this.grid.classes === 2) {
        for (let r = 0; r < rows; r++) pClass1.push(Math.fround(k === 1 ? sigmoid(z[r]) : 1 / (1 + Math.exp(z[r] - z[rows + r]))));
      }
    }
    const loss = t.n <= EVAL_BLOCK ? lossSum : lossSum / t.n;
    return { loss: Math.fround(loss), accuracy: Math.fround(right / t.n), predicted, pClass1 };
  }

  /** Per hidden layer, how many units were alive this epoch (as plain.ts's UnitActivity). */
  private alive(): number[] {
    return this.hiddenWidths.map((w, l) => {
      const hi = this.hi[l] >> 2;
      const lo = this.lo[l] >> 2;
      let count = 0;
      for (let u = 0; u < w; u++) if (this.reluLike ? this.f32[hi + u] > 0 : this.f32[hi + u] - this.f32[lo + u] > 0) count++;
      return count;
    });
  }

  snapshot(epoch: number): BoundarySnapshot {
    return this.grid_().snapshot(epoch, this.parameters());
  }

  snapshotLater(epoch: number): Promise<BoundarySnapshot> | undefined {
    if (!this.remote) return undefined;
    const params = this.parameters();
    // Should the other thread fail, the same snapshot is computed here, from the same copy.
    return this.remote.snapshot(epoch, params).catch(() => this.grid_().snapshot(epoch, params));
  }

  /** A copy of all weights and biases (each layer's W then b). */
  private parameters(): Float32Array {
    return this.f32.slice(this.theta >> 2, (this.theta >> 2) + this.params);
  }

  private grid_(): WideGrid {
    return (this.localGrid ??= new WideGrid(this.kernel, this.gridJob));
  }

  keepBest(): void {
    this.best = this.parameters();
  }

  restoreBest(): void {
    if (this.best) this.f32.set(this.best, this.theta >> 2);
  }

  finish(record: RunRecord): void {
    finishRecord(record, this.spec, this.data, this.grid, (t) => this.evaluate(t), () => this.grid_().neuronMaps(this.parameters()));
  }

  private evaluate(t: Table): SplitEvaluation {
    const { loss, predicted, pClass1 } = this.evaluateTable(t, true);
    return { loss, predicted, pClass1 };
  }

  readWeights(): LayerWeights[] {
    return this.layers.map((l) => ({
      W: this.f32.slice(l.W >> 2, (l.W >> 2) + l.inDim * l.outDim),
      b: this.f32.slice(l.b >> 2, (l.b >> 2) + l.outDim),
      inDim: l.inDim,
      outDim: l.outDim,
    }));
  }

  private setWeights(ws: LayerWeights[]): void {
    ws.forEach((w, i) => {
      this.f32.set(w.W, this.layers[i].W >> 2);
      this.f32.set(w.b, this.layers[i].b >> 2);
    });
  }

  /** Threads this run's products are split over. */
  get threads(): number {
    return this.products.threads;
  }

  dispose(): void {
    this.remote?.close();
    this.products.close();
    this.localGrid = undefined;
    this.best = undefined;
  }
}
