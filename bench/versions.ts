// `npx tsx bench/versions.ts --base DIR`: this checkout's engine against another checkout's (DIR,
// e.g. a `git worktree` of the previous release, built with `npm run build`) in one process, on
// the lessons' workloads. Each repeat trains with the base engine, then with this one, so both see
// the same load; a ratio (this / base) is the median of the paired ratios. Below 1 is faster.
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';

interface Engine {
  label: string;
  RunSpec: { parse(v: unknown): unknown };
  prepare(spec: unknown, ctx: object): unknown;
  initBackend(b: string): Promise<unknown>;
  trainRun(spec: unknown, data: unknown, opts: object): Promise<{ record: { history: { trainLoss: number }[] } }>;
}

const args = process.argv.slice(2);
const valueOf = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const baseDir = valueOf('--base');
if (!baseDir) {
  console.error('usage: npx tsx bench/versions.ts --base DIR [--repeats N] [--only W1,W2] (DIR: another checkout, built)');
  process.exit(2);
}
const repeats = Number(valueOf('--repeats') ?? 5);
const only = valueOf('--only')?.split(',');

const workloads: { id: string; title: string; spec: object; kernel?: string }[] = [
  { id: 'W1', title: 'moons 300, 2-16-1, Adam, full batch, 500 epochs (plain kernel)', spec: { data: { kind: 'moons', samples: 300, noise: 0.1, validation: 0 }, model: { hidden: [16] }, optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 500 } } },
  { id: 'W1v', title: 'moons 300, 2-8-8-1 tanh, SGD momentum, batch 32, 100 epochs + validation (plain)', spec: { data: { kind: 'moons', samples: 300, noise: 0.2, validation: 0.2 }, model: { hidden: [8, 8], activation: 'tanh' }, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 }, training: { epochs: 100, batchSize: 32 } } },
  { id: 'W2', title: 'capstone big 2-256×3-2, 210 samples, full batch, 60 epochs (wide kernel)', spec: { data: { kind: 'moons', samples: 210, noise: 0.3, validation: 0 }, model: { hidden: [256, 256, 256] }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 60 } } },
  { id: 'W2t', title: 'the same on the TF.js kernel, 20 epochs', kernel: 'tfjs', spec: { data: { kind: 'moons', samples: 210, noise: 0.3, validation: 0 }, model: { hidden: [256, 256, 256] }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 20 } } },
  { id: 'W4', title: 'moons 2-16-1, a 100×100 snapshot every epoch, 100 epochs', spec: { data: { kind: 'moons', samples: 300, noise: 0.1, validation: 0.2 }, model: { hidden: [16] }, training: { epochs: 100 }, record: { every: 1, grid: 100 } } },
  { id: 'W5', title: 'ring 2-4-4-2, 5 seeds × 300 epochs, cross-entropy, SGD', spec: { data: { kind: 'ring', samples: 300, validation: 0 }, model: { hidden: [4, 4], init: 'torch' }, loss: 'cross-entropy', optimizer: { kind: 'sgd', lr: 0.1 }, training: { epochs: 300 } } },
];

async function load(dir: string, label: string): Promise<Engine> {
  const src = (p: string) => resolve(dir, 'src/core', p);
  const schema = await import(src('experiment/schema.ts'));
  const data = await import(src('data/index.ts'));
  const engine = await import(src('engine/index.ts'));
  return { label, RunSpec: schema.RunSpec, prepare: data.prepare, initBackend: engine.initBackend, trainRun: engine.trainRun };
}

async function time(engine: Engine, w: (typeof workloads)[number]): Promise<{ ms: number; loss: number }> {
  const seeds = w.id === 'W5' ? [0, 1, 2, 3, 4] : [0];
  const spec = engine.RunSpec.parse({ record: { every: 1_000_000, grid: 100 }, ...w.spec }) as { data: unknown };
  const data = engine.prepare(spec.data, { baseDir: process.cwd(), workspaceRoot: process.cwd() });
  const start = performance.now();
  let loss = 0;
  for (const seed of seeds) {
    const { record } = await engine.trainRun({ ...spec, seed }, data, { id: 'bench', group: 'bench', kind: 'model', yieldEvery: 1_000_000, ...(w.kernel ? { kernel: w.kernel } : {}) });
    loss += record.history.at(-1)!.trainLoss;
  }
  return { ms: performance.now() - start, loss };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const base = await load(resolve(baseDir!), 'base');
  const head = await load(resolve(__dirname, '..'), 'this');
  await base.initBackend('wasm');
  await head.initBackend('wasm');
  console.log(`base ${resolve(baseDir!)} · ${repeats} paired repeats, medians; ratio = this / base`);
  const rows = [];
  for (const w of workloads.filter((x) => !only || only.includes(x.id))) {
    // One warm-up each: compilation and the first wasm instantiation are not what is compared.
    await time(base, w);
    await time(head, w);
    const ratios: number[] = [];
    const ms: { base: number[]; head: number[] } = { base: [], head: [] };
    let same = true;
    for (let r = 0; r < repeats; r++) {
      const a = await time(base, w);
      const b = await time(head, w);
      ms.base.push(a.ms);
      ms.head.push(b.ms);
      ratios.push(b.ms / a.ms);
      same &&= a.loss === b.loss;
    }
    const row = { id: w.id, title: w.title, base_ms: median(ms.base), this_ms: median(ms.head), ratio: median(ratios), same_losses: same };
    rows.push(row);
    console.log(`${w.id.padEnd(4)} ${row.base_ms.toFixed(1).padStart(8)} ms → ${row.this_ms.toFixed(1).padStart(8)} ms   ×${row.ratio.toFixed(3)}   ${same ? 'same final losses' : 'final losses DIFFER'}   ${w.title}`);
  }
  if (args.includes('--json')) console.log(JSON.stringify({ versions: rows }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
