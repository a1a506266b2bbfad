// What a training run records. `RunRecord` is what a run's events build (src/core/run/apply.ts):
// what the run store keeps, what the panel and the HTML report draw.
import type { RunSpec } from '../experiment/schema';
import type { Preprocessing } from '../data/types';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';
/**
 * 'js': the plain typed-array loops (small models); 'wide': float32 products in WebAssembly SIMD
 * (wide.ts, wide models); 'tfjs': the backend's kernels.
 */
export type KernelName = 'js' | 'wide' | 'tfjs';

export type StopReason = 'completed' | 'early-stopped' | 'diverged' | 'cancelled' | 'failed' | 'interrupted';

export interface EpochRecord {
  epoch: number; // 1-based
  trainLoss: number;
  trainAcc: number;
  valLoss: number | null; // null when there is no validation split
  valAcc: number | null;
  /** Alive units per hidden layer (a unit is alive if it fires on at least one training sample). */
  alive: number[];
  ms: number;
  /** The learning rate of this epoch, when a schedule moves it. */
  lr?: number;
}

/**
 * Values over a grid. A Float64Array while a run trains and its messages travel between threads
 * and to the panel (no per-number cost to allocate, clone or transfer: a number[] of 10,000 costs
 * ~0.35 ms to clone); a number[] once read back from JSON, which writes it as an array (toJson).
 */
export type GridValues = Float64Array | number[];

/** P(class) over a grid: for 2 classes probs holds P(class 1); for k classes, k values per cell. */
export interface BoundarySnapshot {
  epoch: number;
  probs: GridValues; // length gridX*gridY (binary) or gridX*gridY*k, row-major with y outer, x inner
  /** Distinct hidden activation patterns seen on the grid: linear regions of a ReLU net. */
  linearRegions?: number;
}

export interface GridSpec {
  /** Feature indices on the x and y axes (y = -1 for 1-D data: the grid is a line). */
  features: [number, number];
  xMin: number; xMax: number; yMin: number; yMax: number;
  nx: number; ny: number;
  classes: number;
}

export interface ClassReport {
  confusion: number[][]; // [actual][predicted]
  perClass: { name: string; precision: number; recall: number; f1: number; support: number }[];
  accuracy: number;
}

export interface PointSet { x: number[]; y: number[]; label: number[]; predicted?: number[] }

export interface RunRecord {
  version: 1;
  id: string; // directory-safe, unique in an experiment
  name: string;
  /** Group key for sweeps/seed studies: the config without its seed. */
  group: string;
  kind: 'model' | 'baseline';
  config: RunSpec;
  params: number;
  backend: BackendName;
  /** Which implementation trained (absent in records from before there was a choice). */
  kernel?: KernelName;
  startedAt: string; // ISO
  status: 'running' | StopReason;
  stopReason?: StopReason;
  message?: string; // e.g. "diverged at epoch 12 (lr 3 may be too high)"
  /** What to know about this run's data and setup (the checker's warnings, data notes): the panel and report show them. */
  notes?: string[];
  /** The first epoch whose loss or boundary was not a number (the run is 'diverged'). */
  divergedAt?: number;
  bestEpoch?: number;
  history: EpochRecord[];
  grid?: GridSpec;
  snapshots: BoundarySnapshot[];
  /** Per-unit activation maps of the first hidden layer over the grid, at the end. */
  neuronMaps?: { units: number; values: number[][] };
  final?: { trainLoss: number; trainAcc: number; valLoss: number | null; valAcc: number | null; testLoss?: number; testAcc?: number };
  report?: { train: ClassReport; val?: ClassReport; test?: ClassReport };
  /** Validation labels and P(class 1) (binary) for threshold curves. */
  valPredictions?: { y: number[]; p: number[] };
  /**
   * Points to draw: the 2-D slice coordinates of train/val samples (known from the start of a run),
   * and once it ends the class the model predicts for each (on all its features, not the slice).
   */
  points?: { train: PointSet; val: PointSet };
  featureNames: string[];
  classNames: string[];
  stuckAtLn2?: boolean;
  /** The fitted input pipeline: what a "try a sample" form asks for (columns, categories, means). */
  preprocessing?: Preprocessing;
  /** The experiment file's success criterion (set by the runner): what the seed-study view counts. */
  success?: { metric: 'trainAcc' | 'valAcc' | 'testAcc'; atLeast: number };
  /** Directory of the saved model (set by the runner once saved), for predictions. */
  modelDir?: string;
  timings: { totalMs: number; msPerEpoch: number; snapshotMs: number };
}

export interface ExperimentSummary {
  groups: { group: string; runs: string[]; successRate?: number; stuck: number }[];
}
