// The data API the rest of Logit Lab calls: generate a dataset, prepare it for training, describe it
// cheaply for the experiment checker, and replay preprocessing for `logit-lab predict`.
import type { DataContext } from './context';
import type { DatasetEntry } from './dataset';
import { prepareFrame, rawFromFrame } from './prepare';
import { DATASETS as REGISTRY, type DataSpec } from './registry';
import type { PreparedData, RawDataset } from './types';

export type { DataContext } from './context';
export type { PreparedData, Preprocessing, RawDataset, Table, FeatureEncoding } from './types';
export { encodeRows } from './preprocess';

export interface DataInfo {
  samples: number;
  classes: number;
  classNames: string[];
  features: number;
  featureNames: string[];
  columns?: string[];
  /** What preparing the data did that the user should know (dropped rows, ignored columns, …). */
  notes?: string[];
}

/** One-line descriptions for docs and templates (the full registry entries live in registry.ts). */
export const DATASETS: Record<DataSpec['kind'], { describe: string }> = REGISTRY;

function definition(spec: DataSpec): DatasetEntry<DataSpec> {
  // The registry is keyed by kind, so this entry accepts exactly this spec.
  return REGISTRY[spec.kind] as DatasetEntry<DataSpec>;
}

/** The dataset before splitting and preprocessing (CSV: numbers as read, categories one-hot over all rows). */
export function generate(spec: DataSpec, ctx: DataContext): RawDataset {
  return rawFromFrame(definition(spec).load(spec, ctx));
}

/** Split, preprocessed (fitted on the training split only) and ready for the engine. */
export function prepare(spec: DataSpec, ctx: DataContext, sliceFeatureNames?: [string, string]): PreparedData {
  return prepareFrame(definition(spec).load(spec, ctx), spec, sliceFeatureNames);
}

/** Sizes and names without generating the data where the spec alone tells (CSV files are read). */
export function describeData(spec: DataSpec, ctx: DataContext): DataInfo {
  const dataset = definition(spec);
  if (dataset.facts) {
    const facts = dataset.facts(spec);
    return { ...facts, classes: facts.classNames.length, features: facts.featureNames.length };
  }
  const frame = dataset.load(spec, ctx);
  // The model's features depend on the categories in the training split, so fit it.
  const prepared = prepareFrame(frame, spec);
  return {
    samples: frame.n,
    classes: frame.classNames.length,
    classNames: frame.classNames,
    features: prepared.featureNames.length,
    featureNames: prepared.featureNames,
    columns: frame.fileColumns,
    notes: prepared.notes,
  };
}
