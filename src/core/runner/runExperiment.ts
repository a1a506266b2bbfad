// Runs a whole experiment file: load and check it, prepare each distinct dataset once, train every
// expanded run (sweeps, variants, baselines) one after another, stream progress as protocol messages
// and keep each run's directory up to date on disk, so a cancelled, failed or interrupted run keeps
// what it had recorded. The CLI and the VS Code worker are both thin shells around this.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadExperiment, type ExpandedRun } from '../experiment';
import { prepare } from '../data';
import type { PreparedData } from '../data/types';
import { initBackend, trainRun, saveModel } from '../engine';
import type { BackendChoice, BackendName, RunRecord } from '../engine/types';
import { LogitLabError } from '../errors';
import type { FromWorker } from '../../protocol';
import { summarise, type ExperimentSummaryFile } from './summary';
import { RunWriter } from './runWriter';

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
  /** Where the wasm files live when running from a bundle. */
  wasmDir?: string;
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

export function defaultOutDir(workspaceRoot: string, experimentName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  return join(workspaceRoot, '.logit-lab', 'runs', `${stamp}-${safeName(experimentName)}`);
}

export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'run';
}

export async function runExperiment(file: string, opts: RunExperimentOptions): Promise<ExperimentResult> {
  const emit = opts.emit ?? (() => {});
  const experimentPath = resolve(file);
  const { experiment, runs } = loadExperiment(experimentPath, resolve(opts.workspaceRoot));
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

  for (const [index, run] of runs.entries()) {
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
    const spec = applyOverrides(run, opts);
    const dir = join(outDir, run.id);
    const writer = new RunWriter(dir);
    runDirs.push(dir);
    let record: RunRecord | undefined;
    try {
      const data = prepareCached(dataCache, spec, experimentPath, opts.workspaceRoot);
      const result = await trainRun(spec, data, {
        id: run.id,
        group: run.group,
        kind: run.kind,
        backend: backend.name,
        signal: opts.signal,
        onStart: (r) => {
          record = r;
          writer.write(r, true);
          emit({ type: 'runStart', run: r, index, total: runs.length });
        },
        onEpoch: (e, r) => {
          record = r;
          writer.write(r);
          emit({ type: 'epoch', runId: run.id, epoch: e, totalEpochs: spec.training.epochs });
        },
        onSnapshot: (s, grid) => emit({ type: 'snapshot', runId: run.id, grid, snapshot: s }),
      });
      record = { ...result.record, preprocessing: data.preprocessing };
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
    if (cancelled) break;
  }

  const summary = summarise(experiment, records, { backend: backend.name, cancelled, file: basename(experimentPath) });
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2));
  emit({ type: 'experimentEnd', summary: { groups: summary.groups }, outDir, cancelled });
  return { name: experiment.name, outDir, backend: backend.name, runs: records, runDirs, summary, cancelled, failures };
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
