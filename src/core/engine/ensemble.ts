// Seed studies and sweeps train many small nets of one shape on one dataset. Trained one after
// another, each pays the loop overhead of its tiny layers (a 2-4-4-2 net's inner loops run 2–4
// times). Trained together, every array holds all members side by side — W[k][j][member] — so
// the innermost loop runs over the members: one pass per layer for all of them, each member with
// its own weights, data order, dropout draws and optimizer state. Nothing mixes members: each
// follows exactly the arithmetic of plain.ts, and a member that stops (early stopping,
// divergence) is recorded then and ignored afterwards.
import type { PreparedData } from '../data/types';
import type { RunSpec } from '../experiment/schema';
import { outputsFor } from '../experiment/outputs';
import { seedStreams, type Rng } from '../rng';
import { ensureBackend } from './backend';
import { gridSpec, slicePoints } from './grid';
import { initialWeights, layerSizes, type LayerWeights } from './model';
import { activate, adam, derivatives, lossOf, PlainSession, sgd } from './plain';
import { checkSetup, chooseKernel, RunTracker, trainRun, type TrainOptions, type TrainResult } from './train';
import type { RunRecord } from './types';

/**
 * Train runs that differ only in their seed together when they can be (same shape and data,
 * plain kernel), else one by one. Results and callbacks are per run, in the order given.
 */
