// The training loop. One run = one MLP trained on one PreparedData, recorded into a RunRecord.
//
// Per epoch, like the lessons' PyTorch loops:
//   for each batch: forward (training mode: dropout on) → loss → backward → optimizer step
//   then the validation split in eval mode (no dropout), after the epoch's updates.
// trainLoss/trainAcc are over the epoch's batches as they were seen (sample-weighted mean of the
// batch losses, before each batch's update), so with full batch they are the loss PyTorch's
// `loss.item()` prints. `alive` counts hidden units that fired on at least one training sample
// during the epoch. Everything an epoch reports is read back in one dataSync.
import * as tf from '@tensorflow/tfjs-core';
import type { PreparedData, Table } from '../data/types';
import type { RunSpec } from '../experiment/schema';
import { LogitLabError } from '../errors';
import { seedStreams, type Rng } from '../rng';
import { ensureBackend } from './backend';
import { gridInputs, gridSpec, slicePoints } from './grid';
import { activationOf } from '../nn/activations';
import { metricOf } from '../nn/metrics';
import { penaltyOf } from '../nn/penalties';
import { startSchedule } from '../nn/schedules';
import { lossValue, predictedClass, probabilities, targetTensor } from './losses';
import { outputsFor } from '../experiment/outputs';
import { inputFeatureErrors, lossErrors, monitorErrors } from '../experiment/check';
import { crossInputs, type InputFeature } from '../nn/features';
import { initialWeights, layerSizes, Mlp, type ForwardResult, type LayerWeights } from './model';
import { makeOptimizer, type Optimizer } from './optimizers';
import { PlainSession, usePlainKernel } from './plain';
import { roundProbability } from './plain-grid';
import { WideSession } from './wide';
import { loadWideKernel } from './wide-kernel';
import { distinctPatterns, finishRecord, MAX_NEURON_MAPS, round4, type EpochMetrics, type SnapshotOffload, type SplitEvaluation, type TrainingSession } from './session';
import type { BackendName, BoundarySnapshot, EpochRecord, GridSpec, KernelName, RunRecord, StopReason } from './types';
import type { RunEvent } from '../../protocol';
import { applyRunEvent, headerOf } from '../run/apply';

export interface TrainOptions {
  id: string;
  group: string;
  kind: 'model' | 'baseline';
  backend?: BackendName;
  signal?: AbortSignal;
  /** Start from these weights instead of the seeded init (parity tests inject PyTorch's). */
  initialWeights?: LayerWeights[];
  /**
   * The run's events as they happen: runStart, then epochs and snapshots (src/protocol.ts). The
   * runner ends the stream with runEnd once the model is saved.
   */
  onEvent?(event: RunEvent): void;
  /**
   * Which implementation trains: 'js' the plain typed-array loops (plain.ts), 'tfjs' the backend's
   * kernels, 'auto' (default) 'js' when the model is small enough for it to be faster.
   */
  kernel?: KernelName | 'auto';
  /** Epochs between awaits of a macrotask, so aborts and worker messages get through (default 5). */
  yieldEvery?: number;
  /**
   * Compute the plain kernel's boundary snapshots there (another thread) while this thread trains
   * on: their cost leaves the training time. They are recorded and reported in epoch order as
   * they arrive, and the run ends once all have.
   */
  offloadSnapshots?: SnapshotOffload;
}

export interface TrainResult {
  record: RunRecord;
  /** Final weights, or the best ones when early stopping restored them. */
  weights: LayerWeights[];
}

/** Grid cells per forward pass of a tfjs snapshot (bounds the activations held at once). */
const GRID_BLOCK = 2500;

/**
 * The kernel a run uses: the plain loops beat tfjs's per-kernel overhead on small models; wider
 * ones train on the wide kernel's SIMD products, which beat tfjs-wasm's (wide-kernel.ts) — unless
 * the backend is tfjs-node, whose multi-threaded native products are left to do the work (not
 * measurable here: it cannot install), or the wide kernel cannot load.
 */
