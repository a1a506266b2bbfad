// `npm run bench`: the engine's speed on the lessons' workloads, side by side with PyTorch (one
// thread unless a workload says otherwise, same data) in the same run, printed as ratios. Each
// repeat times our run and then PyTorch's (a Python process kept alive beside us), so both see the
// same load; a ratio is the median of those paired ratios. `--json` ends the output with one JSON
// document; `--only W1,W3` picks workloads; `--repeats N` sets the median's sample count;
// `--capstone-epochs N` the capstone's epochs (default 200; the issue's figure is 2000).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { RunSpec } from '../src/core/experiment/schema';
import { prepare } from '../src/core/data';
import type { PreparedData, Table } from '../src/core/data/types';
import { activeBackend, initBackend, trainRun } from '../src/core/engine';
import { trainOnThreads } from '../src/core/runner/threads';
import { gridThreadBeside } from '../src/core/runner/gridThread';
import type { SnapshotOffload } from '../src/core/engine/session';
import type { KernelName } from '../src/core/engine/types';
import { loadWideKernel, preferWideSimd } from '../src/core/engine/wide-kernel';
import { useWideThreads } from '../src/core/engine/wide-threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

interface Workload {
  id: string;
  title: string;
  spec: RunSpec;
  /** More models trained one after the other on the same data (the capstone's variants); `spec` is the first. */
  variants?: RunSpec[];
  /** Force a kernel (default: the engine's choice). */
  kernel?: KernelName;
  /** PyTorch's intra-op threads for this workload (default 1). */
  torchThreads?: number;
  /** Threads our wide kernel splits its products over (default 1). */
  wideThreads?: number;
  /** The wide kernel's plain-SIMD build instead of the preferred (relaxed) one. */
  plainSimd?: boolean;
  seeds: number[];
  /** Per-epoch validation (W3). */
  evalEachEpoch: boolean;
  /** Seeds spread over a pool of worker threads, one per core (the runner's default for big studies). */
  threads?: boolean;
}

const args = process.argv.slice(2);
// `npm run bench --json` hands --json to npm, which passes it on only as npm_config_json.
const json = args.includes('--json') || process.env.npm_config_json === 'true';
const only = valueOf('--only')?.split(',');
const repeats = Number(valueOf('--repeats') ?? 3);
const childWorkload = valueOf('--child-memory');
const capstoneEpochs = Number(valueOf('--capstone-epochs') ?? 200);
const cores = availableParallelism();

function valueOf(flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

const NO_SNAPSHOTS = 1_000_000;

function spec(partial: Record<string, unknown>): RunSpec {
  return RunSpec.parse({ record: { every: NO_SNAPSHOTS, grid: 100 }, ...partial });
}

const workloads: Workload[] = [
  {
    id: 'W1', title: 'moons 300, 2-16-1, Adam, full batch, 500 epochs', seeds: [0], evalEachEpoch: false,
    spec: spec({ data: { kind: 'moons', samples: 300, noise: 0.1, validation: 0 }, model: { hidden: [16] }, optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 500 } }),
  },
  {
    id: 'W2', title: 'capstone big 2-256×3-2, 210 samples, full batch, 200 epochs', seeds: [0], evalEachEpoch: false,
    spec: spec({ data: { kind: 'moons', samples: 210, noise: 0.3, validation: 0 }, model: { hidden: [256, 256, 256] }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 200 } }),
  },
  {
    id: 'W2t', title: 'W2 on the tfjs kernel (tfjs-wasm: the path before)', seeds: [0], evalEachEpoch: false, kernel: 'tfjs' as const,
    spec: spec({ data: { kind: 'moons', samples: 210, noise: 0.3, validation: 0 }, model: { hidden: [256, 256, 256] }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 50 } }),
  },
  {
    id: 'W2s', title: 'W2 on the wide kernel\'s plain-SIMD build (no fused multiply-add)', seeds: [0], evalEachEpoch: false, plainSimd: true,
    spec: spec({ data: { kind: 'moons', samples: 210, noise: 0.3, validation: 0 }, model: { hidden: [256, 256, 256] }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 200 } }),
  },
  {
    id: 'W2n', title: `W2 on all ${cores} cores, each (PyTorch set_num_threads(${cores}))`, seeds: [0], evalEachEpoch: false, torchThreads: cores, wideThreads: cores,
    spec: spec({ data: { kind: 'moons', samples: 210, noise: 0.3, validation: 0 }, model: { hidden: [256, 256, 256] }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 200 } }),
  },
  capstone(),
  {
    id: 'W3', title: 'tabular 1000×10, 10-32-1, batch 32, 20 epochs + per-epoch eval', seeds: [0], evalEachEpoch: true,
    spec: spec({ data: { kind: 'tabular', samples: 1000, features: 10, validation: 0.2 }, model: { hidden: [32] }, optimizer: { kind: 'adam', lr: 0.001 }, training: { epochs: 20, batchSize: 32 } }),
  },
  {
    id: 'W5', title: 'ring 2-4-4-2, 20 seeds × 300 epochs (a seed study)', seeds: [...Array(20).keys()], evalEachEpoch: false,
    spec: spec({ data: { kind: 'ring', samples: 300, validation: 0 }, model: { hidden: [4, 4], init: 'torch' }, loss: 'cross-entropy', optimizer: { kind: 'sgd', lr: 0.1 }, training: { epochs: 300 } }),
  },
  {
    id: 'W5t', title: `W5 with the seeds spread over ${availableParallelism()} threads (one per core)`, seeds: [...Array(20).keys()], evalEachEpoch: false, threads: true,
    spec: spec({ data: { kind: 'ring', samples: 300, validation: 0 }, model: { hidden: [4, 4], init: 'torch' }, loss: 'cross-entropy', optimizer: { kind: 'sgd', lr: 0.1 }, training: { epochs: 300 } }),
  },
].filter((w) => !only || only.includes(w.id));

