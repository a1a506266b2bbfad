// Preprocessing is fitted on the training rows only (the validation and test rows must not leak into
// the scaler, the imputed values or the category list) and stored as data, so `logit-lab predict`
// replays exactly what training did.
import { LogitLabError } from '../errors';
import type { Column, Frame } from './frame';
import type { FeatureEncoding, Preprocessing, Table } from './types';
import { unknownNameHint } from './didYouMean';

/** Cell values that mean "missing", in CSV files and in rows given to `predict`. */
export const MISSING_MARKERS = new Set(['', '?', 'NA', 'NaN']);

export function isMissing(cell: string): boolean {
  return MISSING_MARKERS.has(cell.trim());
}

export const UNKNOWN_CATEGORY = '<unknown>';

export function fitPreprocessing(frame: Frame, rows: ArrayLike<number>, options = { standardise: frame.standardise }): Preprocessing {
  const features: FeatureEncoding[] = [];
  const imputed: Record<string, number | string> = {};
  for (const column of frame.columns) {
    if (column.kind === 'numeric') {
      const { mean, std } = numericStatistics(column, rows);
      features.push(options.standardise
        ? { kind: 'numeric', name: column.name, column: column.name, mean, std }
        : { kind: 'numeric', name: column.name, column: column.name, mean: 0, std: 1 });
      if (frame.impute) imputed[column.name] = mean;
    } else {
      const counts = categoryCounts(column, rows);
      // Sorted like scikit-learn's OneHotEncoder, so the feature order does not depend on row order.
      const known = [...counts.keys()].sort();
      for (const category of known) {
        features.push({ kind: 'one-hot', name: `${column.name}=${category}`, column: column.name, category });
      }
      // Always present, so a model can be handed a category training never saw (at predict time too).
      features.push({ kind: 'unknown-category', name: `${column.name}=${UNKNOWN_CATEGORY}`, column: column.name, known });
      if (frame.impute && known.length > 0) imputed[column.name] = mostFrequent(counts);
    }
  }
  const pre: Preprocessing = { inputColumns: frame.columns.map((c) => c.name), features, classNames: frame.classNames };
  if (frame.impute) pre.imputed = imputed;
  return pre;
}

/** Mean and population standard deviation (as scikit-learn's StandardScaler), missing values imputed by the mean. */
function numericStatistics(column: Extract<Column, { kind: 'numeric' }>, rows: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  let observed = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = column.values[rows[i]];
    if (!Number.isNaN(v)) {
      sum += v;
      observed++;
    }
  }
  if (observed === 0) {
    throw new LogitLabError(`column "${column.name}" has no values in the training split`, {
      jsonPath: ['data'],
      hint: 'drop the column (data.drop) or fill in its values.',
    });
  }
  const mean = sum / observed;
  let squares = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = column.values[rows[i]];
    if (!Number.isNaN(v)) squares += (v - mean) ** 2;
  }
  const std = Math.sqrt(squares / rows.length);
  // A constant column carries no information; dividing by 1 keeps it finite (StandardScaler does the same).
  return { mean, std: std > 0 ? std : 1 };
}

function categoryCounts(column: Extract<Column, { kind: 'categorical' }>, rows: ArrayLike<number>): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const v = column.values[rows[i]];
    if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

/** The most frequent value; ties go to the first in sorted order so the choice is reproducible. */
export function mostFrequent(counts: Map<string, number>): string {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0][0];
}

/** One cell by column name; null when the value is missing. */
type CellReader = (column: string) => string | number | null;

function encodeRow(pre: Preprocessing, read: CellReader, out: Float32Array, offset: number, describeRow: string): void {
  const missing = (column: string) => {
    const value = pre.imputed?.[column];
    if (value === undefined) {
      throw new LogitLabError(`${describeRow}: missing value in column "${column}"`, {
        hint: 'supply a value; the model was trained without missing values in this column.',
      });
    }
    return value;
  };
  pre.features.forEach((feature, j) => {
    const value: unknown = read(feature.column) ?? missing(feature.column);
    // Rows from `predict --input` are JSON: booleans, lists and objects are not cells.
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new LogitLabError(`${describeRow}: column "${feature.column}" needs ${feature.kind === 'numeric' ? 'a number' : 'a category (a string)'}, got ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : JSON.stringify(value)}`, {
        hint: feature.kind === 'numeric' ? 'write the value as a number, e.g. 60' : 'write the category as a string, e.g. "fixed"',
      });
    }
    if (feature.kind === 'numeric') {
      const number = typeof value === 'number' ? value : Number(value.trim());
      if (!Number.isFinite(number)) {
        throw new LogitLabError(`${describeRow}: column "${feature.column}" needs a number, got "${value}"`, { hint: 'write a finite number; leave the cell empty (or "NA") for a missing value' });
      }
      const scaled = (number - feature.mean) / feature.std;
      // The model computes in float32: beyond ±3.4e38 a value becomes Infinity and every probability NaN.
      if (!(Math.abs(scaled) < 1e30)) {
        throw new LogitLabError(`${describeRow}: column "${feature.column}" holds ${number}, far outside anything the model was trained on`, {
          hint: `training values had mean ${feature.mean.toPrecision(4)} and standard deviation ${feature.std.toPrecision(4)}; check the value`,
        });
      }
      out[offset + j] = scaled;
    } else {
      const category = String(value).trim();
      out[offset + j] = feature.kind === 'one-hot' ? Number(category === feature.category) : Number(!feature.known.includes(category));
    }
  });
}

/** Encode the given rows of a frame with fitted preprocessing. */
export function encodeFrame(frame: Frame, pre: Preprocessing, rows: ArrayLike<number>): Table {
  const byName = new Map(frame.columns.map((c) => [c.name, c]));
  const d = pre.features.length;
  const x = new Float32Array(rows.length * d);
  const y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const read: CellReader = (name) => {
      const value = byName.get(name)!.values[row];
      return typeof value === 'number' && Number.isNaN(value) ? null : value;
    };
    encodeRow(pre, read, x, i * d, `row ${row + 1}`);
    y[i] = frame.y[row];
  }
  return { x, y, n: rows.length, d };
}

/** Replay the training preprocessing on user-supplied rows (e.g. `logit-lab predict`). */
export function encodeRows(pre: Preprocessing, rows: Record<string, string | number>[]): Float32Array {
  const d = pre.features.length;
  const out = new Float32Array(rows.length * d);
  rows.forEach((row, i) => {
    for (const column of pre.inputColumns) {
      if (!(column in row)) {
        throw new LogitLabError(`row ${i + 1} has no column "${column}"`, {
          hint: unknownNameHint(column, Object.keys(row), 'the row has') + `; the model needs ${pre.inputColumns.join(', ')}`,
        });
      }
    }
    const read: CellReader = (name) => {
      const value = row[name];
      return typeof value === 'string' && isMissing(value) ? null : value;
    };
    encodeRow(pre, read, out, i * d, `row ${i + 1}`);
  });
  return out;
}
