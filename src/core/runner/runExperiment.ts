// Runs a whole experiment file: load and check it, prepare each distinct dataset once, train every
// expanded run (sweeps, variants, baselines) one after another, stream progress as protocol messages
// and keep each run's directory up to date on disk, so a cancelled, failed or interrupted run keeps
// what it had recorded. The CLI and the VS Code worker are both thin shells around this.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadExperiment, type ExpandedRun, type LoadedExperiment } from '../experiment';
import { prepare } from '../data';
import type { PreparedData } from '../data/types';
import { canTrainTogether, initBackend, trainEnsemble, trainRun, saveModel, type SnapshotOffload, type TrainOptions, type TrainResult } from '../engine';
import type { BackendChoice, BackendName, RunRecord } from '../engine/types';
import { LogitLabError } from '../errors';
import type { FromWorker } from '../../protocol';
import { summarise, type ExperimentSummaryFile } from './summary';
import { RunWriter } from './runWriter';
import { defaultOutDir } from './paths';
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
   * Train runs that differ only in their seed together (trainEnsemble). Off by default: measured
   * no faster than one by one for the lessons' seed studies (bench W5 vs W5e), and only the
   * group's first run streams live — the others' messages follow when the group is done.
   */
  trainSeedsTogether?: boolean;
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
  /** Runs that failed before recording anything (their run.json says why). */
  failures: { id: string; name: string; message: string }[];
}