export function chooseKernel(spec: RunSpec, data: PreparedData, sizes: number[], wanted: KernelName | 'auto' = 'auto', backend?: BackendName): KernelName {
  // The wide kernel has no BatchNorm: its models train on TF.js.
  if (wanted === 'wide') return loadWideKernel() && !spec.model.batchNorm ? 'wide' : 'tfjs';
  if (wanted !== 'auto') return wanted;
  const size = spec.training.batchSize;
  const rows = size === 'full' ? data.train.n : Math.min(size, data.train.n);
  if (usePlainKernel(sizes, rows)) return 'js';
  return backend !== 'tensorflow' && !spec.model.batchNorm && loadWideKernel() ? 'wide' : 'tfjs';
}

export async function trainRun(spec: RunSpec, given: PreparedData, opts: TrainOptions): Promise<TrainResult> {
  const backend = await ensureBackend(opts.backend);
  const t0 = performance.now();
  const classes = given.classNames.length;
  const outputs = outputsFor(spec, classes);
  checkSetup(spec, given, outputs, classes);
  // What the kernels train on: the data's own columns, or the input features the model asked for.
  const data = spec.model.inputs ? withInputFeatures(given, spec.model.inputs) : given;

  const sizes = layerSizes(data.train.d, spec.model, outputs);
  const streams = seedStreams(spec.seed);
  const weights = opts.initialWeights ?? initialWeights(sizes, spec.model.init, streams.init, spec.model.torchSeed);
  const grid = gridSpec(given, spec.record, classes);
  const kernel = chooseKernel(spec, data, sizes, opts.kernel, backend);
  const session: TrainingSession = kernel === 'js'
    ? new PlainSession(spec, data, sizes, weights, grid, streams.shuffle, streams.dropout, opts.offloadSnapshots)
    : kernel === 'wide'
      ? new WideSession(spec, data, sizes, weights, grid, streams.shuffle, streams.dropout, loadWideKernel()!, opts.offloadSnapshots)
      : new Session(spec, data, sizes, weights, grid, streams.shuffle, streams.dropout, !!spec.training.earlyStopping?.restoreBest);

  const record: RunRecord = {
    version: 1, id: opts.id, name: spec.name, group: opts.group, kind: opts.kind, config: spec,
    params: session.params, backend, kernel, startedAt: new Date().toISOString(), status: 'running',
    history: [], grid, snapshots: [], featureNames: given.featureNames, classNames: data.classNames,
    // The points (and the units of their axes) are known before the first epoch: the panel draws
    // them from the start, in the data's own units.
    points: { train: slicePoints(given.train, grid), val: slicePoints(given.val, grid) }, preprocessing: data.preprocessing,
    timings: { totalMs: 0, msPerEpoch: 0, snapshotMs: 0 },
  };
  const tracker = new RunTracker(spec, opts, record, session, t0);
  const schedule = spec.optimizer.schedule && startSchedule(spec.optimizer.schedule, spec.optimizer.lr, spec.training.epochs);
  let lr = spec.optimizer.lr;
  const yieldEvery = Math.max(1, opts.yieldEvery ?? 5);
  try {
    tracker.start();
    for (let epoch = 1; epoch <= spec.training.epochs; epoch++) {
      if (tracker.cancelled()) break;
      const e0 = performance.now();
      const m = session.epoch();
      if (schedule) m.lr = lr;
      if (tracker.afterEpoch(epoch, m, performance.now() - e0) !== 'continue') break;
      if (schedule) session.setLearningRate((lr = schedule.next(m)));
      if (epoch % yieldEvery === 0) {
        await nextMacrotask();
      }
    }
    // An offloaded last snapshot is computed while complete() writes the final report.
    const record = tracker.complete(session);
    await tracker.snapshotsRecorded();
    return { record, weights: session.readWeights() };
  } finally {
    tracker.detach();
    session.dispose();
  }
}

/**
 * One run's bookkeeping around its epochs — history, events, snapshots, divergence, early
 * stopping, cancellation and the end of the run. Its record is built from the events it emits,
 * with the same applyRunEvent as every other reader of the run.
 */
export class RunTracker {
  private best: { value: number; epoch: number } | undefined;
  private stopReason: StopReason = 'completed';
  private epochMs = 0;
  /** Offloaded snapshots, kept in epoch order: each is recorded after the one before it. */
  private snapshotQueue: Promise<void> = Promise.resolve();
  private snapshotError: unknown;
  private lastSnapshotEpoch = -1;
  private detached = false;
  /** First epoch whose boundary holds a value that is not a number: the outputs overflowed. */
  private nonFiniteAt: number | undefined;
  record: RunRecord;

