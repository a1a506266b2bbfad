// The typed messages between the extension host, the training worker and the webview: the one
// source of truth. Data flows one way — experiment file → core → worker → these messages → webview —
// with only commands (train, cancel, explore edits, predictions) flowing back.
import type { CompactSnapshot } from './core/run/compactSnapshot';
import type { PackedEpochs } from './core/run/packedEpochs';
import type { BackendChoice, BackendName, BoundarySnapshot, EpochRecord, ExperimentSummary, RunRecord } from './core/engine/types';
import type { LayerWeights } from './core/engine/model';
import type { GridJob } from './core/engine/session';
import type { PreparedData } from './core/data/types';
import type { RunSpec } from './core/experiment/schema';

// ---- host → worker -------------------------------------------------------------------------
export interface TrainRequest {
  type: 'train';
  /** Absolute path of the *.experiment.json file. */
  experimentPath: string;
  /** The workspace folder data paths must stay inside. */
  workspaceRoot: string;
  backend: BackendChoice;
  /** Directory that receives one sub-directory per run. */
  outDir: string;
  /** Overrides of the record settings from user settings. */
  record?: { every?: number; grid?: number };
  /** Threads for the experiment's runs (0: one per core when worth it); default 0. */
  threads?: number;
}
export interface CancelRequest { type: 'cancel' }
/** Class probabilities of one input row from a saved run (the panel's "try a sample" form). */
export interface PredictRequest { type: 'predict'; requestId: number; modelDir: string; input: Record<string, string | number> }
export type ToWorker = TrainRequest | CancelRequest | PredictRequest;

// ---- one run: a stream of events ------------------------------------------------------------
// A run is the sequence runStart · (epoch | snapshot)* · runEnd. The runner, the thread pool, the
// extension host and the webview all build a run's record from it with the one `applyRunEvent`
// (src/core/run/apply.ts), and the run store appends the same events to disk: a run replayed from
// disk is the record it was live.

/** Everything a run records but its history and snapshots, which stream as their own events. */
export type RunHeader = Omit<RunRecord, 'history' | 'snapshots'>;

export interface RunStartEvent { type: 'runStart'; run: RunHeader }
export interface EpochEvent { type: 'epoch'; runId: string; epoch: EpochRecord }
/** A boundary snapshot over the grid announced in runStart (record.grid). */
export interface SnapshotEvent { type: 'snapshot'; runId: string; snapshot: BoundarySnapshot }
/** The run is over: its final fields (status, final metrics, report, points, model…). */
export interface RunEndEvent { type: 'runEnd'; runId: string; run: RunHeader }
export type RunEvent = RunStartEvent | EpochEvent | SnapshotEvent | RunEndEvent;

// ---- worker → host (and forwarded to the webview) -----------------------------------------
export interface BackendMsg { type: 'backend'; name: BackendName; fallbackFrom?: string }
export interface ExperimentStartMsg { type: 'experimentStart'; name: string; runIds: string[]; outDir: string; file?: string }
/** A run begins (index of total runs in the experiment). */
export interface RunStartMsg extends RunStartEvent { index: number; total: number }
export interface EpochMsg extends EpochEvent { totalEpochs: number }
export type SnapshotMsg = SnapshotEvent;
/** A run is over, recorded in `dir`. */
export interface RunEndMsg extends RunEndEvent { dir: string }
export interface ExperimentEndMsg { type: 'experimentEnd'; summary: ExperimentSummary; outDir: string; cancelled: boolean }
export interface ErrorMsg {
  type: 'error';
  message: string;
  /** Where the problem is, when it is in the experiment file. */
  location?: { file: string; line: number; column: number; path: string };
}
export interface PredictionResultMsg { type: 'prediction'; requestId: number; probs?: Record<string, number>; error?: string }
export type RunMsg = RunStartMsg | EpochMsg | SnapshotMsg | RunEndMsg;
export type FromWorker = BackendMsg | ExperimentStartMsg | RunMsg | ExperimentEndMsg | ErrorMsg | PredictionResultMsg;
/**
 * The training worker's last word, to the host only: the HTML report was written (or could not
 * be). It follows experimentEnd, so the panel's final picture never waits for the report; the host
 * does not end the thread before it. Neither `path` nor `error`: there was nothing to report on.
 */
export interface ReportWrittenMsg { type: 'reportWritten'; path?: string; error?: string }
export type FromTrainWorker = FromWorker | ReportWrittenMsg;

// ---- host → webview ------------------------------------------------------------------------
/**
 * Show finished (or partially recorded) runs; the first one is selected. `live`: a training of
 * these runs goes on, and its messages follow.
 */
