// Runs experiments in a worker_threads Worker (dist/worker.js) so the extension host never blocks:
// one training at a time, others queued; a cancellable progress notification, the status bar and the
// output channel follow it; partial runs survive a stop because the worker writes them as it goes.
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { BackendName, RunRecord } from '../core/engine/types';
import type { FromTrainWorker, FromWorker, TrainRequest } from '../protocol';
import { applyRunEvent } from '../core/run/apply';
import { rememberRun } from '../core/run/history';
import { settings } from './config';
import { log } from './log';
import { headline } from './headline';
import { experimentNameOfFile, newOutDir } from './outDir';
import type { StatusBar } from './status';

export interface TrainingResult {
  experiment: vscode.Uri;
  name: string;
  outDir: string;
  runs: RunRecord[];
  runDirs: string[];
  cancelled: boolean;
  /** The worker failed before recording anything (bad file, crash). */
  failed: boolean;
  errors: string[];
  backend?: BackendName;
  wallMs: number;
  headline: string;
}

/**
 * The result of the Train command goes back to whoever ran it. Run from the palette, a CodeLens or a
 * menu, that is the workbench, in another process: VS Code serialises the value as JSON on the
 * extension host's thread — the full records, every epoch and boundary (12,000 epochs and 600
 * boundaries: 0.55 s measured, with the panel's final picture queued behind it). Callers in this
 * process (the API, tests) keep the full records; the JSON form is the summary.
 */
function slimWhenSerialized(result: TrainingResult): void {
  Object.defineProperty(result, 'toJSON', {
    enumerable: false,
    value: () => ({
      name: result.name,
      outDir: result.outDir,
      runDirs: result.runDirs,
      cancelled: result.cancelled,
      failed: result.failed,
      errors: result.errors,
      backend: result.backend,
      wallMs: result.wallMs,
      headline: result.headline,
      runs: result.runs.map((r) => ({ id: r.id, name: r.name, status: r.status, stopReason: r.stopReason, epochs: r.history.length })),
    }),
  });
}

export interface TrainingOptions {
  /** Ask before stopping or queueing behind a running training (false: queue silently). */
  interactive?: boolean;
}

interface Job {
  uri: vscode.Uri;
  workspaceRoot: string;
  options: TrainingOptions;
  resolve: (r: TrainingResult | undefined) => void;
}

/** How long a worker that has finished is left before it is ended (see WorkerRun.finish). */
const WORKER_END_DELAY_MS = 1000;
/** How long an ending worker is given to finish writing its report. */
const REPORT_WAIT_MS = 10_000;

/**
 * Progress updates (the notification and the status bar) are throttled: a fast run emits thousands
 * of epochs a second, and each update is workbench work on the thread the live panel paints on
 * (code-server): twice a second, with the status bar's still icon, the panel painted a median of 26
 * boundaries a second (12–33, 10 runs) against 19.9 (15–23, 11 runs) at ten updates a second with a
 * spinning icon; twice a second with the spin, 19.5 (7 runs).
 */
const UI_INTERVAL_MS = 500;

export class Trainer implements vscode.Disposable {
  private readonly messageEmitter = new vscode.EventEmitter<{ job: vscode.Uri; msg: FromWorker }>();
  private readonly startEmitter = new vscode.EventEmitter<{ experiment: vscode.Uri; outDir: string }>();
  private readonly finishEmitter = new vscode.EventEmitter<TrainingResult>();
  readonly onMessage = this.messageEmitter.event;
  readonly onDidStart = this.startEmitter.event;
  readonly onDidFinish = this.finishEmitter.event;

  private current?: WorkerRun;
  private readonly queue: Job[] = [];
  /** Run directories a worker of this window is writing right now. */
  readonly liveDirs = new Set<string>();

  constructor(
    private readonly extensionPath: string,
    private readonly status: StatusBar,
  ) {}

  get running(): vscode.Uri | undefined {
    return this.current?.job.uri;
  }

  get queued(): readonly vscode.Uri[] {
    return this.queue.map((j) => j.uri);
  }