  constructor(
    private readonly spec: RunSpec,
    private readonly opts: TrainOptions,
    start: RunRecord,
    private readonly session: Pick<TrainingSession, 'snapshot' | 'snapshotLater' | 'keepBest'>,
    private readonly t0 = performance.now(),
  ) {
    this.record = start;
  }

  private emit(event: RunEvent): void {
    this.record = applyRunEvent(this.record, event)!;
    this.opts.onEvent?.(event);
  }

  start(): void {
    this.emit({ type: 'runStart', run: headerOf(this.record) });
  }

  /** True (and the run is marked cancelled) once the run's signal has been aborted. */
  cancelled(): boolean {
    if (!this.opts.signal?.aborted) return false;
    this.stopReason = 'cancelled';
    return true;
  }

  /** Takes the snapshot here, or hands it off; `timings.snapshotMs` is what this thread spent. */
  private takeSnapshot(epoch: number): void {
    const s0 = performance.now();
    this.lastSnapshotEpoch = epoch;
    const later = this.session.snapshotLater?.(epoch);
    if (later) {
      // Its failure is handled in the queue, which may reach it only later.
      later.catch(() => {});
      this.snapshotQueue = this.snapshotQueue
        .then(() => later)
        .then((snapshot) => this.keepSnapshot(snapshot))
        .catch((err: unknown) => void (this.snapshotError ??= err));
    } else {
      this.keepSnapshot(this.session.snapshot(epoch));
    }
    this.record.timings.snapshotMs += performance.now() - s0;
  }

  private keepSnapshot(snapshot: BoundarySnapshot): void {
    // A run that failed has reported its end: late snapshots are not news.
    if (this.detached) return;
    // Its probabilities come rounded to what the store keeps (0.1%, roundProbability).
    if (this.nonFiniteAt === undefined && !allFinite(snapshot.probs)) this.nonFiniteAt = snapshot.epoch;
    this.emit({ type: 'snapshot', runId: this.record.id, snapshot });
  }

  /** Every offloaded snapshot recorded, after complete(): only then is the run over. */
  async snapshotsRecorded(): Promise<void> {
    await this.snapshotQueue;
    if (this.snapshotError) throw this.snapshotError;
    this.markNonFiniteBoundary();
    this.record.timings.totalMs = performance.now() - this.t0;
  }

  /**
   * A model whose outputs overflow to NaN on part of the grid has diverged there, even while its
   * training loss stays finite (Adam at lr 30 on moons): the run says so, from that epoch.
   */
  private markNonFiniteBoundary(): void {
    const at = this.nonFiniteAt;
    if (at === undefined || this.record.stopReason === 'diverged' || this.record.stopReason === 'cancelled') return;
    const lr = this.spec.optimizer.lr;
    this.record.status = this.record.stopReason = 'diverged';
    this.record.divergedAt = at;
    this.record.message = `diverged at epoch ${at} (lr ${lr} may be too high): the model's outputs are not numbers on part of the boundary grid — try optimizer.lr ${lr / 10}`;
  }

  /** The run is over (finished or failed): snapshots still on their way are dropped. */
  detach(): void {
    this.detached = true;
  }

