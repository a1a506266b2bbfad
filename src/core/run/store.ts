// The run store: a run directory on disk, written as the run's events happen and read back into
// the same record (src/core/run/apply.ts replays the events). Append-only, so a write costs what
// it adds, never the run so far:
//
//   manifest.json   the run's header: config, status, final metrics (replaced whole — atomically —
//                   only when the run starts and ends)
//   epochs.jsonl    one epoch a line, appended
//   snapshots/      one file per kept boundary snapshot (gridCodec + deflate), each written to a
//                   temporary name and renamed; the ones retention drops are deleted
//   neurons.grid    the first layer's activation maps, at the end
//   model/          the trained model (saved by the runner)
//
// A crash or SIGKILL at any moment leaves a directory that reads back as the run up to its last
// complete event: the manifest still says "running" (the reader calls it interrupted), a torn last
// line of epochs.jsonl is ignored, a snapshot is there whole or not at all. Epochs are buffered for
// a few hundred milliseconds and flushed before every snapshot, so no snapshot is ever ahead of
// the epochs on disk. Directories of the older format (one run.json) are read too.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import type { BoundarySnapshot, GridSpec, RunRecord } from '../engine/types';
import type { RunEvent, RunHeader } from '../../protocol';
import { applyRunEvent, headerOf } from './apply';
import { ACTIVATION_SCALE, filterGrid, SNAPSHOT_SCALE, unfilterGrid, type GridLayout } from './gridCodec';
import { parseRunPart, stringifyRunPart } from './json';
import { PACKED_FORMAT, toColumns, type PackedRun } from './packed';

export const MANIFEST = 'manifest.json';
export const EPOCHS = 'epochs.jsonl';
export const SNAPSHOTS = 'snapshots';
export const NEURONS = 'neurons.grid';
/** The format before the store: the whole record in one JSON file, rewritten as the run went. */
export const LEGACY_RUN_JSON = 'run.json';

/** What the manifest holds besides the header. */
const STORE_FORMAT = 'logit-lab-run';
const STORE_VERSION = 2;

/** Epochs wait at most this long in memory before they are appended. */
const EPOCH_FLUSH_MS = 250;
const MAGIC = 0x3147_4c4c; // "LLG1" little-endian

/** A grid's layout in the codec: cells of a snapshot hold one value (2 classes) or one per class. */
export function snapshotLayout(grid: GridSpec): GridLayout {
  return { nx: grid.nx, channels: grid.classes <= 2 ? 1 : grid.classes, scale: SNAPSHOT_SCALE };
}

function neuronLayout(grid: GridSpec): GridLayout {
  return { nx: grid.nx, channels: 1, scale: ACTIVATION_SCALE };
}

/** Bytes of one grid file: magic, header length, JSON header, deflated filtered values. */
function gridFile(meta: object, deflated: Uint8Array): Buffer {
  const head = Buffer.from(JSON.stringify(meta));
  const out = Buffer.alloc(8 + head.length + deflated.length);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(head.length, 4);
  head.copy(out, 8);
  out.set(deflated, 8 + head.length);
  return out;
}

function readGridFile(bytes: Buffer): { meta: Record<string, unknown>; values: Float64Array } {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== MAGIC) throw new Error('not a grid file');
  const headLength = bytes.readUInt32LE(4);
  const meta = JSON.parse(bytes.subarray(8, 8 + headLength).toString('utf8')) as Record<string, unknown>;
  const layout = { nx: Number(meta.nx), channels: Number(meta.channels), scale: Number(meta.scale) };
  const values = unfilterGrid(inflateRawSync(bytes.subarray(8 + headLength)), layout);
  if (values.length !== Number(meta.n)) throw new Error('a grid file holds fewer values than its header says');
  return { meta, values };
}

/** Compressed grid values: the form the store writes and the report embeds. */
export function packGrid(values: ArrayLike<number>, layout: GridLayout): Uint8Array {
  return deflateRawSync(filterGrid(values as Float64Array, layout), { level: 6 });
}

const snapshotName = (epoch: number) => `e${String(epoch).padStart(10, '0')}.grid`;
const SNAPSHOT_FILE = /^e(\d{10})\.grid$/;

/** A file replaced whole: written under a name of this process's own, then renamed over. */
function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* never written */ }
    throw err;
  }
}

export class RunStoreWriter {
  private fd: number | undefined;
  private pending: string[] = [];
  private lastFlush = 0;
  private readonly onDisk = new Set<number>();
  private grid: GridSpec | undefined;
  private ended = false;

  /** The directory is made at runStart: a run cancelled before it starts leaves none. */
  constructor(readonly dir: string) {}

