// The runs the panel knows, and how live worker messages update them: run events through the one
// applyRunEvent the runner and the store use, so a run seen live is the run replayed from disk.
// Messages are applied strictly in arrival order.
import type { RunRecord } from '../src/core/engine/types';
import type { FromWorker } from '../src/protocol';
import { applyRunEvent } from '../src/core/run/apply';

export class PanelRuns {
  runs: RunRecord[] = [];
  status = '';
  error: string | undefined;
  live = false;
  /** Run ids in the order the worker announced them. */
  announced: string[] = [];

  get(id: string | undefined): RunRecord | undefined {
    return this.runs.find((r) => r.id === id);
  }

  replaceAll(runs: RunRecord[], live = false): void {
    this.runs = runs;
    this.live = live;
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
        this.upsert(applyRunEvent(undefined, msg)!);
        this.status = `run ${msg.index + 1}/${msg.total}: ${msg.run.name}`;
        return msg.run.id;
      case 'snapshot': {
        const run = this.get(msg.runId);
        const k = run?.grid ? (run.grid.classes <= 2 ? 1 : run.grid.classes) : 0;
        if (!run?.grid || msg.snapshot.probs.length !== run.grid.nx * run.grid.ny * k) return undefined;
        return applyRunEvent(run, msg)?.id;
      }
      case 'epoch':
      case 'runEnd':
        return applyRunEvent(this.get(msg.runId), msg)?.id;
      case 'experimentEnd':
        this.live = false;
        this.status = msg.cancelled ? 'cancelled' : `finished: ${msg.summary.groups.length} group${msg.summary.groups.length === 1 ? '' : 's'}`;
        return undefined;
      case 'error':
        this.error = msg.location ? `${msg.message} (${msg.location.file}:${msg.location.line}:${msg.location.column})` : msg.message;
        return undefined;
      case 'prediction':
        return undefined;
    }
  }
}