  /** Record an epoch's metrics; 'continue', or why the run stops here. */
  afterEpoch(epoch: number, m: EpochMetrics, ms: number): 'continue' | StopReason {
    const { spec, record } = this;
    // Microseconds are all a timing says; the digits below would cost every stored epoch 14 bytes.
    const e: EpochRecord = { epoch, ...m, ms: Math.round(ms * 1000) / 1000 };
    this.epochMs += ms;
    // A loss that is not a number is recorded as it is: the curve shows where it broke.
    this.emit({ type: 'epoch', runId: record.id, epoch: e });
    if (!Number.isFinite(m.trainLoss) || (m.valLoss !== null && !Number.isFinite(m.valLoss))) {
      const lr = spec.optimizer.lr;
      this.record.message = `diverged at epoch ${epoch} (lr ${lr} may be too high): the loss became ${m.trainLoss} — try optimizer.lr ${lr / 10}`;
      this.record.divergedAt = epoch;
      return (this.stopReason = 'diverged');
    }
    if (epoch % spec.record.every === 0) this.takeSnapshot(epoch);

    const stopping = spec.training.earlyStopping;
    if (stopping) {
      const metric = metricOf(stopping.monitor);
      const value = metric.of(m);
      const higherIsBetter = metric.higherIsBetter;
      const best = this.best;
      const improved = !best || (higherIsBetter ? value > best.value + stopping.minDelta : value < best.value - stopping.minDelta);
      if (improved) {
        this.best = { value, epoch };
        if (stopping.restoreBest) this.session.keepBest();
      } else if (epoch - best!.epoch >= stopping.patience) {
        return (this.stopReason = 'early-stopped');
      }
    }
    return 'continue';
  }

  /** Final snapshot, best weights back, final report: the finished record. */
  complete(end: Pick<TrainingSession, 'restoreBest' | 'finish'>): RunRecord {
    const { record, stopReason, best } = this;
    const lastEpoch = record.history.at(-1)?.epoch ?? 0;
    if (stopReason !== 'diverged' && this.lastSnapshotEpoch !== lastEpoch) this.takeSnapshot(lastEpoch);
    if (best) {
      record.bestEpoch = best.epoch;
      // Restored whenever the run had a better epoch than its last one, stopped early or not.
      if (this.spec.training.earlyStopping?.restoreBest && best.epoch !== lastEpoch) end.restoreBest();
    }
    // A diverged model's weights are NaN: its history and message are the result.
    if (stopReason !== 'diverged') end.finish(record);
    record.status = stopReason;
    record.stopReason = stopReason;
    record.timings.totalMs = performance.now() - this.t0;
    record.timings.msPerEpoch = record.history.length ? this.epochMs / record.history.length : 0;
    return record;
  }
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** The data with each table's 2-D points replaced by the model's input features; the grid stays over the points. */
function withInputFeatures(data: PreparedData, inputs: InputFeature[]): PreparedData {
  const cross = (t: Table): Table => ({ ...t, x: crossInputs(t.x, t.n, inputs), d: inputs.length });
  return { ...data, train: cross(data.train), val: cross(data.val), ...(data.test ? { test: cross(data.test) } : {}), modelInputs: inputs };
}

export function checkSetup(spec: RunSpec, data: PreparedData, outputs: number, classes: number): void {
  // The file checker's own findings on the loss, outputs and classes: one answer everywhere.
  const [lossError] = lossErrors(spec, { classes, classNames: data.classNames });
  if (lossError) throw lossError;
  if (outputs !== 1 && outputs !== classes) {
    throw new LogitLabError(`the model has ${outputs} outputs but the data has ${classes} classes`, {
      jsonPath: ['model', 'outputs'],
      hint: `remove model.outputs or set it to ${classes}`,
    });
  }
  const [monitorError] = monitorErrors(spec, data.val.n > 0);
  if (monitorError) throw monitorError;
  const [inputsError] = inputFeatureErrors(spec, data.train.d);
  if (inputsError) throw inputsError;
  const batch = spec.training.batchSize === 'full' ? data.train.n : Math.min(spec.training.batchSize, data.train.n);
  if (spec.model.batchNorm && spec.model.hidden.length > 0 && (batch === 1 || data.train.n % batch === 1)) {
    throw new LogitLabError(`BatchNorm needs at least 2 rows per batch, but ${batch === 1 ? 'every batch has' : `the last batch of each epoch (${data.train.n} rows in batches of ${batch}) has`} 1`, {
      jsonPath: ['training', 'batchSize'],
      hint: 'pick a batchSize that leaves at least 2 rows in the last batch, as PyTorch\'s BatchNorm1d refuses a batch of one',
    });
  }
  if (data.train.n === 0) {
    throw new LogitLabError('the training split is empty', { jsonPath: ['data'], hint: 'use more samples or smaller validation/test fractions' });
  }
}

/** Everything a run holds on the backend, and the operations on it. */
class Session implements TrainingSession {
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

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
