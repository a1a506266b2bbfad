// The Logit Lab panel, in two places: a webview view in the Logit Lab side bar container and an
// editor-area webview panel. Both load dist/webview.js under a nonce CSP. A hidden webview gets no
// messages (and loses its content), so the host keeps what the panel should show — the runs on display
// plus the live messages of a training since then — and replays it whenever a webview says "ready".
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { RunRecord } from '../core/engine/types';
import type { FromWebview, FromWorker, LiveMsg, ShowRunsMsg, ThemeMsg, ToWebview } from '../protocol';
import { log } from './log';

/**
 * Live pacing: the latest epoch and the latest boundary of each run, at most every 33 ms (30 frames/s,
 * Playground's pace). Boundaries in between are dropped here rather than queued, so the panel is never
 * more than one snapshot behind the training; the finished record brings every one of them.
 */
const EPOCH_INTERVAL_MS = 33;
const SNAPSHOT_INTERVAL_MS = 33;

interface Target {
  webview: vscode.Webview;
  ready: boolean;
  isVisible: () => boolean;
}

export interface PanelHandlers {
  onMessage(msg: FromWebview, experiment: vscode.Uri | undefined): void | Promise<void>;
  /**
   * What a panel opened with nothing on display should show (the active experiment's or the most
   * recent runs on disk), so Open Panel and the side bar never say "no runs" when there are some.
   */
  initialRuns?(): Promise<{ runs: RunRecord[]; title: string; experiment?: vscode.Uri } | undefined>;
  /** Names of the experiments with runs on disk, newest first, for the panel's switcher. */
  experimentNames?(): Promise<string[]>;
}

export class PanelHost implements vscode.Disposable, vscode.WebviewViewProvider, vscode.WebviewPanelSerializer {
  static readonly viewType = 'logitLab.panelView';
  static readonly panelType = 'logitLab.panel';

