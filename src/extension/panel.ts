// The Logit Lab panel, in two places: a webview view in the Logit Lab side bar container and an
// editor-area webview panel. Both load dist/webview.js under a nonce CSP. A hidden webview gets no
// messages (and loses its content), so the host keeps what the panel should show — the runs on display
// plus the live messages of a training since then — and replays it whenever a webview says "ready".
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import type { RunRecord } from '../core/engine/types';
import type { CompactSnapshotMsg, EpochMsg, LiveMsg, PackedRunEndMsg, FromWebview, FromWorker, RunEndMsg, ShowRunsMsg, SnapshotMsg, ThemeMsg, ToWebview } from '../protocol';
import { compactSnapshot } from '../core/run/compactSnapshot';
import { packEpochs, sameShape } from '../core/run/packedEpochs';
import { applyRunEvent } from '../core/run/apply';
import { log } from './log';
import { parseWebviewMessage } from './webviewMessages';

/**
 * Live pacing: a fast run streams thousands of epochs a second and a boundary grid is tens to
 * hundreds of kilobytes. Messages go to the panel in batches about once a display frame (16 ms: a
 * 30 ms pace capped the picture at 33 new boundaries a second and, beating against the display's
 * 60 Hz, gave ~25), the start and end of a run or an experiment at once. Every epoch goes; of a
 * run's snapshots within one frame only the newest (the one the eye can see), as thousandths
 * (core/run/compactSnapshot.ts: a quarter of the bytes the editor's relay would carry).
 *
 * At a run's end the snapshots it keeps but the panel was not sent are kept back, and follow the
 * experiment's end a few per frame: sent with the run's end, they were megabytes that held the final
 * picture up for 0.7–2 s in code-server (bench/editor-live.ts). So are its neuron maps (16 units of
 * a 100×100 grid: 1.3 MB): the run's end goes without them and again, whole, after the experiment's
 * end — the relay took 110–260 ms to carry them, ahead of the end, and the final state came
 * 320–490 ms after the last epoch (side bar live); without them 180–255 ms. The panel's record
 * still ends equal to the store's.
 */
const FRAME_MS = 16;
/**
 * Live batches on their way to a webview (posted, not yet acknowledged) at most. The editor's relay
 * (extension host → workbench → webview iframe) stalls now and then for a few hundred ms on a busy
 * machine and then delivers about one message per display frame: every batch posted meanwhile
 * arrived, and was painted, one after another, the picture up to half a second behind for as long
 * again. With few in flight the host holds the rest, keeping only the newest snapshot of each run,
 * so the next picture after a stall is the newest one. Measured in alternated runs of
 * bench/editor-live.ts (3 each): the slowest snapshot host → screen 140–488 ms before, 133–323 ms
 * after; frames/s unchanged. The round trip is 30–80 ms in code-server: 3 in flight let 40–100
 * batches a second through, more than the display's pace.
 */
const IN_FLIGHT = 3;
/** An acknowledgement not back by then is taken as lost (a webview reloading), not as a full relay. */
const ACK_TIMEOUT_MS = 1000;
/** Backlog snapshots per frame (≈ 20 kB each at 100×100). */
const BACKLOG_PER_FRAME = 6;
/**
 * With the side bar and the editor panel both on screen, both webviews share the workbench's relay
 * (and, in code-server, its renderer): measured, two full live streams quadrupled the transit
 * (median 20 → 90–110 ms) and cut the panel to 21–29 boundaries a second. The editor panel gets
 * the full stream; the other view a batch this often (every epoch, the newest boundary), the
 * boundaries it missed after the experiment's end.
 */
const SECONDARY_MS = 250;

