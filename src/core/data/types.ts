// The shapes every dataset, split and preprocessing step agrees on.

/** A labelled table of numeric features, row-major. */
export interface Table {
  /** n × d features, row-major. */
  x: Float32Array;
  /** n class indices in [0, classNames.length). */
  y: Int32Array;
  n: number;
  d: number;
}

/** What a generator or loader produces before splitting. */
export interface RawDataset extends Table {
  featureNames: string[];
  classNames: string[];
  /** Notes for the user, e.g. "dropped 6 rows with missing values (policy drop-rows)". */
  notes: string[];
}

/** Fitted preprocessing: serialisable, so `logit-lab predict` can replay exactly the training pipeline. */
export interface Preprocessing {
  /** Input columns the user supplies (CSV column names, or x0..x{d-1} for generated data). */
  inputColumns: string[];
  /** One entry per model input feature, in order. */
  features: FeatureEncoding[];
  classNames: string[];
  /** Values that stand in for missing cells (CSV policy `impute`): the training mean or mode per column. */
  imputed?: Record<string, number | string>;
}

export type FeatureEncoding =
  | { kind: 'numeric'; name: string; column: string; mean: number; std: number }
  | { kind: 'one-hot'; name: string; column: string; category: string }
  /** Set when a categorical value was never seen in training: the explicit unknown. */
  | { kind: 'unknown-category'; name: string; column: string; known: string[] };

/** A dataset ready for the engine: split, preprocessed, with what the boundary slice needs. */
import type { InputFeature } from '../nn/features';

export interface PreparedData {
  train: Table;
  val: Table;
  test?: Table;
  featureNames: string[];
  classNames: string[];
  preprocessing: Preprocessing;
  /** Training-set mean (numeric) or mode (one-hot) of every model feature: the fixed values of a 2-D slice. */
  sliceBase: Float32Array;
  /** Indices of the two features the boundary is drawn over (one index for 1-D data). */
  sliceFeatures: number[];
  notes: string[];
  /**
   * Set by the engine when the model reads derived input features (model.inputs, 2-D data only):
   * the tables then hold those columns, while sliceBase, sliceFeatures and the grid stay over the
   * two original features, and every grid input is derived the same way.
   */
  modelInputs?: InputFeature[];
}
