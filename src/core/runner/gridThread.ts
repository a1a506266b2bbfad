// One thread beside the training that computes boundary snapshots (src/worker/gridWorker.ts), so
// a run on the plain kernel trains on while its heatmaps are drawn up: on W1 (moons, 2-16-1) a
// 100×100 snapshot costs ~3 epochs, and one every 10 epochs added ~25% to the training time.
// The thread starts on first use and never keeps the process alive while it has nothing to do.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BoundarySnapshot, GridJob, OffloadedGrid, SnapshotOffload } from '../engine';
import type { FromGrid, ToGrid } from '../../protocol';

interface Pending {
  resolve(s: BoundarySnapshot): void;
  reject(err: Error): void;
}

export class GridThread implements SnapshotOffload {
  private worker: Worker | undefined;
  /** Why the thread is gone; runs opened after that snapshot inline. */
  private failure: Error | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly workerFile: string) {}

  open(job: GridJob): OffloadedGrid | undefined {
    const worker = this.start();
    if (!worker) return undefined;
    const id = this.nextId++;
    this.send({ type: 'open', id, job });
    return {
      snapshot: (epoch, params) => this.ask(id, epoch, params),
      close: () => this.send({ type: 'close', id }),
    };
  }

  /** Ends the thread (answers still owed are rejected: their runs compute them inline). */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.fail(new Error('the grid thread was stopped'));
    await worker?.terminate();
  }

  private ask(id: number, epoch: number, params: Float32Array): Promise<BoundarySnapshot> {
    if (!this.worker) return Promise.reject(this.failure ?? new Error('the grid thread is not running'));
    const request = this.nextId++;
    const answer = new Promise<BoundarySnapshot>((resolve, reject) => this.pending.set(request, { resolve, reject }));
    // Owed an answer, the thread keeps the process alive; idle, it does not.
    if (this.pending.size === 1) this.worker.ref();
    this.send({ type: 'snapshot', id, request, epoch, params });
    return answer;
  }

  private send(msg: ToGrid): void {
    this.worker?.postMessage(msg);
  }

  private start(): Worker | undefined {
    if (this.worker || this.failure) return this.worker;
    try {
      const worker = new Worker(this.workerFile);
      worker.on('message', (msg: FromGrid) => this.answer(msg));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => this.fail(new Error(`the grid thread stopped (exit code ${code})`)));
      // After the listeners: adding a 'message' listener refs the thread again.
      worker.unref();
      this.worker = worker;
    } catch (err) {
      this.failure = err as Error;
    }
    return this.worker;
  }

  private answer(msg: FromGrid): void {
    const p = this.pending.get(msg.request);
    if (!p) return;
    this.pending.delete(msg.request);
    if (this.pending.size === 0) this.worker?.unref();
    if (msg.type === 'snapshot') p.resolve(msg.snapshot);
    else p.reject(new Error(msg.message));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

const shared = new Map<string, GridThread>();

/**
 * The grid thread of a bundle (dist/grid-worker.js ships beside it; run from source, as in
 * tests, there is none), one per process or thread. None on a single core: there the grid's
 * work cannot leave the training's core, and a thread would only add switching.
 */
export function gridThreadBeside(bundleDir: string): GridThread | undefined {
  const workerFile = join(bundleDir, 'grid-worker.js');
  if (availableParallelism() < 2 || !existsSync(workerFile)) return undefined;
  let thread = shared.get(workerFile);
  if (!thread) shared.set(workerFile, (thread = new GridThread(workerFile)));
  return thread;
}
