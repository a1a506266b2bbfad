// What the training loop needs from a kernel — the tfjs one (train.ts) or the plain-JS one
// (plain.ts) — and the bookkeeping both share.
import type { PreparedData, Table } from '../data/types';
import type { Activation, RunSpec } from '../experiment/schema';
import { slicePoints } from './grid';
import { lossOf } from '../nn/losses';
import type { InputFeature } from '../nn/features';
import type { LayerWeights } from './model';
import { classReport } from './metrics';
import type { BoundarySnapshot, EpochRecord, GridSpec, RunRecord } from './types';

export type EpochMetrics = Omit<EpochRecord, 'epoch' | 'ms'>;

export interface TrainingSession {
  readonly params: number;
  /** One pass over the training data (the epoch's updates), then validation in eval mode. */
  epoch(): EpochMetrics;
  /** The learning rate from the next step on (a schedule's, after an epoch). */
  setLearningRate(lr: number): void;
  snapshot(epoch: number): BoundarySnapshot;
  /** The snapshot computed elsewhere (with a SnapshotOffload), or undefined to take it inline. */
  snapshotLater?(epoch: number): Promise<BoundarySnapshot> | undefined;
  /** Early stopping: remember the current parameters as the best so far / put them back. */
  keepBest(): void;
  restoreBest(): void;
  finish(record: RunRecord): void;
  readWeights(): LayerWeights[];
  dispose(): void;
}

/** What a boundary grid needs besides the parameters: the model's shape and the grid. */
export interface GridJob {
  sizes: number[];
  activation: Activation;
  grid: GridSpec;
  /** Values of the features the grid does not vary (tabular data's 2-D slice). */
  sliceBase: Float32Array;
  /** Derived input features the model reads instead of the point itself (PreparedData.modelInputs). */
  inputs?: InputFeature[];
  /** 'wide': a wide model's grid, computed on the wide kernel (wide-grid.ts); else the plain loops. */
  kernel?: 'wide';
}

/**
 * Somewhere else to compute a run's boundary snapshots — another thread — while this one trains.
 * `open` returns undefined when it cannot take the run; the run then snapshots inline.
 */
export interface SnapshotOffload {
  open(job: GridJob): OffloadedGrid | undefined;
}

export interface OffloadedGrid {
  /** The snapshot of the model with these parameters (a copy: training goes on meanwhile). */
  snapshot(epoch: number, params: Float32Array): Promise<BoundarySnapshot>;
  /** The run is over: the grid's state can go once the snapshots asked for are answered. */
  close(): void;
}

export interface SplitEvaluation {
  loss: number;
  predicted: ArrayLike<number>;
  /** P(class 1) per row for two classes, else empty. */
  pClass1: number[];
}

const LN2 = Math.log(2);
/** First-layer activation maps kept in the record (a 256-wide layer would bloat every run on disk). */
export const MAX_NEURON_MAPS = 64;

/** Final metrics, reports, predictions, neuron maps and points, on the final (or restored) weights. */
export function finishRecord(
  record: RunRecord, spec: RunSpec, data: PreparedData, grid: GridSpec,
  evaluate: (t: Table) => SplitEvaluation, neuronMaps: () => RunRecord['neuronMaps'] | undefined,
): void {
  const { classNames } = data;
  const report = (t: Table) => {
    const e = evaluate(t);
    return { ...e, report: classReport(t.y, e.predicted, classNames) };
  };
  const train = report(data.train);
  const val = data.val.n > 0 ? report(data.val) : undefined;
  const test = data.test && data.test.n > 0 ? report(data.test) : undefined;
  record.final = {
    trainLoss: train.loss, trainAcc: train.report.accuracy,
    valLoss: val ? val.loss : null, valAcc: val ? val.report.accuracy : null,
    ...(test ? { testLoss: test.loss, testAcc: test.report.accuracy } : {}),
  };
  record.report = { train: train.report, ...(val ? { val: val.report } : {}), ...(test ? { test: test.report } : {}) };
  if (classNames.length === 2 && val) record.valPredictions = { y: Array.from(data.val.y), p: val.pClass1 };
  const maps = neuronMaps();
  if (maps) record.neuronMaps = maps;
  else delete record.neuronMaps;
  // The tables may hold derived features (model.inputs): the points' coordinates come from the
  // original ones, as recorded when the run started.
  const at = (t: Table) => (data.modelInputs ? record.points! : { train: slicePoints(data.train, grid), val: slicePoints(data.val, grid) })[t === data.train ? 'train' : 'val'];
  record.points = {
    train: { ...at(data.train), predicted: Array.from(train.predicted) },
    val: { ...at(data.val), ...(val ? { predicted: Array.from(val.predicted) } : {}) },
  };
  record.stuckAtLn2 = classNames.length === 2 && lossOf(spec.loss).lnTwoAtChance && Math.abs(train.loss - LN2) < 0.005;
}

/**
 * Number of distinct on/off patterns (rows of `bits`, `cells` rows of `units` values, on if > 0):
 * the linear regions of a ReLU net on the grid. Up to 53 units a pattern is packed exactly into one
 * number; wider patterns fall back to strings.
 */
export function distinctPatterns(bits: ArrayLike<number>, cells: number, units: number): number {
  if (units <= 53) {
    const seen = new Set<number>();
    for (let c = 0; c < cells; c++) {
      let key = 0;
      for (let u = 0, o = c * units; u < units; u++) key = key * 2 + (bits[o + u] > 0 ? 1 : 0);
      seen.add(key);
    }
    return seen.size;
  }
  const seen = new Set<string>();
  const words = new Uint32Array(Math.ceil(units / 32));
  for (let c = 0; c < cells; c++) {
    words.fill(0);
    for (let u = 0; u < units; u++) if (bits[c * units + u] > 0) words[u >>> 5] |= 1 << (u & 31);
    seen.add(words.join(','));
  }
  return seen.size;
}

export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
