// The Logit Lab panel, in two places: a webview view in the Logit Lab side bar container and an
// editor-area webview panel. Both load dist/webview.js under a nonce CSP. A hidden webview gets no
// messages (and loses its content), so the host keeps what the panel should show — the runs on display
// plus the live messages of a training since then — and replays it whenever a webview says "ready".
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { RunRecord } from '../core/engine/types';
import type { FromWebview, FromWorker, ShowRunsMsg, ThemeMsg, ToWebview } from '../protocol';
import { applyRunEvent } from '../core/run/apply';
import { log } from './log';
import { parseWebviewMessage } from './webviewMessages';

/**
 * Live pacing: a fast run streams thousands of epochs a second and a boundary grid is tens to
 * hundreds of kilobytes. Messages go to the panel in batches about once a frame, the start and end
 * of a run or an experiment at once. Every epoch goes; of a run's snapshots within one frame only
 * the newest (the one the eye can see), and at the run's end the ones it keeps but the panel was
 * not sent — so the panel's record ends equal to the store's.
 */
const FRAME_MS = 30;

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
  /** The training the panel follows: its records (built by applyRunEvent) and other messages. */
  private live?: { title: string; records: Map<string, RunRecord>; other: FromWorker[]; sent: Map<string, Set<number>> };
  /** The experiment file the shown runs came from (for "explore" edits). */
  experiment?: vscode.Uri;
  private readonly disposables: vscode.Disposable[] = [];
  private outbox: FromWorker[] = [];
  private flushTimer?: ReturnType<typeof setTimeout>;
  /** Snapshots sent at a run's end because the panel had not had them: never coalesced away. */
  private readonly backfilled = new WeakSet<FromWorker>();

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
    webview.onDidReceiveMessage((raw: unknown) => {
      // Checked like messages to the webview are: a malformed one is logged and dropped.
      const parsed = parseWebviewMessage(raw);
      if (!parsed.ok) {
        log().warn(`Panel ${label}: ignored a message from the webview: ${parsed.reason}`);
        return;
      }
      const msg: FromWebview = parsed.msg;
      if (msg.type === 'ready') {
        if (!this.shown && !this.live && this.handlers.initialRuns) {
          // Not ready until the runs from disk are loaded: a training starting meanwhile is in the replay.
          void this.refreshNames().then(() => this.showInitial(target));
          return;
        }
        target.ready = true;
        this.replay(target);
        void this.refreshNames();
        log().info(`Panel ${label} ready: showing ${this.shown ? `${this.shown.runs.length} run(s) of ${this.shown.title}` : this.live ? `${this.live.records.size} live run(s)` : 'nothing yet'}.`);
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
      if (initial && !this.shown && !this.live) {
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
    this.live = undefined;
    this.dropPending();
    if (experiment) this.experiment = experiment;
    this.post(this.shownMsg()!);
  }

  /** A training started: the panel follows it live from now on. */
  beginLive(experiment: vscode.Uri): void {
    this.experiment = experiment;
    this.shown = undefined;
    this.live = { title: vscode.workspace.asRelativePath(experiment), records: new Map(), other: [], sent: new Map() };
    this.dropPending();
  }

  /**
   * After a training: replays show the finished runs from now on. Nothing is posted: the webview
   * built the same records from the same events.
   */
  settle(runs: RunRecord[], title: string, experiment?: vscode.Uri): void {
    this.flush();
    this.shown = { type: 'showRuns', runs, title };
    this.live = undefined;
    if (experiment) this.experiment = experiment;
  }

  /** Forwards one worker message (batched to the panel's pace) and applies it for replays. */
  liveMessage(msg: FromWorker): void {
    const live = this.live;
    if (live) {
      if (msg.type === 'runStart' || msg.type === 'epoch' || msg.type === 'snapshot' || msg.type === 'runEnd') {
        const id = msg.type === 'runStart' ? msg.run.id : msg.runId;
        const record = applyRunEvent(live.records.get(id), msg);
        if (record) live.records.set(id, record);
        if (msg.type === 'runEnd' && record) this.backfill(record);
      } else if (msg.type !== 'prediction') {
        // The panel keys what it shows by experiment name: a replay must use the same one.
        if (msg.type === 'experimentStart') live.title = msg.name;
        live.other.push(msg);
      }
    }
    this.outbox.push(msg);
    if (msg.type === 'epoch' || msg.type === 'snapshot') {
      this.flushTimer ??= setTimeout(() => this.flush(), FRAME_MS);
    } else {
      this.flush();
    }
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.outbox.length) return;
    // The newest snapshot of each run in this batch; the older ones would be drawn over unseen.
    const newest = new Map<string, number>();
    this.outbox.forEach((m, i) => m.type === 'snapshot' && !this.backfilled.has(m) && newest.set(m.runId, i));
    const batch = this.outbox.filter((m, i) => m.type !== 'snapshot' || this.backfilled.has(m) || newest.get(m.runId) === i);
    this.outbox = [];
    for (const m of batch) if (m.type === 'snapshot') this.sentSet(m.runId)?.add(m.snapshot.epoch);
    this.post({ type: 'live', msgs: batch });
  }

  private sentSet(runId: string): Set<number> | undefined {
    const sent = this.live?.sent;
    if (!sent) return undefined;
    let set = sent.get(runId);
    if (!set) sent.set(runId, (set = new Set()));
    return set;
  }

  /** Before a run's end: the snapshots it keeps that the panel was not sent, in epoch order. */
  private backfill(record: RunRecord): void {
    // Snapshots still waiting in the outbox may be coalesced away: they count as not sent (a
    // snapshot that arrives twice replaces itself).
    const sent = this.sentSet(record.id);
    for (const snapshot of record.snapshots) {
      if (sent?.has(snapshot.epoch)) continue;
      const msg: FromWorker = { type: 'snapshot', runId: record.id, snapshot };
      this.backfilled.add(msg);
      this.outbox.push(msg);
    }
  }

  private dropPending(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.outbox = [];
  }

  private replay(target: Target): void {
    const send = (m: ToWebview) => void target.webview.postMessage(m);
    send(this.theme());
    const shown = this.shownMsg();
    if (shown) send(shown);
    if (this.live) {
      // What a webview that was hidden missed: the training's status, then its runs so far.
      this.flush();
      if (this.live.other.length) send({ type: 'live', msgs: this.live.other });
      send({ type: 'showRuns', runs: [...this.live.records.values()], title: this.live.title, live: true, experiments: this.names });
    }
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
