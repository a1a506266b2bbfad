// Trains the runs of a sweep or seed study side by side: on this thread and on a pool of worker
// threads, one run per thread at a time (src/worker/memberWorker.ts). A run trained on a thread is the same code on the
// same inputs as one trained inline, so its numbers are identical; only the wall time shrinks.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PreparedData } from '../data/types';
import { layerSizes, parameterCount, trainRun, type TrainOptions, type TrainResult } from '../engine';
import { outputsFor } from '../experiment/outputs';
import type { BackendName, RunRecord } from '../engine/types';
import { applyRunEvent } from '../run/apply';
import type { RunSpec } from '../experiment/schema';
import type { FromMember, MemberJob, ToMember } from '../../protocol';

export interface ThreadJob {
  spec: RunSpec;
  data: PreparedData;
  /** id, group, kind and onEvent; the run's events reach it on this thread as they arrive. */
  options: TrainOptions;
}

export interface ThreadPoolOptions {
  threads: number;
  /** The bundled member worker (dist/member-worker.js). */
  workerFile: string;
  wasmDir?: string;
  backend: BackendName;
  signal?: AbortSignal;
}

/**
 * Parameter × training-row × epoch products: roughly what a run costs (the plain kernel does
 * ~150M of them a second on one core here).
 */
export function estimatedWork(spec: RunSpec, data: PreparedData): number {
  const sizes = layerSizes(data.train.d, spec.model, outputsFor(spec, data.classNames.length));
  return parameterCount(sizes) * data.train.n * spec.training.epochs;
}

/**
 * Below this much work in all (a few seconds on one core) a pool costs more than it saves: each
 * thread first loads the engine (~0.3 s of a core). Measured on 2 busy cores: the W5 seed study
 * (76M) took 0.51 s inline and 1.0 s on two lanes.
 */
export const MIN_WORK_FOR_THREADS = 500_000_000;

/** The pool for a bundle: its worker ships beside it (run from source, as in tests, there is none). */
export function threadsBeside(bundleDir: string, count: number): { count: number; workerFile: string } | undefined {
  const workerFile = join(bundleDir, 'member-worker.js');
  return existsSync(workerFile) ? { count, workerFile } : undefined;
}

/**
 * Lanes for `runs` runs. `wanted` 0 (auto): one per core but one, which stays free for the editor
 * and everything else — so a 2-core machine trains on one lane. Never more lanes than runs.
 */
export function threadCount(wanted: number, runs: number): number {
  const n = wanted > 0 ? wanted : availableParallelism() - 1;
  return Math.max(1, Math.min(n, runs));
}

export function trainOnThreads(jobs: ThreadJob[], opts: ThreadPoolOptions): Promise<TrainResult | null>[] {
  const settled = jobs.map(() => deferred<TrainResult | null>());
  let next = 0;
  let alive = 0;
  const workers = new Set<Worker>();
  const cancelAll = () => workers.forEach((w) => w.postMessage({ type: 'cancel' } satisfies ToMember));
  opts.signal?.addEventListener('abort', cancelAll, { once: true });

  const retire = (worker: Worker, reason?: Error) => {
    if (!workers.delete(worker)) return;
    void worker.terminate();
    laneEnded(reason);
  };
  const laneEnded = (reason?: Error) => {
    alive -= 1;
    if (alive > 0) return;
    opts.signal?.removeEventListener('abort', cancelAll);
    // The last lane has ended: nothing is left to take the jobs that have not started.
    while (next < jobs.length) {
      const d = settled[next++];
      if (reason) d.reject(reason);
      else d.resolve(null);
    }
  };

  // This thread trains too, so n lanes take n - 1 new threads; it starts at once while they load.
  const lanes = threadCount(opts.threads, jobs.length);
  void trainHere();
  for (let t = lanes - 1; t > 0; t--) {
    const worker = new Worker(opts.workerFile, { workerData: { wasmDir: opts.wasmDir } });
    workers.add(worker);
    alive += 1;
    let current = -1;
    let record: RunRecord | undefined;

    const takeNext = () => {
      current = -1;
      if (next >= jobs.length || opts.signal?.aborted) return retire(worker);
      current = next++;
      const { spec, data, options } = jobs[current];
      worker.postMessage({ type: 'job', job: current, spec, data, run: { id: options.id, group: options.group, kind: options.kind }, backend: opts.backend } satisfies MemberJob);
    };

    worker.on('message', (m: FromMember) => {
      const { options } = jobs[m.job];
      switch (m.type) {
        case 'event':
          // The same record the thread builds: one apply, from the same events.
          record = applyRunEvent(m.event.type === 'runStart' ? undefined : record, m.event);
          options.onEvent?.(m.event);
          break;
        case 'done':
          record = applyRunEvent(record, { type: 'runEnd', runId: m.run.id, run: m.run });
          settled[m.job].resolve({ record: record!, weights: m.weights });
          record = undefined;
          takeNext();
          break;
        case 'failed':
          settled[m.job].reject(new Error(m.message));
          record = undefined;
          takeNext();
          break;
      }
    });
    const died = (err: Error) => {
      if (current >= 0) settled[current].reject(err);
      current = -1;
      retire(worker, err);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`a training thread stopped (exit code ${code})`)));
    takeNext();
  }
  return settled.map((d) => d.promise);

  async function trainHere() {
    alive += 1;
    while (next < jobs.length && !opts.signal?.aborted) {
      const job = next++;
      const { spec, data, options } = jobs[job];
      try {
        settled[job].resolve(await trainRun(spec, data, { ...options, backend: opts.backend, signal: opts.signal }));
      } catch (err) {
        settled[job].reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    laneEnded();
  }
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A job nobody awaits yet (the runner takes results in order) must not count as unhandled.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
