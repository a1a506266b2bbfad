// Every dataset kind, keyed by the `kind` of its spec: adding a dataset is one file in datasets/ and
// one line here (plus its zod schema).
import type { DataKind } from '../experiment/schema';
import type { DatasetDefinition, SpecOf } from './dataset';
import { blobs } from './datasets/blobs';
import { circles } from './datasets/circles';
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

export const DATASETS: { [K in DataKind]: DatasetDefinition<SpecOf<K>> } = {
  moons,
  'numpy-moons': numpyMoons,
  circles,
  blobs,
  clusters,
  ring,
  xor,
  spiral,
  window: windowDataset,
  tabular,
  iris,
  csv,
};

export function datasetFor<K extends DataKind>(kind: K): DatasetDefinition<SpecOf<K>> {
  return DATASETS[kind];
}
