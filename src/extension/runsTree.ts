// The "Runs" tree in the Logit Lab side bar: experiments (newest first) and their runs, across the
// workspace folders. It refreshes when run manifests change on disk, so CLI runs show up too.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { RunRecord } from '../core/engine/types';
import { RunHistory, accuracyText, seconds, type StoredExperiment, type StoredRun } from '../core/run/history';

export type RunsNode =
  | { kind: 'experiment'; folder: string; experiment: StoredExperiment }
  | { kind: 'run'; folder: string; experiment: StoredExperiment; run: StoredRun };

const STATUS_ICON: Record<RunRecord['status'], [string, string?]> = {
  // Still, not ~spin: an animation redraws the workbench while the live panel paints (status.ts).
  running: ['sync'],
  completed: ['pass', 'testing.iconPassed'],
  'early-stopped': ['pass-filled', 'testing.iconPassed'],
  diverged: ['flame', 'problemsWarningIcon.foreground'],
  cancelled: ['circle-slash', 'disabledForeground'],
  failed: ['error', 'problemsErrorIcon.foreground'],
  interrupted: ['debug-disconnect', 'problemsWarningIcon.foreground'],
};

export class RunsTree implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly stores: () => RunHistory[]) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.logit-lab/runs/**/{manifest,run,summary}.json');
    const poke = () => this.refreshSoon();
    this.disposables.push(watcher, watcher.onDidCreate(poke), watcher.onDidChange(poke), watcher.onDidDelete(poke), this.changed);
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Debounced: a run's manifest is written as it starts and ends, many runs a second in a sweep. */
  refreshSoon(ms = 500): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), ms);
  }

  async all(): Promise<{ folder: string; experiment: StoredExperiment }[]> {
    const lists = await Promise.all(this.stores().map(async (s) => (await s.list()).map((experiment) => ({ folder: s.workspaceRoot, experiment }))));
    return lists.flat().sort((a, b) => b.experiment.startedAt.getTime() - a.experiment.startedAt.getTime());
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    if (!node) return (await this.all()).map((e) => ({ kind: 'experiment' as const, ...e }));
    if (node.kind === 'experiment') return node.experiment.runs.map((run) => ({ kind: 'run' as const, folder: node.folder, experiment: node.experiment, run }));
    return [];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    if (node.kind === 'experiment') {
      const e = node.experiment;
      const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = e.dir;
      const when = e.startedAt.getTime() > 0 ? e.startedAt.toLocaleString() : '';
      item.description = `${e.runs.length} run${e.runs.length === 1 ? '' : 's'} · ${when}${multiRoot ? ` · ${basename(node.folder)}` : ''}`;
      item.tooltip = `${e.name}\n${e.dir}${e.file ? `\nfrom ${e.file}` : ''}`;
      item.contextValue = 'logitLab.experimentRuns';
      item.iconPath = new vscode.ThemeIcon(e.runs.some((r) => r.record.status === 'running' && !r.interrupted) ? 'sync' : 'beaker');
      item.command = { command: 'logitLab.openRuns', title: 'Open in Panel', arguments: [node] };
      return item;
    }
    const r = node.run.record;
    const item = new vscode.TreeItem(r.name, vscode.TreeItemCollapsibleState.None);
    item.id = node.run.dir;
    const status = r.stopReason ?? r.status;
    item.description = `${accuracyText(r)} · ${r.history.length} ep · ${status}${r.kind === 'baseline' ? ' · baseline' : ''}`;
    const tip = new vscode.MarkdownString(
      `**${r.name}** — ${status}${r.message ? `\n\n${r.message}` : ''}\n\n${r.params} parameters, ${r.history.length} epochs` +
        `${r.timings?.totalMs ? `, ${seconds(r.timings.totalMs)}` : ''} on ${r.backend}\n\n\`${node.run.dir}\``,
    );
    item.tooltip = tip;
    const [icon, color] = STATUS_ICON[r.status] ?? ['circle-outline'];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = 'logitLab.run';
    item.command = { command: 'logitLab.openRuns', title: 'Open in Panel', arguments: [node] };
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
