// The experiment-level view of its runs: one row per run, and per group (a configuration across
// seeds) the success rate and how many runs got stuck at ln 2 — the seed study's verdict.
import type { ExperimentFile } from '../experiment/schema';
import type { RunRecord, StopReason } from '../engine/types';

export interface RunRow {
  id: string;
  name: string;
  group: string;
  kind: 'model' | 'baseline';
  params: number;
  epochs: number;
  stopReason: StopReason | 'running';
  message?: string;
  trainLoss: number | null;
  trainAcc: number | null;
  valLoss: number | null;
  valAcc: number | null;
  testAcc: number | null;
  ms: number;
  stuckAtLn2: boolean;
  success?: boolean;
}

export interface GroupRow {
  group: string;
  runs: string[];
  successRate?: number;
  stuck: number;
}

export interface ExperimentSummaryFile {
  name: string;
  file: string;
  backend: string;
  cancelled: boolean;
  success?: { metric: string; atLeast: number };
  runs: RunRow[];
  groups: GroupRow[];
}

export function runRow(run: RunRecord, success?: ExperimentFile['success']): RunRow {
  const last = run.history[run.history.length - 1];
  const final = run.final ?? (last ? { trainLoss: last.trainLoss, trainAcc: last.trainAcc, valLoss: last.valLoss, valAcc: last.valAcc } : undefined);
  const row: RunRow = {
    id: run.id,
    name: run.name,
    group: run.group,
    kind: run.kind,
    params: run.params,
    epochs: run.history.length,
    stopReason: run.stopReason ?? run.status,
    message: run.message,
    trainLoss: final?.trainLoss ?? null,
    trainAcc: final?.trainAcc ?? null,
    valLoss: final?.valLoss ?? null,
    valAcc: final?.valAcc ?? null,
    testAcc: run.final?.testAcc ?? null,
    ms: run.timings.totalMs,
    stuckAtLn2: run.stuckAtLn2 ?? false,
  };
  if (success) {
    const value = success.metric === 'trainAcc' ? row.trainAcc : success.metric === 'valAcc' ? row.valAcc : row.testAcc;
    row.success = value !== null && value >= success.atLeast;
  }
  return row;
}

export function summarise(
  experiment: ExperimentFile,
  runs: RunRecord[],
  meta: { backend: string; cancelled: boolean; file: string },
): ExperimentSummaryFile {
  const rows = runs.map((r) => runRow(r, experiment.success));
  const groups = new Map<string, RunRow[]>();
  for (const row of rows) {
    if (!groups.has(row.group)) groups.set(row.group, []);
    groups.get(row.group)!.push(row);
  }
  return {
    name: experiment.name,
    file: meta.file,
    backend: meta.backend,
    cancelled: meta.cancelled,
    success: experiment.success,
    runs: rows,
    groups: [...groups].map(([group, members]) => ({
      group,
      runs: members.map((m) => m.id),
      successRate: experiment.success ? members.filter((m) => m.success).length / members.length : undefined,
      stuck: members.filter((m) => m.stuckAtLn2).length,
    })),
  };
}
