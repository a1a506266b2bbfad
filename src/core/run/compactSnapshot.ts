// A boundary snapshot on its way to the panel. Its probabilities are whole thousandths (a run rounds
// them so as it records them: engine/plain-grid.ts roundProbability, SNAPSHOT_SCALE), so they travel
// as 16-bit integers — a quarter of the float64 bytes, which the editor's extension host → workbench →
// webview relay carries at every live frame — and come back as the very same doubles.
// A snapshot with any other value (not a thousandth in [0, 1], nor NaN/±Infinity) is not compacted.
import type { BoundarySnapshot } from '../engine/types';
import { SNAPSHOT_SCALE } from './gridCodec';

export interface CompactSnapshot extends Omit<BoundarySnapshot, 'probs'> {
  /** probs × 1000, or one of the codes below. */
  milli: Uint16Array;
}

const NAN = 0xffff;
const POS_INF = 0xfffe;
const NEG_INF = 0xfffd;

/** The snapshot as thousandths, or undefined when a value is not one (sent as it is then). */
export function compactSnapshot(snapshot: BoundarySnapshot): CompactSnapshot | undefined {
  const { probs, ...rest } = snapshot;
  const milli = new Uint16Array(probs.length);
  for (let i = 0; i < probs.length; i++) {
    const v = probs[i];
    const k = Math.round(v * SNAPSHOT_SCALE);
    if (k >= 0 && k <= SNAPSHOT_SCALE && k / SNAPSHOT_SCALE === v) milli[i] = k;
    else if (Number.isNaN(v)) milli[i] = NAN;
    else if (v === Infinity) milli[i] = POS_INF;
    else if (v === -Infinity) milli[i] = NEG_INF;
    else return undefined;
  }
  return { ...rest, milli };
}

/** The snapshot a CompactSnapshot was made from (probabilities as a Float64Array). */
export function expandSnapshot(compact: CompactSnapshot): BoundarySnapshot {
  const { milli, ...rest } = compact;
  const probs = new Float64Array(milli.length);
  for (let i = 0; i < milli.length; i++) {
    const k = milli[i];
    probs[i] = k <= SNAPSHOT_SCALE ? k / SNAPSHOT_SCALE : k === NAN ? NaN : k === POS_INF ? Infinity : k === NEG_INF ? -Infinity : NaN;
  }
  return { ...rest, probs };
}