export interface ShowRunsMsg {
  type: 'showRuns'; runs: RunRecord[]; title: string; live?: boolean;
  /** Names of the experiments with runs on disk, newest first: what the panel's switcher offers. */
  experiments?: string[];
}
/** Worker messages in the order they came, batched to the panel's pace; snapshots compacted where they can be. */
/** `seq`: a live batch the webview acknowledges on receipt (LiveAckMsg); the host keeps few in flight. */
export interface LiveMsg { type: 'live'; msgs: (FromWorker | CompactSnapshotMsg | PackedRunEndMsg | PackedEpochsMsg)[]; trace?: LiveTrace; seq?: number }
/** Consecutive epoch events of one run as one Float64Array (core/run/packedEpochs.ts). */
export interface PackedEpochsMsg { type: 'epochsPacked'; packed: PackedEpochs }
/**
 * A run's end with its neuron maps (units × grid cells numbers, a megabyte as JSON, which the editor's
 * relay would stringify, parse and walk) as Float64Arrays, which it moves as bytes.
 */
export interface PackedRunEndMsg extends Omit<RunEndMsg, 'type' | 'run'> {
  type: 'runEndPacked';
  run: Omit<RunHeader, 'neuronMaps'> & { neuronMaps?: { units: number; values: Float64Array[] } };
}
/** A snapshot event whose probabilities travel as thousandths (core/run/compactSnapshot.ts). */
export interface CompactSnapshotMsg { type: 'snapshotMilli'; runId: string; snapshot: CompactSnapshot }
/**
 * When the host posted a batch (Date.now()) and when each snapshot in it — sent or coalesced away —
 * reached the host: [runId, epoch, at]. The panel measures against it how far behind its picture is.
 */
export interface LiveTrace {
  postedAt: number;
  arrived: [string, number, number][];
  /** When the batch's first message was queued: postedAt minus this is how long the host held it. */
  queuedAt?: number;
  /** Moments the panel's end-to-end figures start from: [what, at], e.g. ['lastEpoch:run-0', t], ['runEnd:run-0', t]. */
  marks?: [string, number][];
}
export interface ThemeMsg { type: 'theme'; kind: 'light' | 'dark' | 'high-contrast' }
export type ToWebview = ShowRunsMsg | LiveMsg | ThemeMsg | PredictionResultMsg;

// ---- webview → host ------------------------------------------------------------------------
export interface ReadyMsg { type: 'ready' }
/** Write a setting into the experiment file (an undoable edit) and retrain. */
export interface ExploreMsg { type: 'explore'; path: string; value: unknown }
export interface PredictMsg { type: 'predict'; requestId: number; modelDir: string; input: Record<string, string | number> }
export interface ExportMsg { type: 'export'; format: 'png' | 'csv' | 'json'; name: string; data: string }
export interface OpenRunMsg { type: 'openRun'; runDir: string }
/** The switcher picked an experiment the panel has not loaded: show its latest runs. */
export interface ShowExperimentMsg { type: 'showExperiment'; name: string }
/** A live batch reached the webview: the host sends the next only while few are in flight. */
export interface LiveAckMsg { type: 'liveAck'; seq: number }
export type FromWebview = LiveAckMsg | ReadyMsg | ExploreMsg | PredictMsg | ExportMsg | OpenRunMsg | ShowExperimentMsg;

// ---- runner → member threads (runs of one experiment trained side by side) ----------------
// The runner (in the training worker or the CLI) hands whole runs to a pool of threads; each
// thread trains one run at a time with the same engine and streams back what the run records.
export interface MemberJob {
  type: 'job';
  job: number;
  spec: RunSpec;
  data: PreparedData;
  run: { id: string; group: string; kind: 'model' | 'baseline' };
  backend: BackendName;
}
export type ToMember = MemberJob | CancelRequest;

export type FromMember =
  | { type: 'event'; job: number; event: RunEvent }
  /** The run's final fields (its history and snapshots went as events) and trained weights. */
  | { type: 'done'; job: number; run: RunHeader; weights: LayerWeights[] }
  | { type: 'failed'; job: number; message: string };

// ---- training thread → grid thread (boundary snapshots computed beside the training) --------
// A run on the plain kernel hands each snapshot's parameters to the grid thread and trains on;
// the answers come back in the order asked (src/core/runner/gridThread.ts, src/worker/gridWorker.ts).
export type ToGrid =
  | { type: 'open'; id: number; job: GridJob }
  | { type: 'snapshot'; id: number; request: number; epoch: number; params: Float32Array }
  | { type: 'close'; id: number };

export type FromGrid =
  | { type: 'snapshot'; request: number; snapshot: BoundarySnapshot }
  | { type: 'failed'; request: number; message: string };

// ---- extension host → lint thread (the editor's linter, off the extension host) -------------
// Each call names a LintService method and its arguments; the answer carries the same id
// (src/core/lint/thread.ts, src/worker/lintWorker.ts).
export interface ToLint {
  id: number;
  method: string;
  args: unknown[];
}

export type FromLint = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };
