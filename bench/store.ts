// `npm run bench` (part): how a run travels and is kept — the run event stream and the run store.
//   S1  a long run: 20,000-epoch moons, a snapshot every 10 epochs on a 200×200 grid, trained by
//       the runner as the CLI does (store, report, PNGs): wall ms/epoch over the last 10% ÷ the
//       first 10% (a store that rewrites the run so far grows without bound), peak RSS, and the
//       run directory on disk, report included.
//   S2  the moons example (2 runs, 500 epochs): its run directory on disk.
//   S3  one snapshot from the engine to the webview's store, in process: the runner's apply and
//       store write, the clone to the extension host, the host's apply, the clone to the webview,
//       the webview's apply.
// `--json` ends the output with one JSON document; `--only S1,S3` picks parts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gridThreadBeside, runExperiment } from '../src/core/runner';
import type { RunRecord } from '../src/core/engine/types';
import type { FromWorker, RunEvent } from '../src/protocol';
import { applyRunEvent } from '../src/core/run/apply';
import { RunStoreWriter } from '../src/core/run/store';
import { roundToSnapshotPrecision } from '../src/core/run/gridCodec';
import { PanelRuns } from '../webview/store';
import { writeExperimentReport, writeRunPictures } from '../src/report/artifacts';

const ROOT = resolve(__dirname, '..');
const args = process.argv.slice(2);
const json = args.includes('--json') || process.env.npm_config_json === 'true';
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
const results: Record<string, unknown> = {};
const print = (line: string) => { if (!json) console.log(line); else console.error(line); };

function duBytes(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + duBytes(join(path, name)), 0);
}

const MB = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

/** S1 in a child of its own, so its peak RSS is its own. */
async function longRunChild(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'logit-lab-bench-long-'));
  const file = join(work, 'long.experiment.json');
  writeFileSync(file, JSON.stringify({ name: 'long', data: { kind: 'moons' }, training: { epochs: 20000 }, record: { every: 10, grid: 200 } }));
  const at: number[] = [];
  const out = join(work, 'out');
  await runExperiment(file, {
    workspaceRoot: work, backend: 'wasm', outDir: out, wasmDir: join(ROOT, 'dist'),
    gridThread: gridThreadBeside(join(ROOT, 'dist')),
    emit: (m) => {
      if (m.type !== 'epoch') return;
      at[m.epoch.epoch] = performance.now();
      if (process.env.BENCH_TRACE && m.epoch.epoch % 2000 === 0) {
        const u = process.memoryUsage();
        console.error(`epoch ${m.epoch.epoch}: rss ${(u.rss / 1e6).toFixed(0)} heap ${(u.heapUsed / 1e6).toFixed(0)} external ${(u.external / 1e6).toFixed(0)} buffers ${(u.arrayBuffers / 1e6).toFixed(0)} MB`);
      }
    },
    afterRun: async (run, dir) => { await writeRunPictures(run, dir); },
    afterExperiment: (r) => { writeExperimentReport(r, { bundleDir: join(ROOT, 'dist') }); },
  });
  const n = 20000, tenth = n / 10;
  const first = (at[tenth] - at[1]) / (tenth - 1);
  const last = (at[n] - at[n - tenth + 1]) / (tenth - 1);
  const bytes = duBytes(out);
  rmSync(work, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ firstMsPerEpoch: first, lastMsPerEpoch: last, ratio: last / first, bytes, peakRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

function longRun(): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child-long'], { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`S1 failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!);
  m.peakRssCliMB = cliPeakRss();
  results.S1 = m;
  print('S1  20,000-epoch moons, snapshot every 10 epochs at 200×200 (store, PNGs and report as the CLI writes them)');
  print(`    wall ms/epoch: first 10% ${m.firstMsPerEpoch.toFixed(3)}, last 10% ${m.lastMsPerEpoch.toFixed(3)} → ratio ${m.ratio.toFixed(2)} (target ≤ 1.3)`);
  print(`    peak RSS ${m.peakRssCliMB?.toFixed(0) ?? '?'} MB as \`logit-lab train\` (${m.peakRssMB.toFixed(0)} MB in this bench's TypeScript process; target ≤ 400) · run directory with report ${MB(m.bytes)} (target ≤ 40 MB)`);
}