  /** Records one event; `record` is the run after applyRunEvent(…, event). */
  write(event: RunEvent, record: RunRecord): void {
    switch (event.type) {
      case 'runStart':
        mkdirSync(join(this.dir, SNAPSHOTS), { recursive: true });
        this.grid = record.grid;
        this.writeManifest(record);
        this.fd = openSync(join(this.dir, EPOCHS), 'w');
        break;
      case 'epoch':
        this.pending.push(stringifyRunPart(event.epoch) + '\n');
        if (Date.now() - this.lastFlush >= EPOCH_FLUSH_MS) this.flushEpochs();
        break;
      case 'snapshot':
        this.flushEpochs();
        this.writeSnapshot(event.snapshot, record);
        break;
      case 'runEnd':
        // end() writes the final manifest once the snapshot files are down.
        this.grid = record.grid;
        break;
    }
  }

  /** The run is over: epochs flushed, neuron maps and the final manifest written. */
  end(record: RunRecord): void {
    if (this.ended) return;
    try {
      this.flushEpochs();
    } finally {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
    }
    if (record.neuronMaps && record.grid) {
      const { units, values } = record.neuronMaps;
      const all = new Float64Array(units * (values[0]?.length ?? 0));
      values.forEach((v, u) => all.set(v, u * v.length));
      // Unit-major: each unit's map is a grid of its own, one value per cell.
      const layout = neuronLayout(record.grid);
      writeAtomic(join(this.dir, NEURONS), gridFile({ units, n: all.length, ...layout }, packGrid(all, layout)));
    }
    this.writeManifest(record);
    this.ended = true;
  }

  /**
   * end() for a run whose store failed (a full disk, a folder removed): its final status matters
   * more than its pictures, so if the manifest does not fit, the run's snapshot files go to make
   * room, and as a last resort a slim manifest (status, message, metrics; no points, report or
   * preprocessing) is written in place. Returns what was given up, or throws if nothing could be.
   */
  endWhateverItTakes(record: RunRecord): 'nothing' | 'snapshots' | 'details' {
    try {
      this.end(record);
      return 'nothing';
    } catch {
      for (const e of this.onDisk) {
        try {
          unlinkSync(join(this.dir, SNAPSHOTS, snapshotName(e)));
        } catch {
          // Already gone.
        }
      }
      this.onDisk.clear();
      this.pending = [];
    }
    try {
      this.end({ ...record, neuronMaps: undefined });
      return 'snapshots';
    } catch {
      const { neuronMaps: _n, points: _p, report: _r, valPredictions: _v, preprocessing: _pre, ...slim } = headerOf(record);
      writeFileSync(join(this.dir, MANIFEST), stringifyRunPart({ format: STORE_FORMAT, storeVersion: STORE_VERSION, ...slim }));
      this.ended = true;
      return 'details';
    }
  }

  /** A run that failed before it started training (its data could not be prepared). */
  writeFailure(header: RunHeader): void {
    mkdirSync(this.dir, { recursive: true });
    this.writeManifest({ ...header, history: [], snapshots: [] });
    writeFileSync(join(this.dir, EPOCHS), '');
  }

  private writeManifest(record: RunRecord): void {
    const { neuronMaps, ...header } = headerOf(record);
    writeAtomic(join(this.dir, MANIFEST), stringifyRunPart({ format: STORE_FORMAT, storeVersion: STORE_VERSION, ...header, ...(neuronMaps ? { neuronMapsFile: NEURONS } : {}) }, 1));
  }

  private flushEpochs(): void {
    this.lastFlush = Date.now();
    if (!this.pending.length || this.fd === undefined) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
  }

  private writeSnapshot(snapshot: BoundarySnapshot, record: RunRecord): void {
    const grid = this.grid ?? record.grid;
    if (!grid) return;
    const kept = new Set(record.snapshots.map((s) => s.epoch));
    // Written here, synchronously: ~1 ms for a 200×200 grid, and measured cheaper than zlib's async
    // form, whose native buffers outlive their calls until a garbage collection (a 20,000-epoch run
    // grew to 0.9 GB with it, 0.3 GB without).
    if (kept.has(snapshot.epoch)) {
      const layout = snapshotLayout(grid);
      const meta = { epoch: snapshot.epoch, ...(snapshot.linearRegions !== undefined ? { linearRegions: snapshot.linearRegions } : {}), n: snapshot.probs.length, ...layout };
      writeAtomic(join(this.dir, SNAPSHOTS, snapshotName(snapshot.epoch)), gridFile(meta, packGrid(snapshot.probs, layout)));
      this.onDisk.add(snapshot.epoch);
    }
    for (const e of [...this.onDisk]) {
      if (kept.has(e)) continue;
      this.onDisk.delete(e);
      try {
        unlinkSync(join(this.dir, SNAPSHOTS, snapshotName(e)));
      } catch {
        // Already gone.
      }
    }
  }
}

