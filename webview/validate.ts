// Type guards for everything that crosses into the webview. The host is trusted, but the panel must
// never crash on (or draw nonsense from) a malformed message: a message that fails these checks is
// reported and dropped.
import type { BoundarySnapshot, EpochRecord, GridSpec, RunRecord } from '../src/core/engine/types';
import type { FromWorker, RunHeader, ToWebview } from '../src/protocol';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number';
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNumOrNull = (v: unknown) => v === null || isNum(v);
const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

const STATUSES = ['running', 'completed', 'early-stopped', 'diverged', 'cancelled', 'failed', 'interrupted'];

export function isEpochRecord(v: unknown): v is EpochRecord {
  return isObj(v) && isNum(v.epoch) && isNum(v.trainLoss) && isNum(v.trainAcc) && isNumOrNull(v.valLoss) && isNumOrNull(v.valAcc) && isNumArray(v.alive) && isNum(v.ms);
}

export function isGridSpec(v: unknown): v is GridSpec {
  return isObj(v) && Array.isArray(v.features) && v.features.length === 2 && isNumArray(v.features)
    && [v.xMin, v.xMax, v.yMin, v.yMax].every(isNum) && Number.isInteger(v.nx) && Number.isInteger(v.ny) && (v.nx as number) >= 1 && (v.ny as number) >= 1
    && Number.isInteger(v.classes) && (v.classes as number) >= 2 && (v.xMax as number) > (v.xMin as number);
}

export function isSnapshot(v: unknown, grid?: GridSpec): v is BoundarySnapshot {
  // Snapshots arrive as Float64Arrays (VS Code transfers typed arrays; the store and the report
  // decode to them), records of older reports as arrays. NaN is a value: a diverged model's output.
  if (!isObj(v) || !isNum(v.epoch) || !(isNumArray(v.probs) || v.probs instanceof Float64Array)) return false;
  if (v.linearRegions !== undefined && !isNum(v.linearRegions)) return false;
  if (!grid) return true;
  const k = grid.classes <= 2 ? 1 : grid.classes;
  return v.probs.length === grid.nx * grid.ny * k;
}

/** A snapshot as thousandths: 0…1000, or the codes for NaN and ±Infinity (core/run/compactSnapshot.ts). */
function isCompactSnapshot(v: unknown): boolean {
  if (!isObj(v) || !isNum(v.epoch) || !(v.milli instanceof Uint16Array)) return false;
  if (v.linearRegions !== undefined && !isNum(v.linearRegions)) return false;
  const milli = v.milli;
  for (let i = 0; i < milli.length; i++) if (milli[i] > 1000 && milli[i] < 0xfffd) return false;
  return true;
}

/** One message of a live batch: a worker message, or one of the compact forms the host sends (src/protocol.ts). */
function isLiveItem(m: unknown): boolean {
  if (!isObj(m)) return false;
  if (m.type === 'snapshotMilli') return isStr(m.runId) && isCompactSnapshot(m.snapshot);
  if (m.type === 'epochsPacked') {
    const p = m.packed;
    return isObj(p) && isStr(p.runId) && isNum(p.totalEpochs) && typeof p.hasVal === 'boolean' && Number.isInteger(p.layers) && (p.layers as number) >= 0
      && (p.hasLr === undefined || typeof p.hasLr === 'boolean')
      && p.values instanceof Float64Array && p.values.length % ((p.hasLr ? 7 : 6) + (p.layers as number)) === 0;
  }
  if (m.type === 'runEndPacked') {
    if (!isObj(m.run)) return false;
    const maps = m.run.neuronMaps;
    if (maps !== undefined && !(isObj(maps) && isNum(maps.units) && Array.isArray(maps.values) && maps.values.every((x) => x instanceof Float64Array))) return false;
    return isFromWorker({ ...m, type: 'runEnd', run: { ...m.run, neuronMaps: undefined } });
  }
  return isFromWorker(m);
}