/** The same run through the built CLI, as a user runs it: its peak RSS, read as it exits. */
function cliPeakRss(): number | undefined {
  const cli = join(ROOT, 'bin', 'logit-lab.js');
  const work = mkdtempSync(join(tmpdir(), 'logit-lab-bench-cli-'));
  const file = join(work, 'long.experiment.json');
  writeFileSync(file, JSON.stringify({ name: 'long', data: { kind: 'moons' }, training: { epochs: 20000 }, record: { every: 10, grid: 200 } }));
  const report = join(work, 'rss');
  const preload = join(work, 'rss.cjs');
  writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(report)}, String(process.resourceUsage().maxRSS)));\n`);
  const r = spawnSync(process.execPath, ['--require', preload, cli, 'train', file, '--out', join(work, 'out'), '--quiet'], { encoding: 'utf8', cwd: work });
  try {
    return r.status === 0 ? Number(readFileSync(report, 'utf8')) / 1024 : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function example(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'logit-lab-bench-ex-'));
  const out = join(work, 'out');
  await runExperiment(join(ROOT, 'examples', 'moons.experiment.json'), {
    workspaceRoot: ROOT, backend: 'wasm', outDir: out, wasmDir: join(ROOT, 'dist'),
    afterRun: async (run, dir) => { await writeRunPictures(run, dir); },
    afterExperiment: (r) => { writeExperimentReport(r, { bundleDir: join(ROOT, 'dist') }); },
  });
  const bytes = duBytes(out);
  const report = statSync(join(out, 'report.html')).size;
  rmSync(work, { recursive: true, force: true });
  results.S2 = { bytes, reportBytes: report };
  print(`S2  moons example (2 runs, 500 epochs): run directory ${MB(bytes)} (report ${MB(report)}, PNGs included; target ≤ 2 MB)`);
}

/** S3: one snapshot's trip, with the real apply, store writer and structured clones. */
async function snapshotTrip(): Promise<void> {
  const rows: Record<string, number> = {};
  for (const n of [100, 200]) {
    const dir = join(mkdtempSync(join(tmpdir(), 'logit-lab-bench-trip-')), 'run');
    const grid = { features: [0, 1] as [number, number], xMin: -1, xMax: 1, yMin: -1, yMax: 1, nx: n, ny: n, classes: 2 };
    const header = {
      version: 1 as const, id: 'r', name: 'r', group: 'g', kind: 'model' as const, config: { record: { every: 10, grid: n } } as RunRecord['config'],
      params: 1, backend: 'cpu' as const, startedAt: new Date().toISOString(), status: 'running' as const, grid, featureNames: ['x0', 'x1'], classNames: ['0', '1'],
      timings: { totalMs: 0, msPerEpoch: 0, snapshotMs: 0 },
    };
    const writer = new RunStoreWriter(dir);
    let runner = applyRunEvent(undefined, { type: 'runStart', run: header })!;
    writer.write({ type: 'runStart', run: header }, runner);
    let host = applyRunEvent(undefined, { type: 'runStart', run: header })!;
    const panel = new PanelRuns();
    panel.apply({ type: 'runStart', run: header, index: 0, total: 1 });
    const times: number[] = [];
    const writes: number[] = [];
    for (let i = 1; i <= 60; i++) {
      const probs = new Float64Array(n * n);
      for (let c = 0; c < probs.length; c++) probs[c] = 1 / (1 + Math.exp(-((c % n) - n / 2 + i) / 7));
      const t0 = performance.now();
      roundToSnapshotPrecision(probs);
      const event: RunEvent = { type: 'snapshot', runId: 'r', snapshot: { epoch: i * 10, probs } };
      runner = applyRunEvent(runner, event)!;
      const toHost = structuredClone(event) as FromWorker & RunEvent; // worker → extension host
      host = applyRunEvent(host, toHost)!;
      const toWebview = structuredClone({ type: 'live', msgs: [toHost] }) as { msgs: FromWorker[] }; // host → webview
      for (const m of toWebview.msgs) panel.apply(m);
      times.push(performance.now() - t0);
      // The runner then writes it to the run store (after sending: not on the panel's path).
      const w0 = performance.now();
      writer.write(event, runner);
      writes.push(performance.now() - w0);
    }
    writer.end(runner);
    rmSync(dir, { recursive: true, force: true });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    rows[`${n}x${n}`] = median(times);
    writes.sort((a, b) => a - b);
    rows[`${n}x${n} store write`] = median(writes);
  }
  results.S3 = rows;
  print(`S3  a snapshot from the engine to the webview's store, in process (median of 60): ${Object.entries(rows).map(([k, v]) => `${k} ${v.toFixed(2)} ms`).join(', ')} (target ≤ 2 ms)`);
}

async function main(): Promise<void> {
  if (args.includes('--child-long')) return longRunChild();
  print('Run stream and store (bench/store.ts)');
  if (!only || only.includes('S3')) await snapshotTrip();
  if (!only || only.includes('S2')) await example();
  if (!only || only.includes('S1')) longRun();
  if (json) console.log(JSON.stringify({ store: results }));
}

void main();
