// The lint thread (src/core/lint/thread.ts): the editor's linter, answering one call at a time in
// the order asked, so an edit's re-lint always sees the files set before it.
import { parentPort } from 'node:worker_threads';
import { LintService } from '../core/lint/service';
import type { FromLint, ToLint } from '../protocol';

if (!parentPort) throw new Error('lintWorker must run inside a worker thread');
const port = parentPort;
const service = new LintService();
const methods = service as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
let queue: Promise<unknown> = Promise.resolve();

port.on('message', (msg: ToLint) => {
  queue = queue.then(async () => {
    try {
      const method = methods[msg.method];
      if (typeof method !== 'function' || msg.method === 'constructor') throw new Error(`the lint thread has no call "${msg.method}"`);
      port.postMessage({ id: msg.id, ok: true, value: await method.apply(service, msg.args) } satisfies FromLint);
    } catch (err) {
      port.postMessage({ id: msg.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies FromLint);
    }
  });
});
