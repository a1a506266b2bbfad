// The training loop. One run = one MLP trained on one PreparedData, recorded into a RunRecord:
// checks, the kernel chosen for the model, then per epoch one kernel epoch (a session), the
// tracker's bookkeeping and the learning-rate schedule's step.
//
// Per epoch, like the lessons' PyTorch loops:
//   for each batch: forward (training mode: dropout on) → loss → backward → optimizer step
//   then the validation split in eval mode (no dropout), after the epoch's updates.
// trainLoss/trainAcc are over the epoch's batches as they were seen (sample-weighted mean of the
// batch losses, before each batch's update), so with full batch they are the loss PyTorch's
// `loss.item()` prints. `alive` counts hidden units that fired on at least one training sample
// during the epoch.
import type { PreparedData, Table } from '../data/types';
import type { RunSpec } from '../experiment/schema';
import { LogitLabError } from '../errors';
import { seedStreams } from '../rng';
import { ensureBackend } from './backend';
import { gridSpec, slicePoints } from './grid';
import { startSchedule } from '../nn/schedules';
import { outputsFor } from '../experiment/outputs';
import { inputFeatureErrors, lossErrors, monitorErrors } from '../experiment/check';
import { crossInputs, type InputFeature } from '../nn/features';
import { initialWeights, layerSizes, type LayerWeights } from './model';
import { PlainSession, usePlainKernel } from './plain';
import { WideSession } from './wide';
import { loadWideKernel } from './wide-kernel';
import { type SnapshotOffload, type TrainingSession } from './session';
import type { BackendName, KernelName, RunRecord } from './types';
import type { RunEvent } from '../../protocol';
import { RunTracker } from './tracker';
import { Session } from './tfjs-session';

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
      if (tracker.aheadOfSnapshots) await tracker.keepUpWithSnapshots();
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

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
