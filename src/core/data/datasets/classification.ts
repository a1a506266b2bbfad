// scikit-learn's make_classification with its defaults: clusters of points around hypercube
// vertices in the informative features, plus redundant, repeated and pure-noise features. Always
// drawn as scikit-learn draws it (NumPy's stream): with randomState the points and the split equal
// make_classification(random_state=…) and train_test_split's; without it the data seed seeds the
// same stream and the split is Logit Lab's stratified one.
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, coordinate, COORDINATE_LIMIT, randomState, samples } from '../specFields';
import { LogitLabError } from '../../errors';
import { clusterSizes, sklearnClassification } from '../makeClassification';
import { frameFromPoints } from '../sklearn';
import { refuseHugeTable } from '../tableSize';

const MAX_FEATURES = 256;
const count = (byDefault: number, min: number) => z.number().int().min(min).max(MAX_FEATURES).default(byDefault);
const scaleFactor = z.number().gt(0).max(COORDINATE_LIMIT);

export const ClassificationData = z.object({
  kind: z.literal('classification'),
  samples: samples(100),
  features: count(20, 1).describe('All features: informative + redundant + repeated, the rest pure noise.'),
  informative: count(2, 1).describe('Features the classes differ in: clusters sit on vertices of a hypercube in these dimensions.'),
  redundant: count(2, 0).describe('Random linear combinations of the informative features.'),
  repeated: count(0, 0).describe('Copies of randomly chosen informative and redundant features.'),
  classes: z.number().int().min(2).max(12).default(2),
  clustersPerClass: z.number().int().min(1).max(64).default(2),
  weights: z.array(z.number().min(0).max(1)).min(1).max(12).optional()
    .describe('Share of samples per class (or per class but the last, which gets the rest); default balanced.'),
  flipY: z.number().min(0).max(1).default(0.01).describe('Fraction of samples whose class is replaced by a random one (label noise).'),
  classSep: z.number().min(0).max(COORDINATE_LIMIT).default(1).describe('Half the side of the hypercube: larger spreads the clusters apart.'),
  hypercube: z.boolean().default(true).describe('Clusters on the hypercube\'s vertices; false: on a random polytope.'),
  shift: z.union([coordinate, z.array(coordinate), z.null()]).default(0).describe('Added to every feature (a number, one per feature, or null: random in [-classSep, classSep]).'),
  scale: z.union([scaleFactor, z.array(scaleFactor), z.null()]).default(1).describe('Multiplies every feature after the shift (a number, one per feature, or null: random in [1, 101]).'),
  shuffle: z.boolean().default(true).describe('Shuffle the rows and the order of the features, as scikit-learn does by default.'),
  randomState,
  ...commonFields,
}).strict();

type ClassificationSpec = z.output<typeof ClassificationData>;

const featureNames = (d: number) => Array.from({ length: d }, (_, j) => `x${j}`);
const classNames = (k: number) => Array.from({ length: k }, (_, i) => String(i));

/** What scikit-learn refuses (and what would silently break its cluster sizes), as located errors. */
function checkSpec(spec: ClassificationSpec): void {
  refuseHugeTable(spec.samples, spec.features);
  const used = spec.informative + spec.redundant + spec.repeated;
  if (used > spec.features) {
    throw new LogitLabError(`informative + redundant + repeated is ${spec.informative} + ${spec.redundant} + ${spec.repeated} = ${used} features, more than data.features (${spec.features})`, {
      jsonPath: ['data', 'features'],
      hint: `raise data.features to at least ${used}, or lower informative, redundant or repeated.`,
    });
  }
  const clusters = spec.classes * spec.clustersPerClass;
  if (clusters > 2 ** spec.informative) {
    throw new LogitLabError(`${spec.classes} classes × ${spec.clustersPerClass} clusters per class need ${clusters} distinct hypercube vertices, but ${spec.informative} informative features give only ${2 ** spec.informative}`, {
      jsonPath: ['data', 'informative'],
      hint: `raise data.informative to at least ${Math.ceil(Math.log2(clusters))}, or lower data.classes or data.clustersPerClass.`,
    });
  }
  if (spec.weights && spec.weights.length !== spec.classes && spec.weights.length !== spec.classes - 1) {
    throw new LogitLabError(`data.weights has ${spec.weights.length} entries for ${spec.classes} classes`, {
      jsonPath: ['data', 'weights'],
      hint: `give one weight per class (${spec.classes}), or one for each class but the last (${spec.classes - 1}), which then gets the rest.`,
    });
  }
  const sizes = clusterSizes(spec);
  if (sizes.some((size) => size < 0) || sizes.reduce((a, b) => a + b, 0) > spec.samples) {
    throw new LogitLabError('data.weights add up to more than 1', {
      jsonPath: ['data', 'weights'],
      hint: 'weights are the shares of the samples per class: make them sum to at most 1.',
    });
  }
  for (const key of ['shift', 'scale'] as const) {
    const value = spec[key];
    if (Array.isArray(value) && value.length !== spec.features) {
      throw new LogitLabError(`data.${key} has ${value.length} entries but there are ${spec.features} features`, {
        jsonPath: ['data', key],
        hint: `give one value per feature, or a single number for all of them.`,
      });
    }
  }
  if (spec.randomState === undefined && spec.seed > 0xffffffff) {
    throw new LogitLabError(`data.seed ${spec.seed} is too large to seed NumPy's generator (at most 2^32 − 1)`, {
      jsonPath: ['data', 'seed'],
      hint: 'use a smaller data.seed, or give data.randomState.',
    });
  }
}

export const classification = defineDataset({
  schema: ClassificationData,
  describe: 'scikit-learn make_classification: clusters on hypercube vertices with informative, redundant, repeated and noise features.',
  load: (spec) => {
    checkSpec(spec);
    return frameFromPoints(sklearnClassification(spec, spec.randomState ?? spec.seed), classNames(spec.classes));
  },
  facts: (spec) => {
    checkSpec(spec);
    return { samples: spec.samples, classNames: classNames(spec.classes), featureNames: featureNames(spec.features) };
  },
});
