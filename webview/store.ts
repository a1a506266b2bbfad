// The runs the panel knows, and how live worker messages update them. Messages are applied strictly
// in arrival order; nothing is dropped.
import type { RunRecord } from '../src/core/engine/types';
import type { FromWorker } from '../src/protocol';

export class RunStore {
  runs: RunRecord[] = [];
  status = '';
  error: string | undefined;
  live = false;
  /** Run ids in the order the worker announced them. */
  announced: string[] = [];

  get(id: string | undefined): RunRecord | undefined {
    return this.runs.find((r) => r.id === id);
  }

  replaceAll(runs: RunRecord[]): void {
    this.runs = runs;
    this.live = false;
    this.error = undefined;
  }

  private upsert(run: RunRecord): void {
    const i = this.runs.findIndex((r) => r.id === run.id);
    if (i >= 0) this.runs[i] = run;
    else this.runs.push(run);
  }

  /** Applies one worker message; returns the id of the run it touched, if any. */
  apply(msg: FromWorker): string | undefined {
    switch (msg.type) {
      case 'backend':
        this.status = `backend ${msg.name}${msg.fallbackFrom ? ` (fell back from ${msg.fallbackFrom})` : ''}`;
        return undefined;
      case 'experimentStart':
        this.live = true;
        this.error = undefined;
        this.announced = msg.runIds;
        this.runs = this.runs.filter((r) => !msg.runIds.includes(r.id));
        this.status = `training ${msg.name}: ${msg.runIds.length} run${msg.runIds.length === 1 ? '' : 's'}`;
        return undefined;
      case 'runStart':
        this.live = true;
        this.upsert({ ...msg.run, history: msg.run.history ?? [], snapshots: msg.run.snapshots ?? [] });
        this.status = `run ${msg.index + 1}/${msg.total}: ${msg.run.name}`;
        return msg.run.id;
      case 'epoch': {
        const run = this.get(msg.runId);
        if (!run) return undefined;
        run.history.push(msg.epoch);
        return run.id;
      }
      case 'snapshot': {
        const run = this.get(msg.runId);
        if (!run) return undefined;
        run.grid = msg.grid;
        run.snapshots.push(msg.snapshot);
        return run.id;
      }
      case 'runEnd':
        this.upsert(msg.run);
        return msg.run.id;
      case 'experimentEnd':
        this.live = false;
        this.status = msg.cancelled ? 'cancelled' : `finished: ${msg.summary.groups.length} group${msg.summary.groups.length === 1 ? '' : 's'}`;
        return undefined;
      case 'error':
        this.error = msg.location ? `${msg.message} (${msg.location.file}:${msg.location.line}:${msg.location.column})` : msg.message;
        return undefined;
    }
  }
}