/** examples/capstone.experiment.json's three variants on its data (210 training, 90 validation points), 5 seeds each. */
function capstone(): Workload {
  const base = { data: { kind: 'moons', samples: 300, noise: 0.3, validation: 0.3 }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: capstoneEpochs } };
  const variants = [
    spec({ ...base, name: 'tiny', model: { hidden: [2], activation: 'tanh' } }),
    spec({ ...base, name: 'big', model: { hidden: [256, 256, 256], activation: 'relu' } }),
    spec({ ...base, name: 'good', model: { hidden: [16, 16], activation: 'relu', dropout: 0.2 }, optimizer: { kind: 'adam', lr: 0.01, weightDecay: 0.0001 } }),
  ];
  return {
    id: 'CAP', title: `capstone 3 variants × 5 seeds × ${capstoneEpochs} epochs (+ validation each epoch)`,
    seeds: [0, 1, 2, 3, 4], evalEachEpoch: true, spec: variants[0], variants,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ctx = { baseDir: process.cwd(), workspaceRoot: process.cwd() };

async function timeWorkload(w: Workload, data: PreparedData, epochs?: number): Promise<number> {
  let total = 0;
  useWideThreads(w.wideThreads ?? 1);
  preferWideSimd(w.plainSimd ? 'simd' : 'relaxed');
  try {
    for (const s of w.variants ?? [w.spec]) {
      const run = epochs ? { ...s, training: { ...s.training, epochs } } : s;
      total += await timeTraining(run, data, epochs ? [0] : w.seeds, w.threads, undefined, w.kernel);
    }
  } finally {
    useWideThreads(1);
    preferWideSimd('relaxed');
  }
  return total;
}

async function timeTraining(s: RunSpec, data: PreparedData, seeds: number[], threads = false, offloadSnapshots?: SnapshotOffload, kernel?: KernelName): Promise<number> {
  const start = performance.now();
  if (threads && seeds.length > 1) {
    // Thread start-up (each loads the engine) is part of the time, as it is for a user.
    const jobs = seeds.map((seed) => ({ spec: { ...s, seed }, data, options: { id: 'bench', group: 'bench', kind: 'model' as const, yieldEvery: 1_000_000 } }));
    await Promise.all(trainOnThreads(jobs, { threads: availableParallelism(), workerFile: join(__dirname, 'member-worker.js'), wasmDir: __dirname, backend: activeBackend()! }));
    return performance.now() - start;
  }
  for (const seed of seeds) {
    await trainRun({ ...s, seed }, data, { id: 'bench', group: 'bench', kind: 'model', yieldEvery: 1_000_000, offloadSnapshots, kernel });
  }
  return performance.now() - start;
}

function tableJson(t: Table) {
  return { x: Array.from(t.x), y: Array.from(t.y), n: t.n, d: t.d };
}

function torchAvailable(): string | null {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || r.error?.message || 'python3 missing').trim().split('\n').pop()!;
}

interface TorchResult { id: string; ms_per_epoch: number; ms_total: number; ms_grid?: Record<string, number> }

/** bench/torch_ref.py kept running: one workload per line, answered in order. */
class TorchReference {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (r: TorchResult) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';

