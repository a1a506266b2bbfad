// What one dataset kind provides. Each kind lives in its own file under datasets/ and is listed
// once in registry.ts.
import type { DataSpec } from '../experiment/schema';
import type { DataContext } from './context';
import type { Frame } from './frame';

export type SpecOf<K extends DataSpec['kind']> = Extract<DataSpec, { kind: K }>;

/** What the experiment checker can know about a dataset without preparing it. */
export interface DatasetFacts {
  samples: number;
  classNames: string[];
  /** Model input features (after one-hot encoding). */
  featureNames: string[];
  /** Every column of a CSV file, for completions and hints. */
  columns?: string[];
}

export interface DatasetDefinition<S extends DataSpec> {
  /** One line for docs and templates. */
  describe: string;
  /** The dataset as columns before splitting; the generators draw from the data seed's stream. */
  load(spec: S, ctx: DataContext): Frame;
  /** Cheap facts, computed from the spec alone where possible. Omitted: derived from prepare(). */
  facts?(spec: S): DatasetFacts;
}
