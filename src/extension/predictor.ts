// Answers the panel's "try a sample" form. Inference needs TF.js, which only ever loads in a worker,
// so a prediction worker starts on the first request and is kept for a minute of further requests.
import { Worker } from 'node:worker_threads';
import { relative, isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { FromWorker, PredictionResultMsg, PredictRequest } from '../protocol';

const IDLE_MS = 60_000;

export class PredictionWorker implements vscode.Disposable {
  private worker?: Worker;
  private idle?: NodeJS.Timeout;
  private readonly pending = new Map<number, (msg: PredictionResultMsg) => void>();

  constructor(private readonly workerPath: string) {}

  async predict(requestId: number, modelDir: string, input: Record<string, string | number>): Promise<PredictionResultMsg> {
    // Only models saved under an open workspace folder: the webview is not trusted to name paths.
    const inside = (vscode.workspace.workspaceFolders ?? []).some((f) => {
      const rel = relative(f.uri.fsPath, modelDir);
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    });
    if (!inside) return { type: 'prediction', requestId, error: 'That model is not inside this workspace.' };
    const worker = this.ensureWorker();
    clearTimeout(this.idle);
    const reply = new Promise<PredictionResultMsg>((resolve) => this.pending.set(requestId, resolve));
    const req: PredictRequest = { type: 'predict', requestId, modelDir, input };
    worker.postMessage(req);
    const result = await reply;
    this.idle = setTimeout(() => this.dispose(), IDLE_MS);
    return result;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, { workerData: { extension: true } });
    worker.on('message', (msg: FromWorker) => {
      if (msg.type !== 'prediction') return;
      this.pending.get(msg.requestId)?.(msg);
      this.pending.delete(msg.requestId);
    });
    const failAll = (error: string) => {
      for (const [id, resolve] of this.pending) resolve({ type: 'prediction', requestId: id, error });
      this.pending.clear();
      this.worker = undefined;
    };
    worker.on('error', (err) => failAll(`the prediction worker failed: ${err.message}`));
    worker.on('exit', () => failAll('the prediction worker stopped'));
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    clearTimeout(this.idle);
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
