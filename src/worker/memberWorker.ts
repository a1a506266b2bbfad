// One thread of the runner's pool (src/core/runner/threads.ts): trains the runs it is handed, one
// at a time, with the same engine as a run trained inline, and streams back what each records.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../core/engine/backend';
import { trainRun } from '../core/engine/train';
import { LogitLabError } from '../core/errors';
import type { FromMember, MemberJob, ToMember } from '../protocol';
import { headerOf } from '../core/run/apply';

if (!parentPort) throw new Error('memberWorker must run inside a worker thread');
const port = parentPort;
const post = (msg: FromMember) => port.postMessage(msg);
const { wasmDir } = (workerData ?? {}) as { wasmDir?: string };
let controller: AbortController | undefined;

port.on('message', (msg: ToMember) => {
  if (msg.type === 'cancel') controller?.abort();
  if (msg.type === 'job') void train(msg);
});

async function train({ job, spec, data, run, backend }: MemberJob) {
  controller = new AbortController();
  try {
    await initBackend(backend, { wasmDir: wasmDir ?? __dirname });
    const result = await trainRun(spec, data, {
      ...run,
      backend,
      signal: controller.signal,
      // The run's events travel one message each; the pool builds the record from them.
      onEvent: (event) => post({ type: 'event', job, event }),
    });
    post({ type: 'done', job, run: headerOf(result.record), weights: result.weights });
  } catch (err) {
    post({ type: 'failed', job, message: err instanceof LogitLabError ? err.format() : err instanceof Error ? err.message : String(err) });
  } finally {
    controller = undefined;
  }
}
