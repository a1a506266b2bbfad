// Runs a whole experiment file: load and check it, prepare each distinct dataset once, train every
// expanded run (sweeps, variants, baselines) inline or on a pool of threads, and turn each run into
// its stream of events (src/protocol.ts): applied to the run's record, appended to its run store
// on disk, and emitted to the caller — the CLI's progress, the worker's host, the panel. A
// cancelled, failed or interrupted run keeps what it had recorded.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadExperiment, type ExpandedRun, type LoadedExperiment } from '../experiment';
import { prepare } from '../data';
import type { PreparedData } from '../data/types';
import { initBackend, trainRun, saveModel, useWideThreads, type SnapshotOffload, type TrainOptions, type TrainResult } from '../engine';
import type { BackendChoice, BackendName, RunRecord } from '../engine/types';
import { LogitLabError } from '../errors';
import type { FromWorker, RunEvent, RunHeader } from '../../protocol';
import { applyRunEvent, headerOf } from '../run/apply';
import { RunStoreWriter } from '../run/store';
import { summarise, type ExperimentSummaryFile } from './summary';
import { defaultOutDir } from './paths';
import { claimOutDir } from './outDir';
import { estimatedWork, MIN_WORK_FOR_THREADS, threadCount, trainOnThreads } from './threads';

export interface RunExperimentOptions {
  workspaceRoot: string;
  backend: BackendChoice;
  /** Directory for this experiment's runs; default `<workspace>/.logit-lab/runs/<time>-<name>`. */
  outDir?: string;
  signal?: AbortSignal;
  emit?: (msg: FromWorker) => void;
  /** User-setting overrides of the file's record block. */
  record?: { every?: number; grid?: number };
  /** Cap on epochs per run (tests and quick previews). */
  maxEpochs?: number;
  /** Extra files per finished run (the CLI's PNGs); failures are reported, never fatal. */
  afterRun?: (run: RunRecord, dir: string) => Promise<void> | void;
  /** Experiment-level files (the HTML report), written before experimentEnd announces the result. */
  afterExperiment?: (result: ExperimentResult) => Promise<void> | void;
  /** Where the wasm files live when running from a bundle. */
  wasmDir?: string;
  /**
   * Train the runs side by side on worker threads. `count` 0: one per core, when the experiment
   * is big enough to gain from it; an explicit count > 1 always uses them. A run's numbers do not
   * depend on where it trains; its messages still go out in run order.
   */
  threads?: { count: number; workerFile: string };
  /**
   * Where a run trained on this thread computes its boundary snapshots (a GridThread) while it
   * trains on. Not used by runs on a pool of threads: their cores are taken already.
   */
  gridThread?: SnapshotOffload;
  /** The experiment as the caller already loaded and checked it (the CLI, to show its warnings first). */
  loaded?: LoadedExperiment;
}

export interface ExperimentResult {
  name: string;
  outDir: string;
  backend: BackendName;
  runs: RunRecord[];
  runDirs: string[];
  summary: ExperimentSummaryFile;
  cancelled: boolean;
  /** Runs that failed before recording anything (their manifest says why). */
  failures: { id: string; name: string; message: string }[];
}

export async function runExperiment(file: string, opts: RunExperimentOptions): Promise<ExperimentResult> {
  const emit = opts.emit ?? (() => {});
  const experimentPath = resolve(file);
  const { experiment, runs, diagnostics } = opts.loaded ?? loadExperiment(experimentPath, resolve(opts.workspaceRoot));
  const claimed = claimOutDir(resolve(opts.outDir ?? defaultOutDir(opts.workspaceRoot, experiment.name)), opts.outDir === undefined);
  const outDir = claimed.dir;
  try {
    const backend = await initBackend(opts.backend, { wasmDir: opts.wasmDir });
    emit({ type: 'backend', name: backend.name, fallbackFrom: backend.fallbackFrom });
    emit({ type: 'experimentStart', name: experiment.name, runIds: runs.map((r) => r.id), outDir, file: basename(experimentPath) });
    const warnings = diagnostics.map((d) => `${d.message}${d.details.hint ? ` — ${d.details.hint}` : ''}`);
    return await trainAll(experimentPath, experiment, runs, outDir, backend.name, opts, emit, warnings);
  } finally {
    claimed.release();
  }
}

/** One run on its way: its events become its record, its store on disk and messages, in order. */
class RunInProgress {
  record: RunRecord | undefined;
  readonly writer: RunStoreWriter;
  private storeError: unknown;
  private readonly queued: FromWorker[] = [];
  live = false;

  constructor(
    readonly run: ExpandedRun,
    readonly spec: ExpandedRun['spec'],
    readonly dir: string,
    readonly index: number,
    private readonly total: number,
    private readonly emit: (msg: FromWorker) => void,
    /** The experiment's warnings and the run's data notes: they travel with the run (panel, report). */
    private readonly notes: () => string[],
  ) {
    this.writer = new RunStoreWriter(dir);
  }

