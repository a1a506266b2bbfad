// A run's epochs on their way to the panel, several at a time. A fast run sends thousands of epoch
// records a second; as JSON objects each costs the editor's relay a stringify, a parse and a walk
// (code-server: extension host → workbench → webview). Packed, a frame's epochs of one run are one
// Float64Array the relay moves as bytes, and come back as the same records (NaN, ±Infinity and -0
// included). Epochs that do not share a shape (validation or not, a learning rate or not, number of
// hidden layers, total) are not packed together.
import type { EpochRecord } from '../engine/types';

export interface PackedEpochs {
  runId: string;
  totalEpochs: number;
  /** Whether the records have validation figures (else valLoss and valAcc are null). */
  hasVal: boolean;
  /** Whether the records carry the epoch's learning rate (a run with a schedule). */
  hasLr?: boolean;
  /** Hidden layers: the length of each record's `alive`. */
  layers: number;
  /** Per record: epoch, trainLoss, trainAcc, valLoss, valAcc, ms, lr (with hasLr), then `layers` alive counts. */
  values: Float64Array;
}

const fixedColumns = (hasLr: boolean) => (hasLr ? 7 : 6);

interface EpochMsgLike { runId: string; epoch: EpochRecord; totalEpochs: number }

/** Whether `m` can join a pack of the shape of `first`. */
export function sameShape(first: EpochMsgLike, m: EpochMsgLike): boolean {
  const hasVal = (e: EpochRecord) => e.valLoss !== null && e.valAcc !== null;
  const noVal = (e: EpochRecord) => e.valLoss === null && e.valAcc === null;
  return m.runId === first.runId && m.totalEpochs === first.totalEpochs && m.epoch.alive.length === first.epoch.alive.length
    && ((hasVal(first.epoch) && hasVal(m.epoch)) || (noVal(first.epoch) && noVal(m.epoch)))
    && (m.epoch.lr === undefined) === (first.epoch.lr === undefined);
}

/** Packs epoch messages of one shape (check with sameShape); undefined for mixed validation figures. */
export function packEpochs(msgs: readonly EpochMsgLike[]): PackedEpochs | undefined {
  const first = msgs[0];
  if (!first || !msgs.every((m) => sameShape(first, m))) return undefined;
  const layers = first.epoch.alive.length;
  const hasLr = first.epoch.lr !== undefined;
  const fixed = fixedColumns(hasLr);
  const width = fixed + layers;
  const values = new Float64Array(msgs.length * width);
  msgs.forEach(({ epoch: e }, i) => {
    const at = i * width;
    values[at] = e.epoch;
    values[at + 1] = e.trainLoss;
    values[at + 2] = e.trainAcc;
    values[at + 3] = e.valLoss ?? 0;
    values[at + 4] = e.valAcc ?? 0;
    values[at + 5] = e.ms;
    if (hasLr) values[at + 6] = e.lr!;
    for (let l = 0; l < layers; l++) values[at + fixed + l] = e.alive[l];
  });
  return { runId: first.runId, totalEpochs: first.totalEpochs, hasVal: first.epoch.valLoss !== null, ...(hasLr ? { hasLr } : {}), layers, values };
}

/** The epoch messages a pack was made from, in order. */
export function unpackEpochs(p: PackedEpochs): { type: 'epoch'; runId: string; epoch: EpochRecord; totalEpochs: number }[] {
  const fixed = fixedColumns(!!p.hasLr);
  const width = fixed + p.layers;
  const out: { type: 'epoch'; runId: string; epoch: EpochRecord; totalEpochs: number }[] = [];
  for (let at = 0; at + width <= p.values.length; at += width) {
    const v = p.values;
    out.push({
      type: 'epoch', runId: p.runId, totalEpochs: p.totalEpochs,
      epoch: {
        epoch: v[at], trainLoss: v[at + 1], trainAcc: v[at + 2], valLoss: p.hasVal ? v[at + 3] : null, valAcc: p.hasVal ? v[at + 4] : null,
        alive: Array.from(v.subarray(at + fixed, at + width)), ms: v[at + 5], ...(p.hasLr ? { lr: v[at + 6] } : {}),
      },
    });
  }
  return out;
}
