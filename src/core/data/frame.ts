// The common shape every dataset is loaded into before splitting: named columns that are either
// numbers or categories, plus class labels. Splitting and preprocessing then work the same for a
// generated lesson dataset and a messy CSV file.
import type { RawDataset } from './types';

export type Column =
  /** NaN marks a missing value (only CSV data has any). */
  | { kind: 'numeric'; name: string; values: Float64Array }
  /** null marks a missing value. */
  | { kind: 'categorical'; name: string; values: (string | null)[] };

export interface Frame {
  columns: Column[];
  /** Class index per row. */
  y: Int32Array;
  n: number;
  classNames: string[];
  notes: string[];
  /** Scale numeric columns with training statistics (the lesson generators are used raw). */
  standardise: boolean;
  /** Fill missing values with the training mean / mode (CSV policy `impute`). */
  impute: boolean;
  /** Every column of the source file (CSV only), used or not. */
  fileColumns?: string[];
}

/** A generator's row-major table as numeric columns. */
export function frameFromRaw(raw: RawDataset, standardise: boolean): Frame {
  const columns: Column[] = raw.featureNames.map((name, j) => {
    const values = new Float64Array(raw.n);
    for (let i = 0; i < raw.n; i++) values[i] = raw.x[i * raw.d + j];
    return { kind: 'numeric', name, values };
  });
  return { columns, y: raw.y, n: raw.n, classNames: raw.classNames, notes: raw.notes, standardise, impute: false };
}
