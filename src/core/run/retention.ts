// Which boundary snapshots a run keeps. A 20,000-epoch run snapshotting every 10 epochs takes 2,000
// grids: far more than anyone scrubs through, and hundreds of megabytes. It keeps every snapshot of
// the last `recent`, and of older ones a logarithmic sample — about `perDoubling` between epoch e
// and 2e — so the early epochs, where the boundary changes most, stay dense.
//
// The rule depends only on a snapshot's epoch and the newest epoch, never on arrival order, so the
// live record, the store on disk and a record replayed from disk keep the same snapshots, and a
// snapshot once dropped is never wanted again.
import type { BoundarySnapshot } from '../engine/types';
import type { RecordSpec } from '../experiment/schema';

export const DEFAULT_KEEP = { recent: 100, perDoubling: 8 } as const;

type Policy = Pick<RecordSpec, 'every'> & { keep?: RecordSpec['keep'] };

const NONE: ReadonlySet<number> = new Set();

/** True when a snapshot at `epoch` is one of the logarithmic sample of older snapshots. */
export function isLogSample(epoch: number, every: number, perDoubling: number): boolean {
  if (perDoubling <= 0) return false;
  const s = Math.max(0, Math.round(epoch / Math.max(1, every)));
  if (s <= perDoubling) return true;
  // 2^floor(log2(s / perDoubling)): the sample's spacing in this doubling of s.
  const step = 2 ** Math.floor(Math.log2(s / perDoubling));
  return s % step === 0;
}

/** Epochs of the snapshots (in epoch order) that the policy no longer keeps. */
export function droppedByRetention(snapshots: readonly BoundarySnapshot[], policy: Policy): ReadonlySet<number> {
  const n = snapshots.length;
  const { recent, perDoubling } = policy.keep ?? DEFAULT_KEEP;
  if (n <= recent) return NONE;
  const every = Math.max(1, policy.every);
  const cutoff = snapshots[n - 1].epoch - recent * every;
  let dropped: Set<number> | undefined;
  // Only snapshots at or below the cutoff are old; all but the log sample go.
  for (let i = 0; i < n - recent && snapshots[i].epoch <= cutoff; i++) {
    const e = snapshots[i].epoch;
    if (!isLogSample(e, every, perDoubling)) (dropped ??= new Set()).add(e);
  }
  return dropped ?? NONE;
}