  /** Applies and records one event of the run, and passes it on as a message. */
  readonly onEvent = (received: RunEvent): void => {
    const notes = received.type === 'runStart' ? this.notes() : [];
    const event: RunEvent = received.type === 'runStart' && notes.length ? { ...received, run: { ...received.run, notes } } : received;
    this.record = applyRunEvent(this.record, event);
    if (!this.record) return;
    // Out first, then to disk: the panel's latency does not include the store's write.
    this.send(
      event.type === 'runStart' ? { ...event, index: this.index, total: this.total }
        : event.type === 'epoch' ? { ...event, totalEpochs: this.spec.training.epochs }
        : event.type === 'runEnd' ? { ...event, dir: this.dir }
        : event,
    );
    if (this.storeError === undefined) {
      try {
        this.writer.write(event, this.record);
      } catch (err) {
        // Disk full, folder removed…: training goes on, the run reports it at its end.
        this.storeError = err;
      }
    }
  };

  /** The run's final fields: applied, written (after its snapshots), then announced. */
  async end(header: RunHeader): Promise<RunRecord> {
    const event: RunEvent = { type: 'runEnd', runId: this.run.id, run: header };
    this.record = applyRunEvent(this.record, event)!;
    try {
      if (this.storeError !== undefined) throw this.storeError;
      this.writer.end(this.record);
    } catch (err) {
      this.storeError ??= err;
      const reason = (err as Error).message;
      const full = /ENOSPC|EDQUOT/.test(reason);
      this.record.status = this.record.stopReason = 'failed';
      this.record.message = `could not record this run in ${this.dir}: ${reason}${full ? ' — the disk is full: free some space and train again' : ''}`;
      try {
        const gaveUp = this.writer.endWhateverItTakes(this.record);
        if (gaveUp !== 'nothing') this.record.message += ` (its ${gaveUp === 'snapshots' ? 'snapshot files' : 'snapshot files and details'} were given up to record this status)`;
      } catch {
        // The disk still says no; the message is what the user gets.
      }
    }
    this.send({ type: 'runEnd', runId: this.run.id, run: headerOf(this.record), dir: this.dir });
    return this.record;
  }

  get failedToStore(): string | undefined {
    return this.storeError === undefined ? undefined : (this.storeError as Error).message;
  }

  private send(msg: FromWorker): void {
    if (this.live) this.emit(msg);
    else this.queued.push(msg);
  }

  /** This run's turn to stream: what it sent meanwhile goes out first. */
  goLive(): void {
    this.live = true;
    for (const msg of this.queued.splice(0)) this.emit(msg);
  }
}

