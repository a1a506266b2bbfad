// `logit-lab train FILE`: trains an experiment headless. Progress goes to stderr (a bar on a TTY,
// plain lines elsewhere), results to stdout (a table and a small boundary picture, or one JSON
// document with --json). Exit codes: 0 trained, 1 a run diverged or failed, 2 bad input, 128+N
// stopped by signal N after the cancelled runs were recorded (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import pc from 'picocolors';
import { gridThreadBeside, runExperiment, runsRoot, threadsBeside, type ExperimentResult } from '../core/runner';
import { RunHistory } from '../core/run/history';
import { LogitLabError } from '../core/errors';
import { loadExperiment, type LoadedExperiment } from '../core/experiment';
import type { BackendChoice, RunRecord } from '../core/engine/types';
import type { FromWorker } from '../protocol';
import { writeExperimentReport, writeRunPictures } from '../report/artifacts';
import { renderBoundaryAnsi } from '../report/terminal';
import { Progress } from './progress';
import { formatTable } from './table';
import { sanitize, sanitizeLine } from './sanitize';

/** Signals that stop a training, with the exit code a shell expects (128 + the signal's number). */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type StopSignal = keyof typeof STOP_SIGNALS;

/** A warning of the experiment check, as the JSON output carries it. */
export interface CliWarning {
  message: string;
  hint?: string;
  path?: string;
  location?: { file: string; line: number; column: number };
}

export interface TrainCliOptions {
  out?: string;
  backend: BackendChoice;
  workspace?: string;
  epochs?: number;
  json?: boolean;
  quiet?: boolean;
  png?: boolean;
  /** Threads for the runs of one experiment; default one per core. */
  threads?: number;
  /** Experiments kept in .logit-lab/runs (retention); default the workspace's logitLab.runs.keep, else 20. */
  keep?: number;
}

export async function trainCommand(file: string, opts: TrainCliOptions): Promise<number> {
  const path = resolve(file);
  if (!existsSync(path)) {
    process.stderr.write(`${sanitize(file)}: no such experiment file\n  hint: pass the path of an *.experiment.json file, e.g. examples/moons.experiment.json\n`);
    return 2;
  }
  const workspaceRoot = resolve(opts.workspace ?? defaultWorkspace(path));
  const progress = opts.quiet ? undefined : new Progress(process.stderr);
  const bundleDir = __dirname;

  // Checked before any work starts: errors (limits included) exit 2 here, warnings are shown now
  // and carried in the JSON output.
  let loaded: LoadedExperiment;
  try {
    loaded = loadExperiment(path, workspaceRoot);
  } catch (err) {
    if (err instanceof LogitLabError) {
      process.stderr.write(sanitize(err.format()) + '\n');
      return 2;
    }
    throw err;
  }
  const warnings = loaded.diagnostics.map(toCliWarning);
  if (!opts.quiet) for (const w of warnings) process.stderr.write(sanitize(formatWarning(w)) + '\n');

  let result: ExperimentResult;
  let report: { html: string } | undefined;
  const controller = new AbortController();
  // A signal stops training but keeps what was recorded (the runner records the cancelled runs);
  // a second one exits at once.
  let stoppedBy: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (controller.signal.aborted) process.exit(STOP_SIGNALS[stoppedBy ?? signal]);
    stoppedBy = signal;
    progress?.clear();
    process.stderr.write(`\n${signal === 'SIGINT' ? 'stopping' : `${signal}: stopping`} — keeping what was recorded (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit now)\n`);
    controller.abort();
  };
  const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    result = await runExperiment(path, {
      loaded, // checked once (a CSV is read and prepared for the check)
      workspaceRoot,
      backend: opts.backend,
      outDir: opts.out ? resolve(opts.out) : undefined,
      maxEpochs: opts.epochs,
      signal: controller.signal,
      gridThread: gridThreadBeside(bundleDir),
      threads: threadsBeside(bundleDir, opts.threads ?? 0),
      wasmDir: bundleDir,
      emit: (msg: FromWorker) => progress?.handle(msg),
      afterExperiment: (r) => {
        report = writeExperimentReport(r, { bundleDir });
      },
      afterRun: opts.png === false ? undefined : async (run, dir) => { await writeRunPictures(run, dir); },
    });
  } catch (err) {
    progress?.clear();
    if (err instanceof LogitLabError) {
      process.stderr.write(sanitize(err.format()) + '\n');
      return stoppedBy ? STOP_SIGNALS[stoppedBy] : 2;
    }
    throw err;
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
  progress?.clear();
  if (!opts.out) await applyRetention(workspaceRoot, opts);

  if (opts.json) {
    process.stdout.write(JSON.stringify({ ...jsonDocument(result), warnings, ...(stoppedBy ? { signal: stoppedBy } : {}) }) + '\n');
  } else {
    process.stdout.write(humanSummary(result, report, process.stdout.isTTY === true, warnings));
  }
  if (stoppedBy) return STOP_SIGNALS[stoppedBy];
  const bad = result.failures.length > 0 || result.runs.some((r) => r.stopReason === 'diverged' || r.stopReason === 'failed');
  return bad ? 1 : 0;
}

