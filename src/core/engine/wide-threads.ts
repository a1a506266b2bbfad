// All cores for one wide run: each large product's rows split over threads that share the
// session's wasm memory (a SharedArrayBuffer). This thread takes the first share and waits for
// the others with Atomics; the threads (lanes) are kept between runs, unref'd, and each runs the
// same compiled kernel on its own instance. Off by default (`useWideThreads`): on a machine whose
// cores are busy — or taken by a seed study's threads — splitting only adds waiting.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { WideExports, WideKernel } from './wide-kernel';

/** Products below this many multiply-adds run on this thread alone: a hand-off costs ~10–50 µs. */
const SPLIT_MIN_MACS = 2_000_000;

// Control block of a lane (Int32Array over a SharedArrayBuffer): the sequence number of the last
// order, the one the lane finished, the operation, its arguments.
const SEQ = 0;
const DONE = 1;
const OP = 2;
const ARGS = 3;
const OP_GEMM = 1;
const OP_DETACH = 2;
const OP_FAILED = -1;
/** A lane that has not answered in this long is taken for dead (a thread cannot be interrupted while it waits). */
const LANE_TIMEOUT_MS = 60_000;

/** The lane's code, run from a string so no bundle has to be found on disk (tests run from source). */
const LANE_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ module, memory, control, seq }) => {
  const ctl = new Int32Array(control);
  const k = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('wide kernel aborted'); } } }).exports;
  let last = seq;
  for (;;) {
    Atomics.wait(ctl, ${SEQ}, last);
    last = Atomics.load(ctl, ${SEQ});
    const op = ctl[${OP}];
    if (op === ${OP_DETACH}) break;
    try {
      if (op === ${OP_GEMM}) k.gemm(ctl[${ARGS}], ctl[${ARGS + 1}], ctl[${ARGS + 2}], ctl[${ARGS + 3}], ctl[${ARGS + 4}], ctl[${ARGS + 5}], ctl[${ARGS + 6}], ctl[${ARGS + 7}], ctl[${ARGS + 8}]);
    } catch {
      ctl[${OP}] = ${OP_FAILED};
    }
    Atomics.store(ctl, ${DONE}, last);
    Atomics.notify(ctl, ${DONE});
  }
  Atomics.store(ctl, ${DONE}, last);
  Atomics.notify(ctl, ${DONE});
});
`;

interface Lane {
  worker: Worker;
  ctl: Int32Array;
  busy: boolean;
}

let wanted = 1;
const idle: Lane[] = [];

/**
 * Threads a wide run may use (this one included): 1 (default) keeps it on its own thread;
 * 0 means one per core.
 */
export function useWideThreads(n: number): void {
  wanted = n <= 0 ? availableParallelism() : Math.max(1, Math.floor(n));
}

export function wideThreads(): number {
  return wanted;
}

function takeLane(): Lane {
  const lane = idle.pop() ?? { worker: new Worker(LANE_SOURCE, { eval: true }), ctl: new Int32Array(new SharedArrayBuffer(16 * 4)), busy: false };
  lane.worker.ref();
  lane.busy = true;
  return lane;
}

/** A session's products, on this thread alone or split over lanes attached to its memory. */
export class WideProducts {
  private readonly lanes: Lane[] = [];

  constructor(private readonly k: WideExports, kernel: WideKernel, memory: WebAssembly.Memory, threads = wanted) {
    for (let i = 1; i < threads; i++) {
      const lane = takeLane();
      lane.worker.postMessage({ module: kernel.module, memory, control: lane.ctl.buffer, seq: Atomics.load(lane.ctl, SEQ) });
      this.lanes.push(lane);
    }
  }

  get threads(): number {
    return this.lanes.length + 1;
  }

  /** gemm (wide-kernel.ts) with C's rows split over the threads: each share is whole rows of A and C. */
  gemm(a: number, sai: number, sap: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void {
    const lanes = this.lanes.length;
    if (lanes === 0 || m * k * n < SPLIT_MIN_MACS) return this.k.gemm(a, sai, sap, b, c, m, k, n, accumulate);
    // Shares of whole 4-row tiles; this thread takes the first.
    const share = Math.ceil(m / (lanes + 1) / 4) * 4;
    let ordered = 0;
    for (let i = 0; i < lanes; i++) {
      const from = share * (i + 1);
      const rows = Math.min(share, m - from);
      if (rows <= 0) break;
      const ctl = this.lanes[i].ctl;
      ctl[OP] = OP_GEMM;
      ctl.set([a + from * sai * 4, sai, sap, b, c + from * n * 4, rows, k, n, accumulate], ARGS);
      Atomics.store(ctl, SEQ, Atomics.load(ctl, SEQ) + 1);
      Atomics.notify(ctl, SEQ);
      ordered++;
    }
    this.k.gemm(a, sai, sap, b, c, Math.min(share, m), k, n, accumulate);
    for (let i = 0; i < ordered; i++) waitDone(this.lanes[i].ctl);
  }

  /** The lanes let go of this memory and wait for the next run. */
  close(): void {
    for (const lane of this.lanes.splice(0)) {
      lane.ctl[OP] = OP_DETACH;
      Atomics.store(lane.ctl, SEQ, Atomics.load(lane.ctl, SEQ) + 1);
      Atomics.notify(lane.ctl, SEQ);
      waitDone(lane.ctl);
      lane.busy = false;
      lane.worker.unref();
      idle.push(lane);
    }
  }
}

function waitDone(ctl: Int32Array): void {
  const seq = Atomics.load(ctl, SEQ);
  const deadline = performance.now() + LANE_TIMEOUT_MS;
  for (;;) {
    const done = Atomics.load(ctl, DONE);
    if (done === seq) break;
    if (performance.now() > deadline) throw new Error('a wide-kernel thread stopped answering');
    Atomics.wait(ctl, DONE, done, LANE_TIMEOUT_MS);
  }
  if (ctl[OP] === OP_FAILED) throw new Error('a wide-kernel thread failed');
}