async function trainAll(
  experimentPath: string, experiment: ReturnType<typeof loadExperiment>['experiment'], runs: ExpandedRun[], outDir: string,
  backend: BackendName, opts: RunExperimentOptions, emit: (msg: FromWorker) => void, warnings: string[],
): Promise<ExperimentResult> {
  const dataCache = new Map<string, PreparedData>();
  const records: RunRecord[] = [];
  const runDirs: string[] = [];
  const failures: ExperimentResult['failures'] = [];
  let cancelled = false;

  // With threads, every run trains side by side on a pool; otherwise one after another. Messages
  // still go out run by run, in order: the earliest unfinished run streams live, the others' wait
  // and follow when it ends.
  const pool = opts.threads && threadCount(opts.threads.count, runs.length) > 1 &&
    (opts.threads.count > 1 || worthThreads(runs, opts, dataCache, experimentPath)) ? opts.threads : undefined;
  const specs = runs.map((run) => applyOverrides(run, opts));
  const dataOf = (i: number) => prepareCached(dataCache, specs[i], experimentPath, opts.workspaceRoot);
  const notesOf = (i: number) => {
    const data = attempt(() => dataOf(i));
    return [...warnings, ...(data instanceof Error ? [] : data.notes)];
  };
  const members = runs.map((run, i) => new RunInProgress(run, specs[i], join(outDir, run.id), i, runs.length, emit, () => notesOf(i)));
  const trainOpts = members.map((m): TrainOptions => ({
    id: m.run.id,
    group: m.run.group,
    kind: m.run.kind,
    backend,
    signal: opts.signal,
    onEvent: m.onEvent,
    offloadSnapshots: pool ? undefined : opts.gridThread,
  }));

  let results: (() => Promise<TrainResult | null>)[];
  if (pool) {
    // Each run's data is prepared here (once per distinct dataset); a run whose data fails fails alone.
    const prepared = members.map((_, i) => attempt(() => dataOf(i)));
    const ok = members.map((_, i) => i).filter((i) => !(prepared[i] instanceof Error));
    const started = trainOnThreads(ok.map((i) => ({ spec: members[i].spec, data: prepared[i] as PreparedData, options: trainOpts[i] })), {
      threads: pool.count, workerFile: pool.workerFile, wasmDir: opts.wasmDir, backend, signal: opts.signal,
    });
    results = prepared.map((p, i) => () => (p instanceof Error ? Promise.reject(p) : started[ok.indexOf(i)]));
  } else {
    // Runs one after another: threads asked for explicitly go to each wide run's matrix products.
    const wideLanes = opts.threads && opts.threads.count > 1 ? opts.threads.count : 1;
    results = members.map((m, i) => async () => {
      if (opts.signal?.aborted) return null;
      useWideThreads(wideLanes);
      try {
        return await trainRun(m.spec, dataOf(i), trainOpts[i]);
      } finally {
        useWideThreads(1);
      }
    });
  }

  for (const [i, m] of members.entries()) {
    if (cancelled && !pool) break;
    m.goLive();
    const { run, spec, dir } = m;
    const outcome = await results[i]().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    if (outcome === null) continue; // cancelled before it started: it never trained
    let record: RunRecord;
    let reported = false;
    try {
      if (outcome instanceof Error) throw outcome;
      const data = dataOf(i);
      const final: RunHeader = { ...headerOf(outcome.record), preprocessing: data.preprocessing, ...(experiment.success ? { success: experiment.success } : {}) };
      // A cancelled run keeps the model it had; a diverged one's weights are not numbers.
      if (final.stopReason !== 'diverged' && outcome.weights.length > 0) {
        await saveModel(join(dir, 'model'), outcome.weights, spec, data.preprocessing, data.classNames);
        final.modelDir = join(dir, 'model');
      }
      record = await m.end(final);
      if (record.stopReason === 'cancelled') cancelled = true;
    } catch (err) {
      // A failed run keeps what it recorded; the experiment goes on with the next run.
      const message = err instanceof LogitLabError ? err.format() : err instanceof Error ? err.message : String(err);
      emit({ type: 'error', message: `${run.name}: ${message}` });
      reported = true;
      if (!m.record) {
        failures.push({ id: run.id, name: run.name, message });
        runDirs.push(dir);
        try {
          m.writer.writeFailure(failedHeader(run, message));
        } catch {
          // Nothing could be written: the error above is the record.
        }
        continue;
      }
      record = await m.end({ ...headerOf(m.record), status: 'failed', stopReason: 'failed', message });
    }
    // A run that trained but could not be stored says so once (its record says why).
    if (m.failedToStore && !reported) emit({ type: 'error', message: `${run.name}: ${record.message}` });
    runDirs.push(dir);
    records.push(record);
    if (opts.afterRun) {
      try {
        await opts.afterRun(record, dir);
      } catch (err) {
        emit({ type: 'error', message: `${run.name}: could not write pictures: ${(err as Error).message}` });
      }
    }
  }

  const summary = summarise(experiment, records, { backend, cancelled, file: basename(experimentPath) });
  try {
    writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2));
  } catch (err) {
    emit({ type: 'error', message: `could not write ${join(outDir, 'summary.json')}: ${(err as Error).message}` });
  }
  const result: ExperimentResult = { name: experiment.name, outDir, backend, runs: records, runDirs, summary, cancelled, failures };
  if (opts.afterExperiment) {
    try {
      await opts.afterExperiment(result);
    } catch (err) {
      emit({ type: 'error', message: `could not write the report: ${(err as Error).message}` });
    }
  }
  emit({ type: 'experimentEnd', summary: { groups: summary.groups }, outDir, cancelled });
  return result;
}

/** The header of a run that failed before it trained (its data could not be prepared). */
function failedHeader(run: ExpandedRun, message: string): RunHeader {
  return {
    version: 1, id: run.id, name: run.name, group: run.group, kind: run.kind, config: run.spec, params: 0, backend: 'cpu',
    startedAt: new Date().toISOString(), status: 'failed', stopReason: 'failed', message, featureNames: [], classNames: [],
    timings: { totalMs: 0, msPerEpoch: 0, snapshotMs: 0 },
  };
}

function applyOverrides(run: ExpandedRun, opts: RunExperimentOptions) {
  const spec = structuredClone(run.spec);
  if (opts.maxEpochs !== undefined) spec.training.epochs = Math.min(spec.training.epochs, opts.maxEpochs);
  if (opts.record?.every !== undefined) spec.record.every = opts.record.every;
  if (opts.record?.grid !== undefined) spec.record.grid = opts.record.grid;
  return spec;
}

function prepareCached(cache: Map<string, PreparedData>, spec: ExpandedRun['spec'], experimentPath: string, workspaceRoot: string): PreparedData {
  const key = JSON.stringify([spec.data, spec.record.features ?? null]);
  let data = cache.get(key);
  if (!data) {
    data = prepare(spec.data, { baseDir: dirname(experimentPath), workspaceRoot: resolve(workspaceRoot), file: experimentPath }, spec.record.features);
    cache.set(key, data);
  }
  return data;
}

/** Enough work in all runs to pay for starting threads (a run whose data fails counts nothing). */
function worthThreads(runs: ExpandedRun[], opts: RunExperimentOptions, cache: Map<string, PreparedData>, experimentPath: string): boolean {
  let work = 0;
  for (const run of runs) {
    const spec = applyOverrides(run, opts);
    const data = attempt(() => prepareCached(cache, spec, experimentPath, opts.workspaceRoot));
    if (!(data instanceof Error)) work += estimatedWork(spec, data);
  }
  return work >= MIN_WORK_FOR_THREADS;
}

function attempt<T>(fn: () => T): T | Error {
  try {
    return fn();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