  private readonly targets = new Set<Target>();
  private panel?: vscode.WebviewPanel;
  private shown?: ShowRunsMsg;
  private live: LiveMsg[] = [];
  /** The experiment file the shown runs came from (for "explore" edits). */
  experiment?: vscode.Uri;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pendingEpochs = new Map<string, LiveMsg>();
  private readonly pendingSnapshots = new Map<string, LiveMsg>();
  private epochTimer?: ReturnType<typeof setTimeout>;
  private snapshotTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: PanelHandlers,
  ) {
    this.disposables.push(vscode.window.onDidChangeActiveColorTheme(() => this.post(this.theme())));
  }

  /** Whether any Logit Lab webview (editor panel or side bar) is on screen. */
  get hasVisibleTarget(): boolean {
    return [...this.targets].some((t) => t.isVisible());
  }

  get panelVisible(): boolean {
    return !!this.panel?.visible;
  }

  /** Opens (or reveals) the editor-area panel. */
  open(column: vscode.ViewColumn = vscode.ViewColumn.Beside, preserveFocus = true): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      PanelHost.panelType,
      'Logit Lab',
      { viewColumn: column, preserveFocus },
      { enableScripts: true, localResourceRoots: this.roots() },
    );
    this.attachPanel(panel);
    return panel;
  }

  /** Restores the editor panel after a window reload. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: true, localResourceRoots: this.roots() };
    this.attachPanel(panel);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = { enableScripts: true, localResourceRoots: this.roots() };
    const target = this.attach(view.webview, () => view.visible, '(side bar)');
    view.onDidChangeVisibility(() => {
      if (!view.visible) target.ready = false;
    });
    view.onDidDispose(() => this.targets.delete(target));
  }

  private attachPanel(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icons', 'logit-lab.svg');
    const target = this.attach(panel.webview, () => panel.visible, '(editor)');
    panel.onDidChangeViewState(() => {
      if (!panel.visible) target.ready = false;
    });
    panel.onDidDispose(() => {
      this.targets.delete(target);
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private attach(webview: vscode.Webview, isVisible: () => boolean, label: string): Target {
    const target: Target = { webview, ready: false, isVisible };
    this.targets.add(target);
    webview.html = this.html(webview);
    webview.onDidReceiveMessage((msg: FromWebview) => {
      if (msg?.type === 'ready') {
        if (!this.shown && !this.live.length && this.handlers.initialRuns) {
          // Not ready until the runs from disk are loaded: a training starting meanwhile is in the replay.
          void this.refreshNames().then(() => this.showInitial(target));
          return;
        }
        target.ready = true;
        this.replay(target);
        void this.refreshNames();
        log().info(`Panel ${label} ready: showing ${this.shown ? `${this.shown.runs.length} run(s) of ${this.shown.title}` : 'nothing yet'}${this.live.length ? ` + ${this.live.length} live message(s)` : ''}.`);
        return;
      }
      void Promise.resolve(this.handlers.onMessage(msg, this.experiment)).catch((err) => log().error(`panel: ${(err as Error).message}`));
    });
    return target;
  }

  private names: string[] = [];

  /** Re-reads the experiment names on disk (the switcher's list); failures keep the old list. */
  async refreshNames(): Promise<void> {
    try {
      if (this.handlers.experimentNames) this.names = await this.handlers.experimentNames();
    } catch (err) {
      log().warn(`panel: could not list experiments: ${(err as Error).message}`);
    }
  }

  /** The runs on display, with the current list of experiments for the switcher. */
  private shownMsg(): ShowRunsMsg | undefined {
    return this.shown && { ...this.shown, experiments: this.names };
  }

  private async showInitial(target: Target): Promise<void> {
    try {
      const initial = await this.handlers.initialRuns!();
      // A training or another showRuns may have started meanwhile: it wins.
      if (initial && !this.shown && !this.live.length) {
        this.shown = { type: 'showRuns', runs: initial.runs, title: initial.title };
        if (initial.experiment) this.experiment = initial.experiment;
      }
    } catch (err) {
      log().warn(`panel: could not load runs from disk: ${(err as Error).message}`);
    }
    target.ready = true;
    this.replay(target);
    log().info(`Panel ready: showing ${this.shown ? `${this.shown.runs.length} run(s) of ${this.shown.title} from disk` : 'nothing yet'}.`);
  }

  /** The title of the runs on display (the experiment's name), if any. */
  get shownTitle(): string | undefined {
    return this.shown?.title;
  }

  /** Shows finished (or partially recorded) runs; replaces anything live. */
  showRuns(runs: RunRecord[], title: string, experiment?: vscode.Uri): void {
    this.shown = { type: 'showRuns', runs, title };
    this.live = [];
    this.dropPending();
    if (experiment) this.experiment = experiment;
    this.post(this.shownMsg()!);
  }

  /** A training started: the panel follows it live from now on. */
  beginLive(experiment: vscode.Uri): void {
    this.experiment = experiment;
    this.shown = undefined;
    this.live = [];
    this.dropPending();
  }

  /**
   * After a training: replays show the finished runs from now on. Nothing is posted: the webview
   * already has them, since every runEnd carries the complete record.
   */
  settle(runs: RunRecord[], title: string, experiment?: vscode.Uri): void {
    this.shown = { type: 'showRuns', runs, title };
    this.live = [];
    this.dropPending();
    if (experiment) this.experiment = experiment;
  }

  /** Forwards one worker message, and keeps it (compacted) for replays. */
  liveMessage(msg: FromWorker): void {
    const wrapped: LiveMsg = { type: 'live', msg };
    this.remember(wrapped);
    // A fast run streams hundreds of epochs a second and a boundary grid is tens of kilobytes to
    // serialise: the panel gets the latest epoch and boundary per run at a pace the eye can follow.
    // The replay buffer keeps every epoch, and the finished runs replace the stream at the end.
    if (msg.type === 'epoch') {
      this.pendingEpochs.set(msg.runId, wrapped);
      this.epochTimer ??= setTimeout(() => this.flush(), EPOCH_INTERVAL_MS);
      return;
    }
    if (msg.type === 'snapshot') {
      this.pendingSnapshots.set(msg.runId, wrapped);
      this.snapshotTimer ??= setTimeout(() => this.flush(), SNAPSHOT_INTERVAL_MS);
      return;
    }
    this.flush();
    this.post(wrapped);
  }

  private flush(): void {
    const pending = [...this.pendingEpochs.values(), ...this.pendingSnapshots.values()];
    this.dropPending();
    for (const m of pending) this.post(m);
  }

  private dropPending(): void {
    if (this.epochTimer) clearTimeout(this.epochTimer);
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.epochTimer = this.snapshotTimer = undefined;
    this.pendingEpochs.clear();
    this.pendingSnapshots.clear();
  }

  private remember(wrapped: LiveMsg): void {
    const msg = wrapped.msg;
    if (msg.type === 'runEnd') {
      // The finished record carries the history and snapshots: drop that run's stream.
      this.live = this.live.filter((l) => !(('runId' in l.msg && l.msg.runId === msg.run.id) || (l.msg.type === 'runStart' && l.msg.run.id === msg.run.id)));
    } else if (msg.type === 'snapshot') {
      // Only the newest boundary of a running run is worth replaying.
      const i = this.live.findIndex((l) => l.msg.type === 'snapshot' && l.msg.runId === msg.runId);
      if (i >= 0) this.live.splice(i, 1);
    }
    this.live.push(wrapped);
  }

  private replay(target: Target): void {
    const send = (m: ToWebview) => void target.webview.postMessage(m);
    send(this.theme());
    const shown = this.shownMsg();
    if (shown) send(shown);
    for (const m of this.live) send(m);
  }

  /** Sends to every ready, visible webview (not remembered for replays). */
  post(msg: ToWebview): void {
    for (const t of this.targets) {
      if (t.ready && t.isVisible()) void t.webview.postMessage(msg);
    }
  }

  private theme(): ThemeMsg {
    const k = vscode.window.activeColorTheme.kind;
    const kind = k === vscode.ColorThemeKind.Light || k === vscode.ColorThemeKind.HighContrastLight ? 'light' : k === vscode.ColorThemeKind.HighContrast ? 'high-contrast' : 'dark';
    return { type: 'theme', kind };
  }

  private roots(): vscode.Uri[] {
    return [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')];
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const ext = this.extensionUri.fsPath;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js'));
    const styles = [['dist', 'webview.css'], ['media', 'panel.css'], ['media', 'webview.css']]
      .filter((p) => existsSync(join(ext, ...p)))
      .map((p) => `<link rel="stylesheet" href="${webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p))}">`)
      .join('\n    ');
    const csp = `default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
    return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="csp-nonce" content="${nonce}">
    ${styles}
    <title>Logit Lab</title>
  </head>
  <body>
    <div id="app" data-nonce="${nonce}"></div>
    <script nonce="${nonce}" src="${script}"></script>
  </body>
</html>`;
  }

  dispose(): void {
    this.dropPending();
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