export async function runExperiment(file: string, opts: RunExperimentOptions): Promise<ExperimentResult> {
  const emit = opts.emit ?? (() => {});
  const experimentPath = resolve(file);
  const { experiment, runs } = opts.loaded ?? loadExperiment(experimentPath, resolve(opts.workspaceRoot));
  const outDir = resolve(opts.outDir ?? defaultOutDir(opts.workspaceRoot, experiment.name));
  mkdirSync(outDir, { recursive: true });

  const backend = await initBackend(opts.backend, { wasmDir: opts.wasmDir });
  emit({ type: 'backend', name: backend.name, fallbackFrom: backend.fallbackFrom });
  emit({ type: 'experimentStart', name: experiment.name, runIds: runs.map((r) => r.id), outDir });

  const dataCache = new Map<string, PreparedData>();
  const records: RunRecord[] = [];
  const runDirs: string[] = [];
  const failures: ExperimentResult['failures'] = [];
  let cancelled = false;

  // Runs go out in groups: one run; with trainSeedsTogether, runs that differ only in their seed
  // (trained together by trainEnsemble); with threads, every remaining run (trained side by side
  // on a pool of threads). Messages still go out run by run, in order: the earliest unfinished
  // run of a group streams live, the others' messages wait and follow when it ends.
  const pool = opts.threads && !opts.trainSeedsTogether && threadCount(opts.threads.count, runs.length) > 1 &&
    (opts.threads.count > 1 || worthThreads(runs, opts, dataCache, experimentPath)) ? opts.threads : undefined;
  for (let index = 0; index < runs.length; ) {
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
    const group = pool ? runs.slice(index) : opts.trainSeedsTogether ? seedGroup(runs, index, opts, dataCache, experimentPath) : [runs[index]];
    let live = 0;
    const members = group.map((run, i) => {
      const spec = applyOverrides(run, opts);
      const queued: FromWorker[] = [];
      const member = {
        run, spec, dir: join(outDir, run.id), index: index + i, writer: new RunWriter(join(outDir, run.id)), record: undefined as RunRecord | undefined,
        send: (msg: FromWorker) => (i === live ? emit(msg) : queued.push(msg)),
        flush: () => {
          live = i;
          for (const msg of queued.splice(0)) emit(msg);
        },
      };
      return member;
    });
    index += group.length;
    const trainOpts = members.map((m): TrainOptions => ({
      id: m.run.id,
      group: m.run.group,
      kind: m.run.kind,
      backend: backend.name,
      signal: opts.signal,
      onStart: (r) => {
        m.record = r;
        m.writer.write(r, true);
        m.send({ type: 'runStart', run: r, index: m.index, total: runs.length });
      },
      onEpoch: (e, r) => {
        m.record = r;
        m.writer.write(r);
        m.send({ type: 'epoch', runId: m.run.id, epoch: e, totalEpochs: m.spec.training.epochs });
      },
      onSnapshot: (snap, grid) => m.send({ type: 'snapshot', runId: m.run.id, grid, snapshot: snap }),
      offloadSnapshots: pool ? undefined : opts.gridThread,
    }));
    const dataOf = (i: number) => prepareCached(dataCache, members[i].spec, experimentPath, opts.workspaceRoot);
    let results: Promise<TrainResult | null>[];
    if (pool) {
      // Each run's data is prepared here (once per distinct dataset); a run whose data fails
      // fails alone.
      const prepared = members.map((_, i) => attempt(() => dataOf(i)));
      const ok = members.map((_, i) => i).filter((i) => !(prepared[i] instanceof Error));
      const started = trainOnThreads(ok.map((i) => ({ spec: members[i].spec, data: prepared[i] as PreparedData, options: trainOpts[i] })), {
        threads: pool.count, workerFile: pool.workerFile, wasmDir: opts.wasmDir, backend: backend.name, signal: opts.signal,
      });
      results = prepared.map((p, i) => (p instanceof Error ? Promise.reject(p) : started[ok.indexOf(i)]));
    } else {
      const all = (async () => {
        const data = dataOf(0);
        return members.length > 1 ? trainEnsemble(members.map((m) => m.spec), data, trainOpts) : [await trainRun(members[0].spec, data, trainOpts[0])];
      })();
      results = members.map((_, i) => all.then((r) => r[i]));
    }
    results.forEach((r) => r.catch(() => {})); // taken in order below; not unhandled meanwhile
    for (const [i, m] of members.entries()) {
      m.flush();
      const { run, spec, dir, writer } = m;
      const outcome = await results[i].catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      if (outcome === null) continue; // cancelled before it started: it never trained
      runDirs.push(dir);
      let record = m.record;
      try {
        if (outcome instanceof Error) throw outcome;
        const result = outcome;
        const data = dataOf(i);
        record = { ...result.record, preprocessing: data.preprocessing, ...(experiment.success ? { success: experiment.success } : {}) };
        if (record.stopReason !== 'cancelled' && record.stopReason !== 'diverged' && result.weights.length > 0) {
          await saveModel(join(dir, 'model'), result.weights, spec, data.preprocessing, data.classNames);
          record.modelDir = join(dir, 'model');
        }
        writer.write(record, true);
        if (record.stopReason === 'cancelled') cancelled = true;
      } catch (err) {
        // A failed run keeps what it recorded; the experiment goes on with the next run.
        const message = err instanceof LogitLabError ? err.format() : err instanceof Error ? err.message : String(err);
        emit({ type: 'error', message: `${run.name}: ${message}` });
        if (record) {
          record = { ...record, status: 'failed', stopReason: 'failed', message };
          writer.write(record, true);
        } else {
          writer.writeFailure(run, message);
          failures.push({ id: run.id, name: run.name, message });
          continue;
        }
      }
      records.push(record);
      if (opts.afterRun) {
        try {
          await opts.afterRun(record, dir);
        } catch (err) {
          emit({ type: 'error', message: `${run.name}: could not write pictures: ${(err as Error).message}` });
        }
      }
      emit({ type: 'runEnd', run: record, dir });
    }
    if (cancelled) break;
  }

  const summary = summarise(experiment, records, { backend: backend.name, cancelled, file: basename(experimentPath) });
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2));
  const result: ExperimentResult = { name: experiment.name, outDir, backend: backend.name, runs: records, runDirs, summary, cancelled, failures };
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

/** The runs from `start` on that can train together with runs[start]: consecutive, same data, same spec but the seed. */
function seedGroup(runs: ExpandedRun[], start: number, opts: RunExperimentOptions, cache: Map<string, PreparedData>, experimentPath: string): ExpandedRun[] {
  const first = applyOverrides(runs[start], opts);
  let end = start + 1;
  while (end < runs.length && runs[end].kind === runs[start].kind && sameButSeed(applyOverrides(runs[end], opts), first)) end++;
  if (end - start < 2) return [runs[start]];
  const group = runs.slice(start, end);
  try {
    const data = prepareCached(cache, first, experimentPath, opts.workspaceRoot);
    const specs = group.map((r) => applyOverrides(r, opts));
    const o = { id: '', group: '', kind: runs[start].kind };
    return canTrainTogether(specs, data, specs.map(() => o)) ? group : [runs[start]];
  } catch {
    return [runs[start]]; // the single run reports the error
  }
}

function sameButSeed(a: ExpandedRun['spec'], b: ExpandedRun['spec']): boolean {
  return JSON.stringify({ ...a, seed: 0, name: '' }) === JSON.stringify({ ...b, seed: 0, name: '' });
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
