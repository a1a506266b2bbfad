// scikit-learn's make_blobs with `centers` an integer (shuffle=False): centres drawn uniformly in
// center_box, then isotropic Gaussian blobs; the first n % k blobs get one extra sample.
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, coordinate, COORDINATE_LIMIT, randomState, samples } from '../specFields';
import { PointSet } from '../builder';
import { frameFromRaw } from '../frame';
import type { Rng } from '../../rng';
import { dataRng } from '../seeds';
import { frameFromPoints, sklearnBlobs } from '../sklearn';

export const BlobsData = z.object({
  kind: z.literal('blobs'),
  samples: samples(300),
  classes: z.number().int().min(2).max(12).default(3),
  features: z.number().int().min(1).max(64).default(2),
  std: z.number().gt(0).max(COORDINATE_LIMIT).default(1),
  centerBox: z.tuple([coordinate, coordinate]).default([-10, 10]),
  randomState,
  ...commonFields,
}).strict();

export function blobSizes(samples: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, i) => Math.floor(samples / classes) + (i < samples % classes ? 1 : 0));
}

const featureNames = (d: number) => Array.from({ length: d }, (_, j) => `x${j}`);
const classNames = (k: number) => Array.from({ length: k }, (_, i) => String(i));

export function makeBlobs(spec: z.output<typeof BlobsData>, rng: Rng) {
  const [lo, hi] = spec.centerBox;
  const centers = Array.from({ length: spec.classes }, () => Array.from({ length: spec.features }, () => rng.uniform(lo, hi)));
  const points = new PointSet(featureNames(spec.features), classNames(spec.classes));
  blobSizes(spec.samples, spec.classes).forEach((size, label) => {
    for (let i = 0; i < size; i++) points.add(centers[label].map((c) => c + spec.std * rng.normal()), label);
  });
  return points.build();
}

export const blobs = defineDataset({
  schema: BlobsData,
  describe: 'k Gaussian blobs in d dimensions (scikit-learn make_blobs): multi-class warm-up.',
  load: (spec) => spec.randomState === undefined
    ? frameFromRaw(makeBlobs(spec, dataRng(spec.seed)), false)
    : frameFromPoints(sklearnBlobs(spec, spec.randomState), classNames(spec.classes)),
  facts: (spec) => ({ samples: spec.samples, classNames: classNames(spec.classes), featureNames: featureNames(spec.features) }),
});
