// `npm run bench`: the engine's speed on the lessons' workloads, side by side with PyTorch (one
// thread, same data) in the same run, printed as ratios. `--json` ends the output with one JSON
// document; `--only W1,W3` picks workloads; `--repeats N` sets the median's sample count.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { RunSpec } from '../src/core/experiment/schema';
import { prepare } from '../src/core/data';
import type { PreparedData, Table } from '../src/core/data/types';
import { activeBackend, initBackend, trainRun } from '../src/core/engine';
import { trainOnThreads } from '../src/core/runner/threads';
import { gridThreadBeside } from '../src/core/runner/gridThread';
import type { SnapshotOffload } from '../src/core/engine/session';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

interface Workload {
  id: string;
  title: string;
  spec: RunSpec;
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ctx = { baseDir: process.cwd(), workspaceRoot: process.cwd() };

async function timeTraining(s: RunSpec, data: PreparedData, seeds: number[], threads = false, offloadSnapshots?: SnapshotOffload): Promise<number> {
  const start = performance.now();
  if (threads && seeds.length > 1) {
    // Thread start-up (each loads the engine) is part of the time, as it is for a user.
    const jobs = seeds.map((seed) => ({ spec: { ...s, seed }, data, options: { id: 'bench', group: 'bench', kind: 'model' as const, yieldEvery: 1_000_000 } }));
    await Promise.all(trainOnThreads(jobs, { threads: availableParallelism(), workerFile: join(__dirname, 'member-worker.js'), wasmDir: __dirname, backend: activeBackend()! }));
    return performance.now() - start;
  }
  for (const seed of seeds) {
    await trainRun({ ...s, seed }, data, { id: 'bench', group: 'bench', kind: 'model', yieldEvery: 1_000_000, offloadSnapshots });
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

function runTorch(payload: unknown): { id: string; ms_per_epoch: number; ms_grid?: Record<string, number> }[] {
  const r = spawnSync('/usr/bin/python3', [new URL('../bench/torch_ref.py', `file://${__filename}`).pathname], {
    input: JSON.stringify(payload), encoding: 'utf8', maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`torch reference failed: ${r.stderr}`);
  return JSON.parse(r.stdout).results;
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

  const rows: { id: string; ms_per_epoch: number; torch_ms_per_epoch: number | null; ratio: number | null; title: string }[] = [];
  const torchMissing = torchAvailable();
  if (torchMissing) log(`PyTorch reference skipped: /usr/bin/python3 cannot import torch (${torchMissing}); apt-get install python3-torch`);

  const torchPayload: unknown[] = [];
  const ours = new Map<string, number>();
  for (const w of workloads) {
    const data = prepare(w.spec.data, ctx);
    await timeTraining({ ...w.spec, training: { ...w.spec.training, epochs: 5 } }, data, [0]); // warm-up
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) times.push(await timeTraining(w.spec, data, w.seeds, w.threads));
    ours.set(w.id, median(times) / (w.spec.training.epochs * w.seeds.length));
    const sizes = [data.train.d, ...w.spec.model.hidden, w.spec.loss === 'cross-entropy' ? data.classNames.length : 1];
    torchPayload.push({
      id: w.id, sizes, activation: w.spec.model.activation, optimizer: w.spec.optimizer.kind, lr: w.spec.optimizer.lr,
      epochs: w.spec.training.epochs, batch: w.spec.training.batchSize === 'full' ? 0 : w.spec.training.batchSize,
      seeds: w.seeds, repeats, train: tableJson(data.train), val: w.evalEachEpoch ? tableJson(data.val) : null,
      grids: w.id === 'W1' ? [100, 200] : undefined,
    });
    log(`${w.id} done: ${ours.get(w.id)!.toFixed(3)} ms/epoch`);
  }

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

  const torch = torchMissing ? [] : runTorch({ workloads: torchPayload });
  for (const w of workloads) {
    const t = torch.find((r) => r.id === w.id);
    const x = ours.get(w.id)!;
    rows.push({ id: w.id, title: w.title, ms_per_epoch: x, torch_ms_per_epoch: t?.ms_per_epoch ?? null, ratio: t ? x / t.ms_per_epoch : null });
  }
  const torchGrid = torch.find((r) => r.id === 'W1')?.ms_grid;
  const extra: Record<string, unknown> = {};
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
