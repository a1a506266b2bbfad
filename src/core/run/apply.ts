// The one way a run's record is built from its events — in the runner, the thread pool, the
// extension host, the webview and the store's reader alike. Deterministic: no clock, no I/O. It
// updates the record in place and returns it, so a 20,000-epoch run costs O(1) per event rather
// than a copy of its history per epoch.
import type { BoundarySnapshot, RunRecord } from '../engine/types';
import type { RunEvent, RunHeader } from '../../protocol';
import { droppedByRetention } from './retention';

/**
 * The record after `event`. runStart makes a new record (any earlier one of that id is replaced);
 * other events need the record of their run and return it unchanged if there is none.
 */
export function applyRunEvent(record: RunRecord | undefined, event: RunEvent): RunRecord | undefined {
  switch (event.type) {
    case 'runStart':
      return { ...event.run, history: [], snapshots: [] };
    case 'epoch':
      record?.history.push(event.epoch);
      return record;
    case 'snapshot':
      if (record) addSnapshot(record, event.snapshot);
      return record;
    case 'runEnd':
      return record ? Object.assign(record, withoutStreams(event.run)) : { ...withoutStreams(event.run), history: [], snapshots: [] };
  }
}

/** A record's header: what runStart and runEnd carry. */
export function headerOf(record: RunRecord): RunHeader {
  const { history: _h, snapshots: _s, ...header } = record;
  return header;
}

function withoutStreams(run: RunHeader | RunRecord): RunHeader {
  return 'history' in run || 'snapshots' in run ? headerOf(run as RunRecord) : run;
}

/** Snapshots stay in epoch order; a long run keeps the recent ones and a log sample of the rest. */
function addSnapshot(record: RunRecord, snapshot: BoundarySnapshot): void {
  const snaps = record.snapshots;
  const last = snaps[snaps.length - 1];
  if (last && last.epoch === snapshot.epoch) snaps[snaps.length - 1] = snapshot;
  else if (!last || last.epoch < snapshot.epoch) snaps.push(snapshot);
  else {
    const at = snaps.findIndex((s) => s.epoch >= snapshot.epoch);
    snaps.splice(at, snaps[at].epoch === snapshot.epoch ? 1 : 0, snapshot);
  }
  const dropped = droppedByRetention(snaps, record.config.record);
  if (dropped.size) record.snapshots = snaps.filter((s) => !dropped.has(s.epoch));
}