interface Target {
  webview: vscode.Webview;
  ready: boolean;
  isVisible: () => boolean;
  /** The editor-area panel (the live stream's first choice) or the side bar view. */
  editor: boolean;
  /** Per run, the snapshots of the live training this webview was sent. */
  sent: Map<string, Set<number>>;
  /** Live messages not yet posted to it (a view that is not the first one gets them less often). */
  held: FromWorker[];
  lastPostAt: number;
  /** Live batches posted to it and not yet acknowledged: sequence number → when posted. */
  inFlight: Map<number, number>;
  /** A send held back by a full relay, retried if no acknowledgement comes. */
  retry?: ReturnType<typeof setTimeout>;
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
  private live?: { title: string; records: Map<string, RunRecord>; other: FromWorker[] };
  /** The experiment file the shown runs came from (for "explore" edits). */
  experiment?: vscode.Uri;
  private readonly disposables: vscode.Disposable[] = [];
  /** Messages for the next batch; a run's older snapshot is replaced by a hole when a newer one comes. */
  private outbox: (FromWorker | undefined)[] = [];
  /** Where each run's pending snapshot sits in the outbox. */
  private pendingSnapshot = new Map<string, number>();
  /** Sequence numbers of live batches (acknowledged by the webviews). */
  private seq = 0;
  private lastFlushAt = 0;
  /** When each snapshot of the outbox reached the host (for the panel's lag figures). */
  private arrived: [string, number, number][] = [];
  private marks: [string, number][] = [];
  private queuedAt = 0;
  private flushTimer?: ReturnType<typeof setTimeout>;
  /** Snapshots a finished run keeps that the panel was not sent, and its whole end, drained a few per frame. */
  private backlog: { target: Target; msg: SnapshotMsg | RunEndMsg }[] = [];
  private backlogTimer?: ReturnType<typeof setTimeout>;

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
    const target: Target = { webview, ready: false, isVisible, editor: label === '(editor)', sent: new Map(), held: [], lastPostAt: 0, inFlight: new Map() };
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
      if (msg.type === 'liveAck') {
        target.inFlight.delete(msg.seq);
        this.send(target);
        return;
      }
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
    this.live = { title: vscode.workspace.asRelativePath(experiment), records: new Map(), other: [] };
    for (const t of this.targets) {
      t.sent.clear();
      t.held = [];
      t.inFlight.clear();
    }
    this.watchLoop();
    this.dropPending();
  }

  /**
   * After a training: replays show the finished runs from now on. Nothing is posted: the webview
   * built the same records from the same events.
   */
  settle(runs: RunRecord[], title: string, experiment?: vscode.Uri): void {
    this.flush();
    this.startBacklog();
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
        if (msg.type === 'runEnd' && record) this.backfill(record, msg);
      } else if (msg.type !== 'prediction') {
        // The panel keys what it shows by experiment name: a replay must use the same one.
        if (msg.type === 'experimentStart') live.title = msg.name;
        live.other.push(msg);
      }
    }
    if (!this.outbox.length) this.queuedAt = Date.now();
    if (msg.type === 'snapshot') {
      // Only the newest snapshot of a run is worth drawing: an older one still waiting is dropped
      // here (the run's end sends what it keeps), so an outbox held up by a busy host never piles
      // up grids.
      const older = this.pendingSnapshot.get(msg.runId);
      if (older !== undefined) this.outbox[older] = undefined;
      this.pendingSnapshot.set(msg.runId, this.outbox.length);
    }
    this.outbox.push(msg.type === 'runEnd' && msg.run.neuronMaps ? withoutNeuronMaps(msg) : msg);
    if (msg.type === 'snapshot') this.arrived.push([msg.runId, msg.snapshot.epoch, Date.now()]);
    else if (msg.type === 'epoch' && msg.epoch.epoch === msg.totalEpochs) this.marks.push([`lastEpoch:${msg.runId}`, Date.now()]);
    else if (msg.type === 'runEnd') this.marks.push([`runEnd:${msg.runId}`, Date.now()]);
    else if (msg.type === 'experimentEnd') this.marks.push(['experimentEnd', Date.now()]);
    if (msg.type === 'epoch' || msg.type === 'snapshot') {
      // At most one batch per frame, but a new boundary as soon as the pace allows: a snapshot that
      // finds the last batch a frame old goes at once, not a frame later (epochs just wait their frame).
      if (msg.type === 'snapshot') {
        clearTimeout(this.flushTimer);
        this.flushTimer = setTimeout(() => this.flush(), Math.max(0, this.lastFlushAt + FRAME_MS - Date.now()));
      } else {
        this.flushTimer ??= setTimeout(() => this.flush(), FRAME_MS);
      }
    } else {
      this.flush();
      if (msg.type === 'experimentEnd') this.startBacklog();
    }
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.outbox.length) return;
    const batch = this.outbox.filter((m): m is FromWorker => m !== undefined);
    this.outbox = [];
    this.lastFlushAt = Date.now();
    this.pendingSnapshot.clear();
    const now = Date.now();
    this.liveTargets().forEach((t, i) => {
      // The first target gets every batch; another, what gathered since its last one, every
      // SECONDARY_MS or at a run's start or end.
      t.held.push(...batch);
      if (i > 0 && now - t.lastPostAt < SECONDARY_MS && batch.every((m) => m.type === 'epoch' || m.type === 'snapshot')) return;
      this.send(t);
    });
  }

  /** Posts what a webview is owed, unless IN_FLIGHT batches are still on their way to it. */
  private send(t: Target): void {
    if (!t.held.length || !t.ready || !t.isVisible() || this.relayFull(t)) return;
    const primary = this.liveTargets()[0] === t;
    // Held back, a run's snapshots pile up: only the newest is worth drawing (the run's end sends
    // the rest, backfill).
    const newest = new Map<string, FromWorker>();
    for (const m of t.held) if (m.type === 'snapshot') newest.set(m.runId, m);
    const msgs = t.held.filter((m) => m.type !== 'snapshot' || newest.get(m.runId) === m);
    t.held = [];
    for (const m of msgs) if (m.type === 'snapshot') sentSet(t, m.runId).add(m.snapshot.epoch);
    const now = Date.now();
    t.lastPostAt = now;
    const seq = ++this.seq;
    t.inFlight.set(seq, now);
    void t.webview.postMessage({ type: 'live', msgs: wireForm(msgs), seq, trace: primary ? { postedAt: now, queuedAt: this.queuedAt, arrived: this.arrived, marks: this.marks } : undefined } satisfies LiveMsg);
    if (primary) {
      this.arrived = [];
      this.marks = [];
    }
  }

  /** Whether IN_FLIGHT batches are on their way to the webview (then a retry is set, for lost acknowledgements). */
  private relayFull(t: Target): boolean {
    const now = Date.now();
    for (const [seq, at] of t.inFlight) if (now - at > ACK_TIMEOUT_MS) t.inFlight.delete(seq);
    if (t.inFlight.size < IN_FLIGHT) return false;
    t.retry ??= setTimeout(() => {
      t.retry = undefined;
      if (!this.targets.has(t)) return;
      this.send(t);
      if (this.backlog.length) this.backlogTimer ??= setTimeout(() => this.drainBacklog(), 0);
    }, ACK_TIMEOUT_MS);
    return true;
  }

  /**
   * A few backlog messages per frame to each webview, after what it is still owed live (the run's
   * and the experiment's end come first) and only while its relay has room.
   */
  private drainBacklog(): void {
    this.backlogTimer = undefined;
    if (!this.outbox.length) {
      const primary = this.liveTargets()[0];
      for (const t of new Set(this.backlog.map((b) => b.target))) {
        if (!t.ready || !t.isVisible()) {
          this.backlog = this.backlog.filter((b) => b.target !== t);
          continue;
        }
        if (t.held.length || this.relayFull(t)) continue;
        const chunk: (SnapshotMsg | RunEndMsg)[] = [];
        this.backlog = this.backlog.filter((b) => b.target !== t || chunk.length >= BACKLOG_PER_FRAME || (chunk.push(b.msg), false));
        const seq = ++this.seq;
        t.inFlight.set(seq, Date.now());
        void t.webview.postMessage({ type: 'live', msgs: chunk.map(compact), seq, trace: t === primary ? { postedAt: Date.now(), arrived: [], marks: this.marks.splice(0) } : undefined } satisfies LiveMsg);
      }
    }
    if (this.backlog.length) this.backlogTimer = setTimeout(() => this.drainBacklog(), FRAME_MS);
  }

  /** Ready, visible webviews, the one that gets the full live stream first (the editor panel if shown). */
  private liveTargets(): Target[] {
    return [...this.targets].filter((t) => t.ready && t.isVisible()).sort((a, b) => Number(b.editor) - Number(a.editor));
  }

  /** At a run's end: its end with the neuron maps, then the snapshots it keeps that the panel was not sent, in epoch order. */
  private backfill(record: RunRecord, end: RunEndMsg): void {
    // Snapshots still waiting in the outbox may be coalesced away: they count as not sent (a
    // snapshot that arrives twice replaces itself).
    // The first target's go first: the other view was only thinned for its sake.
    for (const target of this.liveTargets()) {
      if (end.run.neuronMaps) this.backlog.push({ target, msg: end });
      const sent = sentSet(target, record.id);
      for (const snapshot of record.snapshots) {
        if (!sent.has(snapshot.epoch)) this.backlog.push({ target, msg: { type: 'snapshot', runId: record.id, snapshot } });
      }
    }
  }

  /** The backlog goes once the experiment has ended: before, it would hold up the live runs and the end. */
  private startBacklog(): void {
    if (this.backlog.length) this.backlogTimer ??= setTimeout(() => this.drainBacklog(), FRAME_MS);
  }

  private loopTimer?: ReturnType<typeof setInterval>;
  private gcObserver?: PerformanceObserver;
  /**
   * While a training streams and a little after: moments the extension host's event loop was
   * blocked (a late tick), as trace marks ['hostBlocked:<ms>', at] — a blocked host holds every
   * message to the panel, so the panel's lag figures can be told apart from the relay's.
   */
  private watchLoop(): void {
    clearInterval(this.loopTimer);
    const TICK = 20;
    let last = Date.now();
    let quietSince = 0;
    this.gcObserver?.disconnect();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.duration > 20) this.marks.push([`hostGC:${e.duration.toFixed(0)}`, Math.round(performance.timeOrigin + e.startTime)]);
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.loopTimer = setInterval(() => {
      const now = Date.now();
      if (now - last > TICK + 30) this.marks.push([`hostBlocked:${now - last - TICK}`, last + TICK]);
      last = now;
      if (this.live) quietSince = now;
      else if (now - quietSince > 3000) { clearInterval(this.loopTimer); this.gcObserver?.disconnect(); }
    }, TICK);
  }

  private dropPending(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.backlogTimer) clearTimeout(this.backlogTimer);
    this.backlogTimer = undefined;
    this.backlog = [];
    this.outbox = [];
    this.arrived = [];
    this.marks = [];
    for (const t of this.targets) t.held = [];
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
      target.sent.clear();
      target.held = [];
      target.inFlight.clear();
      for (const r of this.live.records.values()) for (const snap of r.snapshots) sentSet(target, r.id).add(snap.epoch);
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
    clearInterval(this.loopTimer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * A run's end without its neuron maps (they follow the experiment's end: see the top of this file),
 * but with their unit count and no values: the panel says they are on their way rather than that
 * the run has none.
 */