/** Reads a run directory (this store's format or a run.json) into its record; undefined if it holds no run. */
export function readRunDir(dir: string): RunRecord | undefined {
  const manifestPath = join(dir, MANIFEST);
  if (!existsSync(manifestPath)) return readLegacyRun(dir);
  let manifest: Record<string, unknown>;
  try {
    manifest = parseRunPart<Record<string, unknown>>(readFileSync(manifestPath, 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.format !== STORE_FORMAT || typeof manifest.id !== 'string') return undefined;
  const { format: _f, storeVersion: _v, neuronMapsFile, ...fields } = manifest;
  const header = fields as unknown as RunHeader;
  let record = applyRunEvent(undefined, { type: 'runStart', run: header })!;
  for (const epoch of readEpochs(join(dir, EPOCHS))) record = applyRunEvent(record, { type: 'epoch', runId: header.id, epoch })!;
  for (const snapshot of readSnapshots(join(dir, SNAPSHOTS))) record = applyRunEvent(record, { type: 'snapshot', runId: header.id, snapshot })!;
  if (typeof neuronMapsFile === 'string') {
    const maps = readNeuronMaps(join(dir, neuronMapsFile));
    if (maps) record.neuronMaps = maps;
  }
  return record;
}

function readEpochs(path: string): RunRecord['history'] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: RunRecord['history'] = [];
  const lines = text.split('\n');
  // The last piece is '' after a complete line, or a line torn by a crash: never a whole epoch.
  for (let i = 0; i < lines.length - 1; i++) {
    try {
      out.push(parseRunPart(lines[i]));
    } catch {
      break;
    }
  }
  return out;
}

function readSnapshots(dir: string): BoundarySnapshot[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => SNAPSHOT_FILE.test(n)).sort();
  } catch {
    return [];
  }
  const out: BoundarySnapshot[] = [];
  for (const name of names) {
    try {
      const { meta, values } = readGridFile(readFileSync(join(dir, name)));
      out.push({ epoch: Number(meta.epoch), probs: values, ...(typeof meta.linearRegions === 'number' ? { linearRegions: meta.linearRegions } : {}) });
    } catch {
      // A file that is not whole is not a snapshot.
    }
  }
  return out;
}

function readNeuronMaps(path: string): RunRecord['neuronMaps'] | undefined {
  try {
    const { meta, values } = readGridFile(readFileSync(path));
    const units = Number(meta.units);
    const cells = values.length / units;
    return { units, values: Array.from({ length: units }, (_, u) => Array.from(values.subarray(u * cells, (u + 1) * cells))) };
  } catch {
    return undefined;
  }
}

function readLegacyRun(dir: string): RunRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(dir, LEGACY_RUN_JSON), 'utf8')) as RunRecord;
    if (!record || typeof record !== 'object' || typeof record.id !== 'string' || !Array.isArray(record.history)) return undefined;
    record.snapshots = Array.isArray(record.snapshots) ? record.snapshots.map((s) => ({ ...s, probs: Array.from(s.probs ?? [], (p) => (p === null ? NaN : p)) })) : [];
    return record;
  } catch {
    return undefined;
  }
}

/** A run packed for the HTML report (src/core/run/packed.ts): its grids compressed as the store keeps them. */
export function packRun(record: RunRecord): PackedRun {
  const { neuronMaps, ...header } = headerOf(record);
  const layout = record.grid ? snapshotLayout(record.grid) : undefined;
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const packed: PackedRun = {
    format: PACKED_FORMAT,
    header,
    epochs: toColumns(record.history),
    ...(layout ? { layout } : {}),
    snapshots: layout ? record.snapshots.map((s) => ({ epoch: s.epoch, ...(s.linearRegions !== undefined ? { linearRegions: s.linearRegions } : {}), data: b64(packGrid(s.probs, layout)) })) : [],
  };
  if (neuronMaps && layout) {
    const all = new Float64Array(neuronMaps.units * (neuronMaps.values[0]?.length ?? 0));
    neuronMaps.values.forEach((v, u) => all.set(v, u * v.length));
    packed.neurons = { units: neuronMaps.units, layout: neuronLayout(record.grid!), data: b64(packGrid(all, neuronLayout(record.grid!))) };
  }
  return packed;
}

/** When the directory last changed as a run (for readers that cache). */
export function runDirStamp(dir: string): string | undefined {
  const parts: string[] = [];
  for (const f of [MANIFEST, EPOCHS, LEGACY_RUN_JSON, SNAPSHOTS]) {
    try {
      const s = statSync(join(dir, f));
      parts.push(`${f}:${s.mtimeMs}:${s.size}`);
    } catch {
      // absent
    }
  }
  return parts.length ? parts.join('|') : undefined;
}

/** True when `dir` holds a run of either format. */
export function isRunDir(dir: string): boolean {
  return existsSync(join(dir, MANIFEST)) || existsSync(join(dir, LEGACY_RUN_JSON));
}
