// A run packed for embedding in a self-contained HTML report: its header and epochs as JSON (NaN
// kept), its grids in the store's compressed form as base64 — each run's data once, a tenth of the
// size of the record as plain JSON. Unpacking replays the run's events through applyRunEvent, so a
// report shows the record the panel showed. Pure: the inflate function is the caller's (fflate in
// the browser, node:zlib in tests).
import type { EpochRecord, RunRecord } from '../engine/types';
import type { RunHeader } from '../../protocol';
import { applyRunEvent } from './apply';
import { fromBase64, unfilterGrid, type GridLayout } from './gridCodec';

export const PACKED_FORMAT = 'logit-lab-packed-run';

export interface PackedGrid {
  epoch: number;
  linearRegions?: number;
  /** base64 of the deflated, filtered values (gridCodec). */
  data: string;
}

export interface PackedRun {
  format: typeof PACKED_FORMAT;
  header: RunHeader;
  /** The history by column ({epoch: [1, 2, …], trainLoss: […], …}): its keys written once. */
  epochs: Record<string, unknown[]>;
  layout?: GridLayout;
  snapshots: PackedGrid[];
  neurons?: { units: number; layout: GridLayout; data: string };
}

export type Inflate = (bytes: Uint8Array) => Uint8Array;

export function isPackedRun(v: unknown): v is PackedRun {
  return typeof v === 'object' && v !== null && (v as { format?: unknown }).format === PACKED_FORMAT;
}

export function unpackRun(packed: PackedRun, inflate: Inflate): RunRecord {
  const id = packed.header.id;
  const record = applyRunEvent(undefined, { type: 'runStart', run: packed.header })!;
  for (const epoch of fromColumns(packed.epochs)) applyRunEvent(record, { type: 'epoch', runId: id, epoch: epoch as unknown as EpochRecord });
  if (packed.layout) {
    for (const s of packed.snapshots) {
      const probs = unfilterGrid(inflate(fromBase64(s.data)), packed.layout);
      applyRunEvent(record, { type: 'snapshot', runId: id, snapshot: { epoch: s.epoch, probs, ...(s.linearRegions !== undefined ? { linearRegions: s.linearRegions } : {}) } });
    }
  }
  if (packed.neurons) {
    const all = unfilterGrid(inflate(fromBase64(packed.neurons.data)), packed.neurons.layout);
    const units = packed.neurons.units;
    const cells = all.length / units;
    record.neuronMaps = { units, values: Array.from({ length: units }, (_, u) => Array.from(all.subarray(u * cells, (u + 1) * cells))) };
  }
  return record;
}

/** Rows of records with the same keys, as one array per key. */
export function toColumns(rows: readonly object[]): Record<string, unknown[]> {
  const columns: Record<string, unknown[]> = {};
  rows.forEach((row, i) => {
    for (const [k, v] of Object.entries(row)) (columns[k] ??= new Array(rows.length).fill(undefined))[i] = v;
  });
  return columns;
}

export function fromColumns(columns: Record<string, unknown[]>): Record<string, unknown>[] {
  const keys = Object.keys(columns);
  const n = keys.length ? columns[keys[0]].length : 0;
  return Array.from({ length: n }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const k of keys) if (columns[k][i] !== undefined) row[k] = columns[k][i];
    return row;
  });
}