export async function trainEnsemble(specs: RunSpec[], data: PreparedData, opts: TrainOptions[]): Promise<TrainResult[]> {
  if (!canTrainTogether(specs, data, opts)) {
    const results: TrainResult[] = [];
    for (const [i, s] of specs.entries()) results.push(await trainRun(s, data, opts[i]));
    return results;
  }
  const backend = await ensureBackend(opts[0].backend);
  const spec = specs[0];
  const classes = data.classNames.length;
  const outputs = outputsFor(spec, classes);
  checkSetup(spec, data, outputs, classes);
  const sizes = layerSizes(data.train.d, spec.model, outputs);
  const grid = gridSpec(data, spec.record, classes);
  const streams = specs.map((s) => seedStreams(s.seed));
  const weights = specs.map((s, i) => opts[i].initialWeights ?? initialWeights(sizes, s.model.init, streams[i].init));
  const ensemble = new EnsembleMlp(spec, data, sizes, weights, streams.map((s) => s.shuffle), streams.map((s) => s.dropout));
  // One plain session per member for what is not per-epoch training: snapshots, the final report.
  const viewers = specs.map((s, i) => new PlainSession(s, data, sizes, weights[i], grid, streams[i].shuffle, streams[i].dropout));
  const trackers = specs.map((s, i) => new RunTracker(s, opts[i], {
    version: 1, id: opts[i].id, name: s.name, group: opts[i].group, kind: opts[i].kind, config: s,
    params: viewers[i].params, backend, kernel: 'js', startedAt: new Date().toISOString(), status: 'running',
    history: [], grid, snapshots: [], featureNames: data.featureNames, classNames: data.classNames,
    // As trainRun: the points and their units are known from the start (the panel draws them live).
    points: { train: slicePoints(data.train, grid), val: slicePoints(data.val, grid) }, preprocessing: data.preprocessing,
    timings: { totalMs: 0, msPerEpoch: 0, snapshotMs: 0 },
  }, {
    snapshot: (epoch) => {
      viewers[i].model.setWeights(ensemble.member(i));
      return viewers[i].snapshot(epoch);
    },
    keepBest: () => { best[i] = ensemble.member(i); },
  }));
  const best: (LayerWeights[] | undefined)[] = specs.map(() => undefined);
  const results: (TrainResult | undefined)[] = specs.map(() => undefined);
  const finish = (i: number) => {
    if (results[i]) return;
    const viewer = viewers[i];
    viewer.model.setWeights(ensemble.member(i));
    const record = trackers[i].complete({
      restoreBest: () => { if (best[i]) viewer.model.setWeights(best[i]!); },
      finish: (r: RunRecord) => viewer.finish(r),
    });
    results[i] = { record, weights: viewer.readWeights() };
    ensemble.active[i] = false;
  };

  const yieldEvery = Math.max(1, opts[0].yieldEvery ?? 5);
  for (const t of trackers) t.start();
  for (let epoch = 1; epoch <= spec.training.epochs; epoch++) {
    trackers.forEach((t, i) => { if (ensemble.active[i] && t.cancelled()) finish(i); });
    if (!ensemble.active.some((a) => a)) break;
    const e0 = performance.now();
    const metrics = ensemble.epoch();
    const ms = (performance.now() - e0) / ensemble.active.filter((a) => a).length;
    metrics.forEach((m, i) => {
      if (!ensemble.active[i]) return;
      if (trackers[i].afterEpoch(epoch, m, ms) !== 'continue') finish(i);
    });
    if (epoch % yieldEvery === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  specs.forEach((_, i) => finish(i));
  return results as TrainResult[];
}

/** Same shape, same training, different seeds only; small enough for the plain kernel. */
export function canTrainTogether(specs: RunSpec[], data: PreparedData, opts: TrainOptions[]): boolean {
  if (specs.length < 2 || opts.some((o) => o.kernel === 'tfjs')) return false;
  const key = (s: RunSpec) => JSON.stringify({ ...s, seed: 0, name: '' });
  if (specs.some((s) => key(s) !== key(specs[0]))) return false;
  const s = specs[0];
  const sizes = layerSizes(data.train.d, s.model, outputsFor(s, data.classNames.length));
  return chooseKernel(s, data, sizes, opts[0].kernel) === 'js';
}

/** All members' parameters, activations and optimizer state, members innermost. */
class EnsembleMlp {
  readonly active: boolean[];
  private readonly M: number;
  private readonly L: number;
  private readonly W: Float32Array[];
  private readonly b: Float32Array[];
  private readonly gW: Float64Array[];
  private readonly gb: Float64Array[];
  private readonly mW: Float32Array[];
  private readonly mb: Float32Array[];
  private readonly vW: Float32Array[];
  private readonly vb: Float32Array[];
  private readonly batchSize: number;
  /** Per layer: input (after dropout), pre-activation, post-activation, derivative, dropout mask. */
  private readonly inputs: Float64Array[];
  private readonly pre: Float64Array[];
  private readonly post: Float64Array[];
  private readonly deriv: Float64Array[];
  private readonly masks: Float64Array[];
  private readonly dh: Float64Array[];
  private readonly orders: Int32Array[];
  private readonly labels: Int32Array[];
  private readonly zRow: Float64Array;
  private readonly gRow: Float64Array;
  private step = 0;

  constructor(
    private readonly spec: RunSpec,
    private readonly data: PreparedData,
    private readonly sizes: number[],
    weights: LayerWeights[][],
    private readonly shuffleRngs: Rng[],
    private readonly dropoutRngs: Rng[],
  ) {
    const M = (this.M = weights.length);
    this.L = sizes.length - 1;
    this.active = weights.map(() => true);
    const per = (l: number) => sizes[l] * sizes[l + 1] * M;
    const layers = [...Array(this.L).keys()];
    this.W = layers.map((l) => new Float32Array(per(l)));
    this.b = layers.map((l) => new Float32Array(sizes[l + 1] * M));
    weights.forEach((ws, m) => ws.forEach((w, l) => {
      for (let i = 0; i < w.W.length; i++) this.W[l][i * M + m] = w.W[i];
      for (let i = 0; i < w.b.length; i++) this.b[l][i * M + m] = w.b[i];
    }));
    this.gW = layers.map((l) => new Float64Array(per(l)));
    this.gb = layers.map((l) => new Float64Array(sizes[l + 1] * M));
    this.mW = layers.map((l) => new Float32Array(per(l)));
    this.mb = layers.map((l) => new Float32Array(sizes[l + 1] * M));
    this.vW = layers.map((l) => new Float32Array(per(l)));
    this.vb = layers.map((l) => new Float32Array(sizes[l + 1] * M));
    const n = data.train.n;
    const size = spec.training.batchSize;
    this.batchSize = size === 'full' || size >= n ? n : size;
    const rows = Math.max(this.batchSize, data.val.n);
    this.inputs = layers.map((l) => new Float64Array(rows * sizes[l] * M));
    this.pre = layers.map((l) => new Float64Array(rows * sizes[l + 1] * M));
    this.post = layers.map((l) => new Float64Array(rows * sizes[l + 1] * M));
    this.deriv = layers.map((l) => new Float64Array(rows * sizes[l + 1] * M));
    this.masks = layers.map((l) => new Float64Array(spec.model.dropout > 0 ? rows * sizes[l + 1] * M : 0));
    this.dh = layers.map((l) => new Float64Array(rows * sizes[l] * M));
    this.orders = weights.map(() => new Int32Array(n));
    this.labels = weights.map(() => new Int32Array(rows));
    this.zRow = new Float64Array(rows * sizes[this.L]);
    this.gRow = new Float64Array(rows * sizes[this.L]);
  }

  /** Member m's current parameters. */
  member(m: number): LayerWeights[] {
    const { M, sizes } = this;
    return this.W.map((W, l) => {
      const w = new Float32Array(sizes[l] * sizes[l + 1]);
      const b = new Float32Array(sizes[l + 1]);
      for (let i = 0; i < w.length; i++) w[i] = W[i * M + m];
      for (let i = 0; i < b.length; i++) b[i] = this.b[l][i * M + m];
      return { W: w, b, inDim: sizes[l], outDim: sizes[l + 1] };
    });
  }

  private forward(rows: number, training: boolean): void {
    const { M, L, sizes } = this;
    const activation = this.spec.model.activation;
    const p = this.spec.model.dropout;
    for (let l = 0; l < L; l++) {
      const inDim = sizes[l];
      const outDim = sizes[l + 1];
      const h = this.inputs[l];
      const z = this.pre[l];
      const W = this.W[l];
      const b = this.b[l];
      for (let r = 0; r < rows; r++) {
        const zo = r * outDim * M;
        for (let i = 0; i < outDim * M; i++) z[zo + i] = b[i];
        for (let k = 0; k < inDim; k++) {
          const ho = (r * inDim + k) * M;
          for (let j = 0; j < outDim; j++) {
            const wo = (k * outDim + j) * M;
            const o = zo + j * M;
            for (let m = 0; m < M; m++) z[o + m] += h[ho + m] * W[wo + m];
          }
        }
      }
      if (l === L - 1) break;
      const count = rows * outDim * M;
      const a = this.post[l];
      activate(activation, z, a, count);
      if (training) derivatives(activation, z, a, this.deriv[l], count);
      const next = this.inputs[l + 1];
      if (training && p > 0) {
        // Each member draws its masks in the single-run order: row by row, unit by unit.
        const mask = this.masks[l];
        const keep = 1 / (1 - p);
        for (let m = 0; m < M; m++) {
          const rng = this.dropoutRngs[m];
          for (let i = 0; i < rows * outDim; i++) mask[i * M + m] = rng.next() < p ? 0 : keep;
        }
        for (let i = 0; i < count; i++) next[i] = a[i] * mask[i];
      } else {
        next.set(a.subarray(0, count));
      }
    }
  }

  private backward(rows: number, dLogits: Float64Array): void {
    const { M, sizes } = this;
    let dz = dLogits;
    for (let l = this.L - 1; l >= 0; l--) {
      const inDim = sizes[l];
      const outDim = sizes[l + 1];
      const h = this.inputs[l];
      const W = this.W[l];
      const gW = this.gW[l];
      const gb = this.gb[l];
      gW.fill(0);
      gb.fill(0);
      for (let r = 0; r < rows; r++) {
        const zo = r * outDim * M;
        for (let i = 0; i < outDim * M; i++) gb[i] += dz[zo + i];
        for (let k = 0; k < inDim; k++) {
          const ho = (r * inDim + k) * M;
          for (let j = 0; j < outDim; j++) {
            const wo = (k * outDim + j) * M;
            const o = zo + j * M;
            for (let m = 0; m < M; m++) gW[wo + m] += h[ho + m] * dz[o + m];
          }
        }
      }
      if (l === 0) break;
      const dh = this.dh[l];
      const deriv = this.deriv[l - 1];
      dh.fill(0, 0, rows * inDim * M);
      for (let r = 0; r < rows; r++) {
        const zo = r * outDim * M;
        for (let k = 0; k < inDim; k++) {
          const ho = (r * inDim + k) * M;
          for (let j = 0; j < outDim; j++) {
            const wo = (k * outDim + j) * M;
            const o = zo + j * M;
            for (let m = 0; m < M; m++) dh[ho + m] += dz[o + m] * W[wo + m];
          }
        }
      }
      const count = rows * inDim * M;
      if (this.spec.model.dropout > 0) {
        const mask = this.masks[l - 1];
        for (let i = 0; i < count; i++) dh[i] = dh[i] * deriv[i] * mask[i];
      } else {
        for (let i = 0; i < count; i++) dh[i] *= deriv[i];
      }
      dz = dh;
    }
  }

  private update(): void {
    const o = this.spec.optimizer;
    this.step += 1;
    for (let l = 0; l < this.L; l++) {
      if (o.kind === 'sgd') {
        sgd(this.W[l], this.gW[l], o.momentum > 0 ? this.mW[l] : undefined, o);
        sgd(this.b[l], this.gb[l], o.momentum > 0 ? this.mb[l] : undefined, o);
      } else {
        adam(this.W[l], this.gW[l], this.mW[l], this.vW[l], o, this.step);
        adam(this.b[l], this.gb[l], this.mb[l], this.vb[l], o, this.step);
      }
    }
  }

  /**
   * Loss, correct count and dLoss/dlogits of member m over `rows` rows: its logits are gathered
   * into a plain [rows][k] block so it is the very same lossOf as a single run.
   */
  private memberLoss(m: number, rows: number, labels: ArrayLike<number>, dLogits?: Float64Array): { loss: number; correct: number } {
    const { M } = this;
    const k = this.sizes[this.L];
    const z = this.pre[this.L - 1];
    const zRow = this.zRow;
    for (let i = 0; i < rows * k; i++) zRow[i] = z[i * M + m];
    const loss = lossOf(this.spec.loss, zRow, labels, rows, k, dLogits ? this.gRow : undefined);
    if (dLogits) for (let i = 0; i < rows * k; i++) dLogits[i * M + m] = this.gRow[i];
    let correct = 0;
    for (let r = 0; r < rows; r++) {
      let c: number;
      if (k === 1) c = zRow[r] > 0 ? 1 : 0;
      else {
        c = 0;
        for (let j = 1; j < k; j++) if (zRow[r * k + j] > zRow[r * k + c]) c = j;
      }
      if (c === labels[r]) correct++;
    }
    return { loss, correct };
  }

  private dLogits: Float64Array | undefined;

  epoch(): ReturnType<PlainSession['epoch']>[] {
    const { M, data, sizes } = this;
    const n = data.train.n;
    const d = data.train.d;
    const x = data.train.x;
    const y = data.train.y;
    const hidden = sizes.slice(1, -1);
    const reluLike = this.spec.model.activation === 'relu' || this.spec.model.activation === 'leaky-relu';
    const max = hidden.map((w) => new Float64Array(w * M).fill(-Infinity));
    const min = hidden.map((w) => new Float64Array(w * M).fill(Infinity));
    const fullBatch = this.batchSize >= n;
    if (!fullBatch) {
      this.orders.forEach((order, m) => {
        for (let i = 0; i < n; i++) order[i] = i;
        if (this.spec.training.shuffle) this.shuffleRngs[m].shuffle(order);
      });
    }
    const k = sizes[this.L];
    const dLogits = (this.dLogits ??= new Float64Array(this.batchSize * k * M));
    const lossSum = new Float64Array(M);
    const correct = new Float64Array(M);
    for (let start = 0; start < n; start += this.batchSize) {
      const rows = Math.min(this.batchSize, n - start);
      const input = this.inputs[0];
      for (let m = 0; m < M; m++) {
        const order = this.orders[m];
        for (let r = 0; r < rows; r++) {
          const row = fullBatch ? r : order[start + r];
          for (let j = 0; j < d; j++) input[(r * d + j) * M + m] = x[row * d + j];
          this.labels[m][r] = y[row];
        }
      }
      this.forward(rows, true);
      for (let m = 0; m < M; m++) {
        const e = this.memberLoss(m, rows, this.labels[m], dLogits);
        lossSum[m] += Math.fround(e.loss) * rows;
        correct[m] += e.correct;
      }
      hidden.forEach((w, l) => {
        const a = this.post[l];
        const mx = max[l];
        const mn = min[l];
        for (let r = 0; r < rows; r++) {
          const o = r * w * M;
          for (let i = 0; i < w * M; i++) {
            const v = a[o + i];
            if (v > mx[i]) mx[i] = v;
            if (v < mn[i]) mn[i] = v;
          }
        }
      });
      this.backward(rows, dLogits);
      this.update();
    }
    const val = data.val.n > 0 ? this.evaluateVal() : undefined;
    return [...Array(M).keys()].map((m) => ({
      trainLoss: Math.fround(lossSum[m] / n),
      trainAcc: Math.fround(correct[m] / n),
      valLoss: val ? val[m].loss : null,
      valAcc: val ? val[m].acc : null,
      alive: hidden.map((w, l) => {
        let count = 0;
        for (let u = 0; u < w; u++) {
          const i = u * M + m;
          if (reluLike ? max[l][i] > 0 : max[l][i] - min[l][i] > 0) count++;
        }
        return count;
      }),
    }));
  }

  private evaluateVal(): { loss: number; acc: number }[] {
    const { M } = this;
    const t = this.data.val;
    const input = this.inputs[0];
    for (let i = 0; i < t.n * t.d; i++) for (let m = 0; m < M; m++) input[i * M + m] = t.x[i];
    this.forward(t.n, false);
    return [...Array(M).keys()].map((m) => {
      const e = this.memberLoss(m, t.n, t.y);
      return { loss: Math.fround(e.loss), acc: Math.fround(e.correct / t.n) };
    });
  }
}

