// Keeps a run's run.json on disk current while it trains. Writes are throttled (a 500-epoch run
// must not write 500 files) but the first and last writes are forced, so a crash or a window
// reload leaves a run.json that says "running" with everything recorded up to its last write.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BoundarySnapshot, RunRecord } from '../engine/types';
import type { ExpandedRun } from '../experiment';
import { toJson } from '../json';

const MIN_INTERVAL_MS = 1000;

/** Stands in for the snapshots in the record's JSON until their cached texts take its place. */
const SNAPSHOTS = 'logit-lab:snapshots:3f9c1e';

export class RunWriter {
  private lastWrite = 0;

  private made = false;

  /** Each snapshot's JSON, made once: a long run holds hundreds of 10,000-value grids. */
  private readonly snapshotTexts: { snapshot: BoundarySnapshot; json: string }[] = [];

  /** The directory is made on the first write: a run cancelled before it starts leaves none. */
  constructor(readonly dir: string) {}

  write(record: RunRecord, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastWrite < MIN_INTERVAL_MS) return;
    this.lastWrite = now;
    if (!this.made) {
      mkdirSync(this.dir, { recursive: true });
      this.made = true;
    }
    // Write-then-rename so a reader never sees half a file.
    const tmp = join(this.dir, 'run.json.tmp');
    writeFileSync(tmp, this.json(record));
    renameSync(tmp, join(this.dir, 'run.json'));
  }

  /** toJson(record), with the snapshots written at an earlier write reused. */
  private json(record: RunRecord): string {
    const texts = record.snapshots.map((snapshot, i) => {
      const known = this.snapshotTexts[i];
      if (known?.snapshot === snapshot) return known.json;
      this.snapshotTexts[i] = { snapshot, json: toJson(snapshot) };
      return this.snapshotTexts[i].json;
    });
    this.snapshotTexts.length = texts.length;
    return toJson({ ...record, snapshots: SNAPSHOTS }).replace(`"${SNAPSHOTS}"`, () => `[${texts.join(',')}]`);
  }

  /** A run that failed before training started (e.g. its data could not be prepared). */
  writeFailure(run: ExpandedRun, message: string): void {
    const record: RunRecord = {
      version: 1,
      id: run.id,
      name: run.name,
      group: run.group,
      kind: run.kind,
      config: run.spec,
      params: 0,
      backend: 'cpu',
      startedAt: new Date().toISOString(),
      status: 'failed',
      stopReason: 'failed',
      message,
      history: [],
      snapshots: [],
      featureNames: [],
      classNames: [],
      timings: { totalMs: 0, msPerEpoch: 0, snapshotMs: 0 },
    };
    this.write(record, true);
  }
}
