// Typed access to the `logitLab.*` settings declared in package.json.
import * as vscode from 'vscode';
import type { BackendChoice } from '../core/engine/types';

export type LintSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface Settings {
  backend: BackendChoice;
  /** Boundary grid resolution per axis; undefined = the experiment file's `record.grid`. */
  boundaryResolution?: number;
  /** Snapshot cadence in epochs; undefined = the experiment file's `record.every`. */
  boundaryEvery?: number;
  /** Threads for the runs of one experiment: 0 = one per core when worth it, 1 = sequential. */
  threads: number;
  keepRuns: number;
  openPanelOnTrain: boolean;
  lint: { enable: boolean; select: string[]; ignore: string[]; severity: Record<string, LintSeverity> };
}

export function settings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('logitLab', scope);
  const positive = (v: unknown) => (typeof v === 'number' && v > 0 ? Math.round(v) : undefined);
  return {
    backend: c.get<BackendChoice>('backend', 'auto'),
    boundaryResolution: positive(c.get('boundary.resolution')),
    boundaryEvery: positive(c.get('boundary.every')),
    threads: Math.max(0, Math.round(c.get<number>('training.threads', 0))),
    keepRuns: Math.max(1, c.get<number>('runs.keep', 20)),
    openPanelOnTrain: c.get<boolean>('openPanelOnTrain', true),
    lint: {
      enable: c.get<boolean>('lint.enable', true),
      select: c.get<string[]>('lint.select', []),
      ignore: c.get<string[]>('lint.ignore', []),
      severity: c.get<Record<string, LintSeverity>>('lint.severity', {}),
    },
  };
}

export const EXPERIMENT_GLOB = '**/*.experiment.json';

export function isExperimentFile(uri: vscode.Uri | undefined): boolean {
  return !!uri && uri.path.endsWith('.experiment.json');
}