  constructor() {
    this.child = spawn('/usr/bin/python3', [new URL('../bench/torch_ref.py', `file://${__filename}`).pathname]);
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.resolve(JSON.parse(line)));
    this.child.stderr.on('data', (d) => (this.stderr += d));
    this.child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`torch reference exited (${code}): ${this.stderr}`));
    });
  }

  run(payload: object): Promise<TorchResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(JSON.stringify(payload) + '\n');
    });
  }

  /** PyTorch's time for a workload (all its variants): total ms. */
  async time(payloads: object[]): Promise<number> {
    let total = 0;
    for (const p of payloads) total += (await this.run(p)).ms_total;
    return total;
  }

  close(): void {
    this.child.stdin.end();
  }
}

async function peakMemoryOf(id: string): Promise<number> {
  const r = spawnSync(process.execPath, [__filename, '--child-memory', id], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
}

async function main() {
  const backend = await initBackend((valueOf('--backend') as 'auto') ?? 'auto', { wasmDir: __dirname });
  if (childWorkload) {
    const w = workloads.find((x) => x.id === childWorkload) ?? [] as never;
    await timeTraining(w.spec, prepare(w.spec.data, ctx), w.seeds, w.threads);
    process.stdout.write(String(process.resourceUsage().maxRSS / 1024));
    return;
  }
  const log = (s: string) => process.stderr.write(s + '\n');
  log(`backend: ${backend.name}${backend.fallbackFrom ? ` (fallback from ${backend.fallbackFrom})` : ''}; ${repeats} repeats, medians`);

  type Row = { id: string; ms_per_epoch: number; torch_ms_per_epoch: number | null; ratio: number | null; title: string; ms_total?: number; torch_ms_total?: number | null };
  const rows: Row[] = [];
  const torchMissing = torchAvailable();
  if (torchMissing) log(`PyTorch reference skipped: /usr/bin/python3 cannot import torch (${torchMissing}); apt-get install python3-torch`);
  const torch = torchMissing ? undefined : new TorchReference();
  const wide = loadWideKernel();
  log(`wide kernel: ${wide ? `${wide.simd} SIMD` : 'unavailable'}`);

  for (const w of workloads) {
    const data = prepare(w.spec.data, ctx);
    const variants = w.variants ?? [w.spec];
    const epochs = w.spec.training.epochs;
    const payloads = variants.map((s) => ({
      id: w.id, sizes: [data.train.d, ...s.model.hidden, s.loss === 'cross-entropy' ? data.classNames.length : 1],
      activation: s.model.activation, dropout: s.model.dropout, optimizer: s.optimizer.kind, lr: s.optimizer.lr, weight_decay: s.optimizer.weightDecay,
      epochs: s.training.epochs, batch: s.training.batchSize === 'full' ? 0 : s.training.batchSize, threads: w.torchThreads ?? 1,
      seeds: w.seeds, repeats: 1, train: tableJson(data.train), val: w.evalEachEpoch ? tableJson(data.val) : null,
    }));
    // Warm-ups: our kernels compiled, PyTorch's allocator and threads started.
    await timeWorkload(w, data, 5);
    if (torch) await torch.time(payloads.map((p) => ({ ...p, epochs: 5, seeds: [0] })));
    const times: number[] = [];
    const torchTimes: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < repeats; i++) {
      times.push(await timeWorkload(w, data));
      if (!torch) continue;
      torchTimes.push(await torch.time(payloads));
      ratios.push(times[i] / torchTimes[i]);
    }
    const perEpoch = epochs * w.seeds.length * variants.length;
    const row: Row = {
      id: w.id, title: w.title, ms_per_epoch: median(times) / perEpoch,
      torch_ms_per_epoch: torch ? median(torchTimes) / perEpoch : null, ratio: torch ? median(ratios) : null,
    };
    if (w.variants) Object.assign(row, { ms_total: median(times), torch_ms_total: torch ? median(torchTimes) : null });
    rows.push(row);
    log(`${w.id} done: ${row.ms_per_epoch.toFixed(3)} ms/epoch${row.ratio ? `, ${row.ratio.toFixed(2)}× PyTorch` : ''}`);
  }
  const torchGrid = torch && workloads.some((w) => w.id === 'W1')
    ? (await torch.run({ id: 'W1', sizes: [2, 16, 1], activation: 'relu', optimizer: 'adam', lr: 0.01, epochs: 500, batch: 0, seeds: [0], train: tableJson(prepare(workloads.find((w) => w.id === 'W1')!.spec.data, ctx).train), grids: [100, 200] })).ms_grid
    : undefined;
  torch?.close();

  // W4 and the snapshot overhead: W1 again with boundary snapshots — taken inline, and (as the CLI
  // and the extension do on a machine with 2+ cores) on the grid thread while the run trains on.
  const w1 = workloads.find((w) => w.id === 'W1');
  const snapshot: Record<string, number> = {};
  const gridThread = gridThreadBeside(__dirname);
  if (w1) {
    // Each run with snapshots is timed right after one without (the machine's load drifts), and
    // the added time is the median of those paired differences.
    const data = prepare(w1.spec.data, ctx);
    const conditions: [string, number, number, SnapshotOffload | undefined][] = [['every10_100', 10, 100, undefined], ['every1_100', 1, 100, undefined], ['every1_200', 1, 200, undefined]];
    if (gridThread) {
      await timeTraining({ ...w1.spec, record: { ...w1.spec.record, every: 10, grid: 100 } }, data, [0], false, gridThread); // starts the thread
      conditions.push(['every10_100_thread', 10, 100, gridThread]);
    }
    for (const [label, every, grid, offload] of conditions) {
      const s = { ...w1.spec, record: { ...w1.spec.record, every, grid } };
      const added: number[] = [];
      const bases: number[] = [];
      for (let i = 0; i < Math.max(repeats, 5); i++) {
        const base = await timeTraining(w1.spec, data, [0]);
        added.push((await timeTraining(s, data, [0], false, offload)) - base);
        bases.push(base);
      }
      snapshot[label] = median(added);
      snapshot[`${label}_base`] = median(bases);
    }
  }

  const extra: Record<string, unknown> = { wide_kernel: wide ? `${wide.simd} SIMD` : 'unavailable', capstone_epochs: capstoneEpochs };
  if (w1) {
    const epochs = w1.spec.training.epochs;
    const per100 = snapshot.every1_100 / epochs;
    const per200 = snapshot.every1_200 / epochs;
    rows.push({ id: 'W4a', title: 'boundary snapshot 100×100 (ms per snapshot)', ms_per_epoch: per100, torch_ms_per_epoch: torchGrid?.['100'] ?? null, ratio: torchGrid ? per100 / torchGrid['100'] : null });
    rows.push({ id: 'W4b', title: 'boundary snapshot 200×200 (ms per snapshot)', ms_per_epoch: per200, torch_ms_per_epoch: torchGrid?.['200'] ?? null, ratio: torchGrid ? per200 / torchGrid['200'] : null });
    extra.snapshot_overhead_every10_100_inline = snapshot.every10_100 / snapshot.every10_100_base;
    extra.snapshot_overhead_every10_100 = gridThread ? snapshot.every10_100_thread / snapshot.every10_100_thread_base : extra.snapshot_overhead_every10_100_inline;
  }
  if (!only || only.includes('W2')) extra.peak_rss_mb_W2 = await peakMemoryOf('W2');

  const fmt = (v: number | null, d = 3) => (v === null ? '—' : v.toFixed(d));
  const lines = [
    `${'id'.padEnd(5)} ${'workload'.padEnd(62)} ${'ms/epoch'.padStart(9)} ${'torch'.padStart(9)} ${'ratio'.padStart(7)}`,
    ...rows.map((r) => `${r.id.padEnd(5)} ${r.title.padEnd(62)} ${fmt(r.ms_per_epoch).padStart(9)} ${fmt(r.torch_ms_per_epoch).padStart(9)} ${(r.ratio === null ? '—' : r.ratio.toFixed(2) + '×').padStart(7)}`),
  ];
  for (const r of rows) {
    if (r.ms_total !== undefined) lines.push(`${r.id}: ${(r.ms_total / 1000).toFixed(1)} s in all vs PyTorch ${r.torch_ms_total ? (r.torch_ms_total / 1000).toFixed(1) + ' s' : '—'}`);
  }
  lines.push(`wide kernel: ${extra.wide_kernel}; ratios are medians of paired (ours, then PyTorch) repeats`);
  if (extra.snapshot_overhead_every10_100 !== undefined) {
    const pct = (v: unknown) => `${((v as number) * 100).toFixed(1)}%`;
    lines.push(gridThread
      ? `snapshots every 10 epochs at 100×100 add ${pct(extra.snapshot_overhead_every10_100)} to W1's training time on the grid thread (${pct(extra.snapshot_overhead_every10_100_inline)} taken inline)`
      : `snapshots every 10 epochs at 100×100 add ${pct(extra.snapshot_overhead_every10_100)} to W1's training time (taken inline: one core, or no grid-worker.js beside the bench)`);
  }
  if (extra.peak_rss_mb_W2 !== undefined) lines.push(`peak memory of a W2 run (whole process): ${(extra.peak_rss_mb_W2 as number).toFixed(0)} MB`);
  process.stdout.write(lines.join('\n') + '\n');
  if (json) {
    process.stdout.write(JSON.stringify({ backend: backend.name, workloads: rows.map(({ title: _t, ...r }) => r), ...extra }) + '\n');
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
