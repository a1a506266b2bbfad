// What one dataset kind provides: its zod schema (the `data` object of an experiment file), how to
// load it and what the checker can know cheaply. Each kind lives in its own file under datasets/
// and is listed once in registry.ts, which builds the experiment schema's `data` union from them.
import type { z } from 'zod';
import type { DataContext } from './context';
import type { Frame } from './frame';

/** A dataset's schema: a strict object whose literal `kind` is the union's discriminator. */
export type DatasetSchema = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.ZodRawShape>;

/** What the experiment checker can know about a dataset without preparing it. */
export interface DatasetFacts {
  samples: number;
  classNames: string[];
  /** Model input features (after one-hot encoding). */
  featureNames: string[];
  /** Every column of a CSV file, for completions and hints. */
  columns?: string[];
}

/** What callers use of a dataset, seen through its parsed spec. */
export interface DatasetEntry<Spec> {
  /** One line for docs and templates. */
  describe: string;
  /** The dataset as columns before splitting; the generators draw from the data seed's stream. */
  load(spec: Spec, ctx: DataContext): Frame;
  /** Cheap facts, computed from the spec alone where possible. Omitted: derived from prepare(). */
  facts?(spec: Spec): DatasetFacts;
}

export interface DatasetDefinition<Schema extends DatasetSchema> extends DatasetEntry<z.output<Schema>> {
  schema: Schema;
}

/** Ties a definition to its schema, so `load` and `facts` receive that schema's parsed spec. */
export function defineDataset<Schema extends DatasetSchema>(definition: DatasetDefinition<Schema>): DatasetDefinition<Schema> {
  return definition;
}