  /** Trains `uri`; resolves when it ends (undefined when the user chose not to). */
  async train(uri: vscode.Uri, workspaceRoot: string, options: TrainingOptions = {}): Promise<TrainingResult | undefined> {
    if (this.current) {
      const interactive = options.interactive ?? true;
      const running = vscode.workspace.asRelativePath(this.current.job.uri);
      const choice = interactive
        ? await vscode.window.showWarningMessage(
            `Logit Lab is training ${running}. Stop it and train ${vscode.workspace.asRelativePath(uri)}, or queue this one to start after it?`,
            { modal: true },
            'Stop and Train',
            'Queue',
          )
        : 'Queue';
      if (!choice) return undefined;
      if (choice === 'Stop and Train') {
        this.clearQueue();
        const p = new Promise<TrainingResult | undefined>((resolve) => this.queue.unshift({ uri, workspaceRoot, options, resolve }));
        this.current?.cancel();
        return p;
      }
      log().info(`Queued ${vscode.workspace.asRelativePath(uri)} behind ${running}.`);
      return new Promise((resolve) => this.queue.push({ uri, workspaceRoot, options, resolve }));
    }
    return new Promise((resolve) => this.start({ uri, workspaceRoot, options, resolve }));
  }

  /** Stops the running training (it keeps its partial runs) and drops the queue. */
  async stop(): Promise<boolean> {
    this.clearQueue();
    if (!this.current) return false;
    await this.current.cancel();
    return true;
  }

  private clearQueue(): void {
    for (const job of this.queue.splice(0)) {
      log().info(`Dropped queued training of ${vscode.workspace.asRelativePath(job.uri)}.`);
      job.resolve(undefined);
    }
  }

  /** Workers whose training is over, left to end a moment later (WorkerRun.finish). */
  private readonly lingering = new Set<WorkerRun>();

  /** Resolves once every finished training's worker thread has ended (tests count threads after it). */
  async workersEnded(): Promise<void> {
    await Promise.all([...this.lingering].map((s) => s.exited));
  }

  private start(job: Job): void {
    // A new training does not wait beside an old worker: end those now, before anything shows.
    for (const old of this.lingering) old.endNow();
    const session = new WorkerRun(job, join(this.extensionPath, 'dist', 'worker.js'), this.status, {
      message: (msg) => {
        if (msg.type === 'experimentStart') for (const id of msg.runIds) this.liveDirs.add(join(msg.outDir, id));
        this.messageEmitter.fire({ job: job.uri, msg });
      },
      started: (outDir) => this.startEmitter.fire({ experiment: job.uri, outDir }),
    });
    this.current = session;
    void vscode.commands.executeCommand('setContext', 'logitLab.training', true);
    this.lingering.add(session);
    void session.exited.then(() => this.lingering.delete(session));
    session.run().then((result) => {
      for (const d of [...this.liveDirs]) if (d.startsWith(result.outDir)) this.liveDirs.delete(d);
      this.current = undefined;
      void vscode.commands.executeCommand('setContext', 'logitLab.training', false);
      this.status.idle();
      this.finishEmitter.fire(result);
      job.resolve(result);
      const next = this.queue.shift();
      if (next) this.start(next);
    });
  }

  dispose(): void {
    this.clearQueue();
    void this.current?.cancel();
    for (const old of this.lingering) if (old !== this.current) old.endNow();
    this.messageEmitter.dispose();
    this.startEmitter.dispose();
    this.finishEmitter.dispose();
  }
}

class WorkerRun {
  private worker?: Worker;
  /** Resolves when the worker thread has exited (or never started). */
  readonly exited: Promise<void>;
  private markExited: () => void = () => {};
  /** Resolves when the worker has written the experiment's report (after experimentEnd), or is gone. */
  private readonly reportDone: Promise<void>;
  private markReportDone: () => void = () => {};
  private endTimer?: ReturnType<typeof setTimeout>;
  private readonly runs = new Map<string, RunRecord>();
  private readonly runDirs = new Map<string, string>();
  private readonly errors: string[] = [];
  private cancelRequested = false;
  private ended?: () => void;
  private outDir = '';
  private name = '';
  private backend?: BackendName;
  private runIndex = 0;
  private runTotal = 1;
  private runName = '';
  private lastUi = 0;
  private progress?: vscode.Progress<{ message?: string; increment?: number }>;
  private reportedPct = 0;

