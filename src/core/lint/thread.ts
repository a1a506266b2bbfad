// The client of the lint thread (src/worker/lintWorker.ts): LintService's calls, answered off the
// calling thread. The thread's young generation is larger than Node's default because a re-lint
// allocates many short-lived objects; at 64 MB a one-line edit of a 2,000-line project file went
// from 15.5 to 14.4 ms (bench/lint.ts). When the thread cannot start, or stops, calls run in
// process on a LintService of their own, and `onRestart` tells the caller its folders must be
// indexed again.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { FromLint, ToLint } from '../../protocol';
import { LintService, type LintCalls } from './service';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export interface LintThreadOptions {
  /** The young generation's size (MB); Node's default is 16 on 64-bit machines. */
  youngMb?: number;
  /** Called when the thread stopped and a new one (or the in-process fallback) took over: the projects it held are gone. */
  onRestart?: (why: Error) => void;
}

export class LintThread {
  private worker: Worker | undefined;
  private inProcess: LintService | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private restarts = 0;
  private disposed = false;

  constructor(
    private readonly workerFile: string,
    private readonly options: LintThreadOptions = {},
  ) {}

  /** Whether calls go to a thread (false: in process, when there is no thread file or the thread kept stopping). */
  get threaded(): boolean {
    return !this.inProcess;
  }

  call<K extends keyof LintCalls>(method: K, ...args: Parameters<LintCalls[K]>): ReturnType<LintCalls[K]> {
    return this.send(method, args) as ReturnType<LintCalls[K]>;
  }

  private async send(method: string, args: unknown[]): Promise<unknown> {
    if (this.disposed) throw new Error('the linter was stopped');
    const worker = this.start();
    if (!worker) {
      const service = this.inProcess!;
      return (service as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method].apply(service, args);
    }
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // Owed an answer, the thread keeps the process alive; idle, it does not.
    if (this.pending.size === 1) worker.ref();
    worker.postMessage({ id, method, args } satisfies ToLint);
    return answer;
  }

  private start(): Worker | undefined {
    if (this.worker || this.inProcess) return this.worker;
    if (!existsSync(this.workerFile)) {
      this.inProcess = new LintService();
      return undefined;
    }
    try {
      const youngMb = this.options.youngMb;
      const worker = new Worker(this.workerFile, youngMb ? { resourceLimits: { maxYoungGenerationSizeMb: youngMb } } : {});
      worker.on('message', (msg: FromLint) => this.answer(msg));
      worker.on('error', (err) => this.stopped(worker, err));
      worker.on('exit', (code) => this.stopped(worker, new Error(`the lint thread stopped (exit code ${code})`)));
      // After the listeners: adding a 'message' listener refs the thread again.
      worker.unref();
      this.worker = worker;
    } catch {
      this.inProcess = new LintService();
    }
    return this.worker;
  }

  private answer(msg: FromLint): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new Error(msg.message));
  }

  private stopped(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    if (this.disposed) return;
    // A thread that keeps dying (out of memory on a huge file, say) is not restarted forever.
    if (++this.restarts > 3) this.inProcess = new LintService();
    this.options.onRestart?.(err);
  }

  /** Stops the thread; calls still owed an answer are rejected. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new Error('the linter was stopped'));
    this.pending.clear();
    await worker?.terminate();
    await this.inProcess?.dispose();
  }
}