const isPointSet = (v: unknown) => isObj(v) && isNumArray(v.x) && isNumArray(v.y) && isNumArray(v.label) && v.x.length === v.y.length && v.y.length === v.label.length;

/** A run's header: everything but its history and snapshots (runStart and runEnd carry it). */
export function isRunHeader(v: unknown): v is RunHeader {
  if (!isObj(v)) return false;
  if (v.version !== 1 || !isStr(v.id) || !isStr(v.name) || !isStr(v.group) || !isObj(v.config) || !isNum(v.params)) return false;
  if (!isStr(v.status) || !STATUSES.includes(v.status)) return false;
  if (v.grid !== undefined && !isGridSpec(v.grid)) return false;
  if (!isStrArray(v.featureNames) || !isStrArray(v.classNames)) return false;
  if (v.points !== undefined && !(isObj(v.points) && isPointSet(v.points.train) && isPointSet(v.points.val))) return false;
  if (v.valPredictions !== undefined && !(isObj(v.valPredictions) && isNumArray(v.valPredictions.y) && isNumArray(v.valPredictions.p))) return false;
  if (v.neuronMaps !== undefined && !(isObj(v.neuronMaps) && isNum(v.neuronMaps.units) && Array.isArray(v.neuronMaps.values) && v.neuronMaps.values.every(isNumArray))) return false;
  if (v.notes !== undefined && !isStrArray(v.notes)) return false;
  if (!isObj(v.timings)) return false;
  return true;
}

export function isRunRecord(v: unknown): v is RunRecord {
  if (!isRunHeader(v)) return false;
  const r = v as unknown as Obj;
  if (!Array.isArray(r.history) || !r.history.every(isEpochRecord)) return false;
  return Array.isArray(r.snapshots) && r.snapshots.every((s) => isSnapshot(s, v.grid));
}

/** The runs of a list that are well formed, and how many were not: one bad run never hides the others. */
export function wellFormedRuns(runs: unknown[]): { runs: RunRecord[]; rejected: number } {
  const ok = runs.filter(isRunRecord);
  return { runs: ok, rejected: runs.length - ok.length };
}

export function isFromWorker(v: unknown): v is FromWorker {
  if (!isObj(v) || !isStr(v.type)) return false;
  switch (v.type) {
    case 'backend': return isStr(v.name);
    case 'experimentStart': return isStr(v.name) && isStrArray(v.runIds) && isStr(v.outDir);
    case 'runStart': return isRunHeader(v.run) && isNum(v.index) && isNum(v.total);
    case 'epoch': return isStr(v.runId) && isEpochRecord(v.epoch) && isNum(v.totalEpochs);
    // Its length is checked against its run's grid when it is applied (webview/store.ts).
    case 'snapshot': return isStr(v.runId) && isSnapshot(v.snapshot);
    case 'runEnd': return isRunHeader(v.run) && isStr(v.runId) && isStr(v.dir);
    case 'experimentEnd': return isObj(v.summary) && Array.isArray(v.summary.groups) && isStr(v.outDir) && typeof v.cancelled === 'boolean';
    case 'error': return isStr(v.message);
    default: return false;
  }
}

export function isToWebview(v: unknown): v is ToWebview {
  if (!isObj(v) || !isStr(v.type)) return false;
  switch (v.type) {
    // Each run is checked on its own when shown (wellFormedRuns).
    case 'showRuns': return Array.isArray(v.runs) && isStr(v.title) && (v.live === undefined || typeof v.live === 'boolean');
    case 'live': return Array.isArray(v.msgs) && v.msgs.every(isLiveItem);
    case 'theme': return v.kind === 'light' || v.kind === 'dark' || v.kind === 'high-contrast';
    case 'prediction': return Number.isInteger(v.requestId)
      && (v.probs === undefined || (isObj(v.probs) && Object.values(v.probs).every((p) => isNum(p) && Number.isFinite(p))))
      && (v.error === undefined || isStr(v.error)) && (v.probs !== undefined || v.error !== undefined);
    default: return false;
  }
}