  constructor(
    readonly job: Job,
    private readonly workerPath: string,
    private readonly status: StatusBar,
    private readonly hooks: { message: (m: FromWorker) => void; started: (outDir: string) => void },
  ) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    this.reportDone = new Promise((resolve) => (this.markReportDone = resolve));
  }

  async run(): Promise<TrainingResult> {
    const { uri } = this.job;
    const rel = vscode.workspace.asRelativePath(uri);
    const t0 = Date.now();
    this.name = experimentNameOfFile(uri.fsPath);
    this.outDir = newOutDir(this.job.workspaceRoot, this.name);
    const s = settings(uri);
    const request: TrainRequest = {
      type: 'train',
      experimentPath: uri.fsPath,
      workspaceRoot: this.job.workspaceRoot,
      backend: s.backend,
      outDir: this.outDir,
      record: { every: s.boundaryEvery, grid: s.boundaryResolution },
      threads: s.threads,
    };
    log().info(`Training ${rel} (backend setting: ${s.backend}) → ${vscode.workspace.asRelativePath(this.outDir)}`);
    this.status.training(`Logit Lab: ${this.name} starting…`, `Training ${rel}`);
    this.hooks.started(this.outDir);

    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Training ${this.name}`, cancellable: true },
      (progress, token) => {
        this.progress = progress;
        token.onCancellationRequested(() => void this.cancel());
        return new Promise<void>((resolve) => {
          this.ended = resolve;
          this.spawn(request);
        });
      },
    );
    const runs = [...this.runs.values()];
    const cancelled = this.cancelRequested || runs.some((r) => r.status === 'cancelled');
    const failed = runs.length === 0;
    const wallMs = Date.now() - t0;
    const result: TrainingResult = {
      experiment: uri,
      name: this.name,
      outDir: this.outDir,
      runs,
      runDirs: runs.map((r) => this.runDirs.get(r.id) ?? join(this.outDir, r.id)),
      cancelled,
      failed,
      errors: this.errors,
      backend: this.backend,
      wallMs,
      headline: failed ? `${this.name}: ${this.errors[0] ?? 'training failed'}` : headline(this.name, runs, wallMs, cancelled),
    };
    slimWhenSerialized(result);
    log().info(`${result.headline} (${runs.length} run${runs.length === 1 ? '' : 's'}, ${wallMs} ms wall, outDir ${this.outDir})`);
    return result;
  }

  private spawn(request: TrainRequest): void {
    let worker: Worker;
    const threadsBefore = threadIds();
    try {
      worker = new Worker(this.workerPath, { stdout: true, stderr: true, workerData: { extension: true } });
      // The worker's thread exists once the constructor returns: lower it before it loads TF.js.
      lowerPriority(threadsBefore);
      worker.once('online', () => lowerPriority(threadsBefore));
    } catch (err) {
      this.fail(`could not start the training worker: ${(err as Error).message}`);
      return;
    }
    this.worker = worker;
    worker.stdout.on('data', (b: Buffer) => log().info(`[worker] ${b.toString().trimEnd()}`));
    worker.stderr.on('data', (b: Buffer) => log().warn(`[worker] ${b.toString().trimEnd()}`));
    worker.on('message', (msg: FromTrainWorker) => {
      if (msg.type !== 'reportWritten') return this.onMessage(msg);
      if (msg.error) log().warn(msg.error);
      this.markReportDone();
    });
    worker.on('error', (err) => this.fail(`the training worker crashed: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => {
      this.markExited();
      this.markReportDone();
      if (this.ended) this.fail(code === 0 || this.cancelRequested ? 'the training worker stopped before finishing' : `the training worker exited with code ${code}`);
    });
    worker.postMessage(request);
  }

  private onMessage(msg: FromWorker): void {
    this.hooks.message(msg);
    switch (msg.type) {
      case 'backend':
        this.backend = msg.name;
        this.status.backend = msg.name;
        this.status.fallbackFrom = msg.fallbackFrom;
        log().info(`Backend: ${msg.name}${msg.fallbackFrom ? ` (${msg.fallbackFrom} unavailable, fell back)` : ''}`);
        break;
      case 'experimentStart':
        this.outDir = msg.outDir;
        this.name = msg.name;
        this.runTotal = Math.max(1, msg.runIds.length);
        for (const id of msg.runIds) this.runDirs.set(id, join(msg.outDir, id));
        log().info(`Experiment ${msg.name}: ${msg.runIds.length} run${msg.runIds.length === 1 ? '' : 's'} (${msg.runIds.join(', ')})`);
        break;
      case 'runStart':
        this.runIndex = msg.index;
        this.runTotal = msg.total;
        this.runName = msg.run.name;
        this.runs.set(msg.run.id, applyRunEvent(undefined, msg)!);
        log().info(`Run ${msg.index + 1}/${msg.total} ${msg.run.name}: ${msg.run.params} parameters, ${msg.run.config.training.epochs} epochs`);
        this.ui(0, msg.run.config.training.epochs, undefined, true);
        break;
      case 'epoch':
        applyRunEvent(this.runs.get(msg.runId), msg);
        this.ui(msg.epoch.epoch, msg.totalEpochs, msg.epoch.trainLoss);
        break;
      case 'snapshot':
        applyRunEvent(this.runs.get(msg.runId), msg);
        break;
      case 'runEnd': {
        const run = applyRunEvent(this.runs.get(msg.runId), msg)!;
        this.runs.set(run.id, run);
        this.runDirs.set(run.id, msg.dir);
        rememberRun(msg.dir, run);
        const last = run.history[run.history.length - 1];
        log().info(
          `Run ${run.name} ${run.stopReason ?? run.status}${run.message ? ` — ${run.message}` : ''}: ` +
            `${run.history.length} epochs, loss ${last ? last.trainLoss.toFixed(4) : 'n/a'}, ${run.timings.totalMs.toFixed(0)} ms → ${msg.dir}`,
        );
        break;
      }
      case 'error':
        this.errors.push(msg.message);
        log().error(msg.location ? `${msg.location.file}:${msg.location.line}:${msg.location.column}: ${msg.message}` : msg.message);
        break;
      case 'experimentEnd':
        log().info(`Experiment ${this.name} ended${msg.cancelled ? ' (cancelled)' : ''}.`);
        if (msg.cancelled) this.cancelRequested = true;
        this.finish();
        break;
    }
  }

  private ui(epoch: number, total: number, loss: number | undefined, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastUi < UI_INTERVAL_MS && epoch !== total) return;
    this.lastUi = now;
    const runPart = this.runTotal > 1 ? `run ${this.runIndex + 1}/${this.runTotal} ${this.runName} · ` : '';
    const lossPart = loss === undefined ? '' : ` · loss ${Number.isFinite(loss) ? loss.toFixed(4) : String(loss)}`;
    const pct = Math.min(100, ((this.runIndex + (total ? epoch / total : 0)) / this.runTotal) * 100);
    this.progress?.report({ message: `${runPart}epoch ${epoch}/${total}${lossPart}`, increment: Math.max(0, pct - this.reportedPct) });
    this.reportedPct = Math.max(this.reportedPct, pct);
    const shortRun = this.runTotal > 1 ? `${this.runName} (${this.runIndex + 1}/${this.runTotal})` : this.name;
    this.status.training(`${shortRun} ${epoch}/${total}`, `Training ${this.name}: ${runPart}epoch ${epoch}/${total}${lossPart}`);
  }

  /** Asks the worker to stop; it saves partial runs and ends. Terminates it if it does not. */
  async cancel(): Promise<void> {
    if (!this.ended) return;
    if (!this.cancelRequested) log().info(`Stopping ${this.name}…`);
    this.cancelRequested = true;
    this.worker?.postMessage({ type: 'cancel' });
    const worker = this.worker;
    setTimeout(() => {
      if (this.ended && this.worker === worker) {
        log().warn('The worker did not stop within 15 s; terminating it.');
        void worker?.terminate();
      }
    }, 15_000);
  }

  private fail(message: string): void {
    if (!this.ended) return;
    this.errors.push(message);
    log().error(message);
    this.finish();
  }

  private finish(): void {
    const end = this.ended;
    this.ended = undefined;
    // Not at once: ending a worker thread blocked this thread ~0.55 s in code-server, measured
    // (bench/editor-live.ts, a 'hostBlocked' mark right after the experiment's end) — presumably
    // the worker's heap (TF.js, its WebAssembly memory) being torn down — in which no message
    // left the extension host: the panel's final picture waited for it. The worker's work is done;
    // a training that starts meanwhile ends it at once.
    this.endTimer = setTimeout(() => this.endNow(), WORKER_END_DELAY_MS);
    end?.();
  }

  /** Ends the worker thread now (a finished one waits WORKER_END_DELAY_MS otherwise). */
  endNow(): void {
    clearTimeout(this.endTimer);
    const worker = this.worker;
    if (!worker) {
      this.markExited();
      return;
    }
    // Not before the report is written (it follows the experiment's end), unless the thread hangs.
    const waited = new Promise<void>((resolve) => setTimeout(resolve, REPORT_WAIT_MS));
    void Promise.race([this.reportDone, waited]).then(() => worker.terminate());
  }
}

export function workspaceRootFor(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
}

/** Kernel thread ids of this process (Linux), for telling the worker's new thread(s) apart. */
function threadIds(): Set<string> {
  try {
    return new Set(readdirSync('/proc/self/task'));
  } catch {
    return new Set();
  }
}

/**
 * Training is CPU-bound and can wait; the editor cannot. On Linux each thread has its own nice
 * value, so the worker's thread(s) — those that appeared since `before` — run at nice 10 and yield
 * the CPU to the extension host (and everything else) on a busy machine. Elsewhere: a no-op.
 */
function lowerPriority(before: Set<string>): void {
  if (process.platform !== 'linux' || before.size === 0) return;
  for (const tid of threadIds()) {
    if (before.has(tid)) continue;
    try {
      setPriority(Number(tid), 10);
    } catch {
      // Not permitted or already gone: training simply runs at normal priority.
    }
  }
}