function withoutNeuronMaps(m: RunEndMsg): RunEndMsg {
  return { ...m, run: { ...m.run, neuronMaps: { units: m.run.neuronMaps?.units ?? 0, values: [] } } };
}

function sentSet(target: Target, runId: string): Set<number> {
  let set = target.sent.get(runId);
  if (!set) target.sent.set(runId, (set = new Set()));
  return set;
}

/** A batch as the panel is sent it: runs of epochs packed, snapshots and run ends compacted. */
function wireForm(batch: readonly FromWorker[]): LiveMsg['msgs'] {
  const wire: LiveMsg['msgs'] = [];
  let group: EpochMsg[] = [];
  const close = () => {
    const packed = group.length > 1 ? packEpochs(group) : undefined;
    if (packed) wire.push({ type: 'epochsPacked', packed });
    else wire.push(...group);
    group = [];
  };
  for (const m of batch) {
    if (m.type === 'epoch') {
      if (group.length && !sameShape(group[0], m)) close();
      group.push(m);
      continue;
    }
    close();
    wire.push(compact(m));
  }
  close();
  return wire;
}

/**
 * A message as the panel is sent it: a snapshot as thousandths when it is one (every recorded
 * snapshot is), a run's end with its neuron maps as Float64Arrays, any other message as it is.
 */
function compact(m: FromWorker): FromWorker | CompactSnapshotMsg | PackedRunEndMsg {
  if (m.type === 'snapshot') {
    const c = compactSnapshot(m.snapshot);
    return c ? { type: 'snapshotMilli', runId: m.runId, snapshot: c } : m;
  }
  if (m.type === 'runEnd' && m.run.neuronMaps?.values.length) {
    const { units, values } = m.run.neuronMaps;
    return { ...m, type: 'runEndPacked', run: { ...m.run, neuronMaps: { units, values: values.map((v) => Float64Array.from(v)) } } };
  }
  return m;
}
