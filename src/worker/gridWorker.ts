// The grid thread (src/core/runner/gridThread.ts): computes the boundary snapshots of runs that
// train on other threads, from the parameters they send, in the order they are asked for.
import { parentPort } from 'node:worker_threads';
import { DetachedGrid } from '../core/engine/plain-grid';
import type { FromGrid, ToGrid } from '../protocol';

if (!parentPort) throw new Error('gridWorker must run inside a worker thread');
const port = parentPort;
const post = (msg: FromGrid) => port.postMessage(msg);
const grids = new Map<number, DetachedGrid>();

port.on('message', (msg: ToGrid) => {
  switch (msg.type) {
    case 'open':
      grids.set(msg.id, new DetachedGrid(msg.job));
      return;
    case 'snapshot':
      try {
        const grid = grids.get(msg.id);
        if (!grid) throw new Error(`no grid ${msg.id} is open`);
        const snapshot = grid.snapshot(msg.epoch, msg.params);
        // Moved, not copied: the grid thread is done with it.
        port.postMessage({ type: 'snapshot', request: msg.request, snapshot } satisfies FromGrid, [(snapshot.probs as Float64Array).buffer as ArrayBuffer]);
      } catch (err) {
        post({ type: 'failed', request: msg.request, message: err instanceof Error ? err.message : String(err) });
      }
      return;
    case 'close':
      grids.delete(msg.id);
  }
});