/** The same retention as the extension's: the newest N experiments stay, older ones go. */
async function applyRetention(workspaceRoot: string, opts: TrainCliOptions): Promise<void> {
  const keep = opts.keep ?? workspaceSetting(workspaceRoot, 'logitLab.runs.keep') ?? DEFAULT_KEEP;
  try {
    const gone = await new RunHistory(workspaceRoot).prune(keep);
    if (gone.length && !opts.quiet) process.stderr.write(`retention: removed ${gone.length} older experiment${gone.length === 1 ? '' : 's'} from ${relativeOrAbs(runsRoot(workspaceRoot))} (keeping ${keep}; --keep N to change)\n`);
  } catch (err) {
    process.stderr.write(`retention: could not remove old runs: ${(err as Error).message}\n`);
  }
}

const DEFAULT_KEEP = 20;

/** A positive integer setting from the workspace's .vscode/settings.json (JSON with comments). */
function workspaceSetting(workspaceRoot: string, key: string): number | undefined {
  try {
    const settings = parseJsonc(readFileSync(join(workspaceRoot, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown> | undefined;
    const v = settings?.[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : undefined;
  } catch {
    return undefined;
  }
}

function toCliWarning(d: LogitLabError): CliWarning {
  const loc = d.details.location;
  return {
    message: d.message,
    ...(d.details.hint ? { hint: d.details.hint } : {}),
    ...(d.details.jsonPath?.length ? { path: d.details.jsonPath.join('.') } : {}),
    ...(loc ? { location: { file: loc.file, line: loc.line, column: loc.column } } : {}),
  };
}

function formatWarning(w: CliWarning): string {
  const where = w.location ? `${relativeOrAbs(w.location.file)}:${w.location.line}:${w.location.column}: ` : '';
  return `${where}warning: ${w.message}${w.path ? ` (at ${w.path})` : ''}${w.hint ? `\n  hint: ${w.hint}` : ''}`;
}

/** The CLI's workspace: the current directory when the experiment lives inside it, else its folder. */
function defaultWorkspace(path: string): string {
  const rel = relative(process.cwd(), path);
  return !rel.startsWith('..') && !isAbsolute(rel) ? process.cwd() : dirname(path);
}

export function jsonDocument(result: ExperimentResult) {
  return {
    backend: result.backend,
    outDir: result.outDir,
    cancelled: result.cancelled,
    runs: result.runs.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      config: r.config,
      params: r.params,
      epochs: r.history.length,
      stopReason: r.stopReason ?? r.status,
      message: r.message,
      final: r.final ?? null,
      history: r.history,
      ms: Math.round(r.timings.totalMs),
    })),
    failures: result.failures,
    groups: result.summary.groups,
  };
}

function humanSummary(result: ExperimentResult, report: { html: string } | undefined, tty: boolean, warnings: CliWarning[]): string {
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
  const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(4));
  const rows = result.summary.runs.map((r) => [
    r.name,
    String(r.params),
    num(r.trainLoss),
    pct(r.trainAcc),
    num(r.valLoss),
    pct(r.valAcc),
    String(r.epochs),
    r.stuckAtLn2 ? `${r.stopReason} (stuck at ln 2)` : r.stopReason,
    formatMs(r.ms),
  ]);
  let out = '\n' + formatTable(['run', 'params', 'train loss', 'train acc', 'val loss', 'val acc', 'epochs', 'stop', 'time'], rows) + '\n';
  for (const r of result.runs) if (r.message) out += `${tty ? pc.yellow('!') : '!'} ${sanitizeLine(r.name)}: ${sanitize(r.message)}\n`;
  for (const f of result.failures) out += `${tty ? pc.red('✗') : 'x'} ${sanitizeLine(f.name)}: ${sanitize(f.message)}\n`;
  // Repeated under the table so they are not lost above the progress output.
  for (const w of warnings) out += `${tty ? pc.yellow('!') : '!'} warning: ${sanitize(w.message)}${w.path ? ` (at ${w.path})` : ''}\n`;
  const groups = result.summary.groups.filter((g) => g.runs.length > 1 || g.successRate !== undefined);
  if (result.summary.success && groups.length) {
    out += `\nsuccess (${result.summary.success.metric} ≥ ${result.summary.success.atLeast}) per configuration:\n`;
    out += formatTable(['configuration', 'runs', 'success', 'stuck at ln 2'], groups.map((g) => [g.group, String(g.runs.length), pct(g.successRate), String(g.stuck)])) + '\n';
  }
  const pictured = pickPictured(result.runs);
  if (pictured) {
    out += `\n${sanitizeLine(pictured.name)} — decision boundary (final epoch)\n`;
    out += renderBoundaryAnsi(pictured, 48, 20, { color: tty && !process.env.NO_COLOR }) + '\n';
  }
  out += `\nbackend ${result.backend} · runs in ${sanitizeLine(relativeOrAbs(result.outDir))}${report ? ` · report ${sanitizeLine(relativeOrAbs(report.html))}` : ''}\n`;
  return out;
}

function pickPictured(runs: RunRecord[]): RunRecord | undefined {
  return runs.find((r) => r.kind === 'model' && r.snapshots.length > 0) ?? runs.find((r) => r.snapshots.length > 0);
}

function relativeOrAbs(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

