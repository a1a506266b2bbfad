// From a loaded frame to what the engine trains on: split (see chooseSplit.ts), fit preprocessing on the
// training rows, encode every split and fix the boundary slice.
import type { DataSpec } from './registry';
import type { Frame } from './frame';
import { encodeFrame, fitPreprocessing, UNKNOWN_CATEGORY } from './preprocess';
import { sliceBase, sliceFeatures } from './slice';
import { splitRows } from './chooseSplit';
import type { PreparedData, RawDataset, Table } from './types';

export function prepareFrame(frame: Frame, spec: DataSpec, sliceFeatureNames?: [string, string]): PreparedData {
  const split = splitRows(frame, spec);
  const preprocessing = fitPreprocessing(frame, split.train);
  const train = encodeFrame(frame, preprocessing, split.train);
  const val = encodeFrame(frame, preprocessing, split.val);
  const test = split.test.length > 0 ? encodeFrame(frame, preprocessing, split.test) : undefined;
  const featureNames = preprocessing.features.map((f) => f.name);
  return {
    train,
    val,
    test,
    featureNames,
    classNames: frame.classNames,
    preprocessing,
    sliceBase: sliceBase(train, preprocessing),
    sliceFeatures: sliceFeatures(featureNames, sliceFeatureNames),
    notes: [...frame.notes, ...emptyClassNotes(frame), ...unseenCategoryNotes(featureNames, { validation: val, test })],
  };
}

/** The whole frame encoded without splitting or scaling: the data as generated (or as read). */
export function rawFromFrame(frame: Frame): RawDataset {
  const all = Int32Array.from({ length: frame.n }, (_, i) => i);
  const preprocessing = fitPreprocessing(frame, all, { standardise: false });
  const table = encodeFrame(frame, preprocessing, all);
  return { ...table, featureNames: preprocessing.features.map((f) => f.name), classNames: frame.classNames, notes: frame.notes };
}

function emptyClassNotes(frame: Frame): string[] {
  const counts = frame.classNames.map((_, k) => frame.y.filter((label) => label === k).length);
  return frame.classNames.filter((_, k) => counts[k] === 0).map((name) => `class "${name}" has no samples`);
}

function unseenCategoryNotes(featureNames: string[], splits: Record<string, Table | undefined>): string[] {
  const notes: string[] = [];
  featureNames.forEach((name, j) => {
    if (!name.endsWith(`=${UNKNOWN_CATEGORY}`)) return;
    for (const [splitName, table] of Object.entries(splits)) {
      if (!table) continue;
      let rows = 0;
      for (let i = 0; i < table.n; i++) rows += table.x[i * table.d + j];
      if (rows > 0) {
        const column = name.slice(0, -UNKNOWN_CATEGORY.length - 1);
        notes.push(`${rows} ${splitName} row(s) have a "${column}" category never seen in training: encoded as ${name}`);
      }
    }
  });
  return notes;
}
