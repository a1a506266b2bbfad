// Run history on disk, in the CLI's format: `<root>/.logit-lab/runs/<time>-<name>/<run-id>/` (a run
// store: src/core/run/store.ts; or a run.json of older versions) + summary.json per experiment.
// Reads are tolerant: a half-written or foreign directory is skipped, never fatal. A run whose
// manifest still says "running" while no worker of ours is writing it was cut off by a reload or
// a crash: it is shown as interrupted, with what it had recorded.
import { promises as fs } from 'node:fs';
import { join, basename } from 'node:path';
import { existsSync } from 'node:fs';
import type { RunRecord } from '../engine/types';
import { runsRoot } from '../runner/paths';
import { LEGACY_RUN_JSON, MANIFEST, readRunDir, runDirStamp } from './store';
import { lockedByAnother } from '../runner/outDir';

export interface StoredRun {
  dir: string;
  record: RunRecord;
  interrupted: boolean;
}

export interface StoredExperiment {
  dir: string;
  /** The experiment's name (from its runs, else from the directory name). */
  name: string;
  startedAt: Date;
  runs: StoredRun[];
  cancelled: boolean;
  /** Relative file name of the experiment, from summary.json. */
  file?: string;
}

const STAMP = /^(\d{4}-\d{2}-\d{2})_(\d{2})-(\d{2})-(\d{2})-(.*)$/;

export { runsRoot };

const parsedRuns = new Map<string, { stamp: string; record: RunRecord }>();

/**
 * A run that just ended, as the live stream built it (the same record its files give back: one
 * `applyRunEvent` writes both). Reading a long run back from disk holds the extension host for
 * 0.3–0.5 s (12,000 epochs, 600 boundaries) — right when the panel's final picture is on its way.
 */
export function rememberRun(dir: string, record: RunRecord): void {
  const stamp = runDirStamp(dir);
  if (stamp) parsedRuns.set(dir, { stamp, record });
}

/** The experiments recorded under a workspace's .logit-lab/runs: the extension's Runs view and the CLI's retention. */
export class RunHistory {
  constructor(
    readonly workspaceRoot: string,
    /** Directories a live worker of this window is writing. */
    private readonly isLive: (dir: string) => boolean = () => false,
  ) {}

  get root(): string {
    return runsRoot(this.workspaceRoot);
  }

  /** All recorded experiments, newest first. */
  async list(): Promise<StoredExperiment[]> {
    let entries: string[];
    try {
      entries = (await fs.readdir(this.root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return [];
    }
    const experiments = await Promise.all(entries.map((name) => this.readExperiment(join(this.root, name))));
    return experiments
      .filter((e): e is StoredExperiment => !!e)
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || b.dir.localeCompare(a.dir));
  }

  async readExperiment(dir: string): Promise<StoredExperiment | undefined> {
    let children: string[];
    try {
      children = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return undefined;
    }
    const runs = (await Promise.all(children.map((c) => this.readRun(join(dir, c))))).filter((r): r is StoredRun => !!r);
    if (runs.length === 0) return undefined;
    runs.sort((a, b) => a.record.startedAt.localeCompare(b.record.startedAt) || a.record.id.localeCompare(b.record.id));
    let summary: { name?: string; file?: string; cancelled?: boolean } = {};
    try {
      summary = JSON.parse(await fs.readFile(join(dir, 'summary.json'), 'utf8'));
    } catch {
      // Still running, or interrupted before the summary was written.
    }
    const m = STAMP.exec(basename(dir));
    // The first run's own timestamp has milliseconds; the directory name only seconds, which ties
    // experiments started within the same second.
    const recorded = new Date(runs[0].record.startedAt);
    const startedAt = !isNaN(recorded.getTime()) ? recorded : m ? new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`) : recorded;
    return {
      dir,
      name: summary.name ?? (m ? m[5] : basename(dir)),
      startedAt: isNaN(startedAt.getTime()) ? new Date(0) : startedAt,
      runs,
      cancelled: summary.cancelled ?? runs.some((r) => r.record.status === 'cancelled'),
      file: summary.file,
    };
  }

  async readRun(dir: string): Promise<StoredRun | undefined> {
    // A run with thousands of epochs and its snapshots takes a while to read: again only when it changed.
    // One run at a time, so reading a long history never holds the extension host for long.
    await new Promise((resolve) => setImmediate(resolve));
    const stamp = runDirStamp(dir);
    if (!stamp) return undefined;
    const cached = parsedRuns.get(dir);
    let record: RunRecord | undefined;
    if (cached && cached.stamp === stamp) record = cached.record;
    else {
      record = readRunDir(dir);
      if (record) parsedRuns.set(dir, { stamp, record });
    }
    if (!record || typeof record !== 'object' || !Array.isArray(record.history)) return undefined;
    record.snapshots ??= [];
    const interrupted = record.status === 'running' && !this.isLive(dir);
    if (interrupted) {
      const epochs = record.history.length;
      record = {
        ...record,
        status: 'interrupted',
        stopReason: 'interrupted',
        message: record.message ?? `interrupted (window reload or crash) after ${epochs} epoch${epochs === 1 ? '' : 's'}`,
      };
    }
    return { dir, record, interrupted };
  }

  /**
   * Deletes all but the newest `keep` experiments; never one that is being written (by this window,
   * or — its lock says so — by another process). Returns what went.
   */
  async prune(keep: number): Promise<string[]> {
    const all = await this.list();
    const doomed = all.slice(keep).filter((e) => !e.runs.some((r) => this.isLive(r.dir)) && !this.isLive(e.dir) && !lockedByAnother(e.dir));
    for (const e of doomed) {
      await fs.rm(e.dir, { recursive: true, force: true });
      for (const r of e.runs) parsedRuns.delete(r.dir);
    }
    return doomed.map((e) => e.dir);
  }
}

/** The file that describes a run on disk: its manifest (or the run.json of an older version). */
export function runFileOf(dir: string): string {
  return existsSync(join(dir, MANIFEST)) ? join(dir, MANIFEST) : join(dir, LEGACY_RUN_JSON);
}

/** "val acc 98.3%" (or train acc when there is no validation split), for lists and notifications. */
export function accuracyText(record: RunRecord): string {
  const last = record.history[record.history.length - 1];
  const val = record.final?.valAcc ?? last?.valAcc ?? null;
  if (val !== null && val !== undefined) return `val acc ${(val * 100).toFixed(1)}%`;
  const train = record.final?.trainAcc ?? last?.trainAcc;
  return train === undefined ? 'no epochs' : `train acc ${(train * 100).toFixed(1)}%`;
}

export function accuracyOf(record: RunRecord): number {
  const last = record.history[record.history.length - 1];
  return record.final?.valAcc ?? last?.valAcc ?? record.final?.trainAcc ?? last?.trainAcc ?? -1;
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`;
}
