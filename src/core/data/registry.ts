// Every dataset kind, in one list: adding a dataset is one file in datasets/ (its schema, generator
// and facts) and its import and entry here. The experiment schema's `data` union is built from this list, so
// experiment/ imports data/ and never the other way round.
import { z } from 'zod';
import type { DatasetEntry, DatasetSchema } from './dataset';
import { blobs } from './datasets/blobs';
import { circles } from './datasets/circles';
import { classification } from './datasets/classification';
import { clusters } from './datasets/clusters';
import { csv } from './datasets/csv';
import { iris } from './datasets/iris';
import { moons } from './datasets/moons';
import { numpyMoons } from './datasets/numpyMoons';
import { ring } from './datasets/ring';
import { spiral } from './datasets/spiral';
import { tabular } from './datasets/tabular';
import { windowDataset } from './datasets/window';
import { xor } from './datasets/xor';

/** In the order the JSON schema lists them (completion offers them in this order). */
const DATASET_LIST = [
  moons,
  numpyMoons,
  circles,
  blobs,
  classification,
  clusters,
  ring,
  xor,
  spiral,
  windowDataset,
  tabular,
  iris,
  csv,
] as const;

type SchemasOf<T extends readonly { schema: DatasetSchema }[]> = { -readonly [I in keyof T]: T[I]['schema'] };

// map() returns an array type; zod infers the union member by member from a tuple, so keep the tuple.
const schemas = DATASET_LIST.map((dataset) => dataset.schema) as unknown as SchemasOf<typeof DATASET_LIST>;

/** The experiment file's `data` object: one member per dataset kind. */
export const DataSpec = z.discriminatedUnion('kind', schemas);
export type DataSpec = z.infer<typeof DataSpec>;
export type DataKind = DataSpec['kind'];
export type SpecOf<K extends DataKind> = Extract<DataSpec, { kind: K }>;

type ByKind = { [D in (typeof DATASET_LIST)[number] as z.output<D['schema']>['kind']]: D };
const byKind = Object.fromEntries(DATASET_LIST.map((dataset) => [dataset.schema.shape.kind.value, dataset])) as ByKind;

/** The registry keyed by kind; each entry accepts exactly the spec of its kind (checked here). */
export const DATASETS: { [K in DataKind]: DatasetEntry<SpecOf<K>> } = byKind;
