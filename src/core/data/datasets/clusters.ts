// The linear-model lesson: two Gaussian clusters a straight line separates (almost).
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, COORDINATE_LIMIT, samples } from '../specFields';
import { BINARY, PointSet, XY } from '../builder';
import { frameFromRaw } from '../frame';
import type { Rng } from '../../rng';
import { dataRng } from '../seeds';

export const ClustersData = z.object({
  kind: z.literal('clusters'),
  samples: samples(200),
  std: z.number().gt(0).max(COORDINATE_LIMIT).default(0.4),
  ...commonFields,
}).strict();

const CENTERS = [[-0.5, -0.5], [0.5, 0.5]];

export function makeClusters(samples: number, std: number, rng: Rng) {
  const sizes = [Math.floor(samples / 2), samples - Math.floor(samples / 2)];
  const points = new PointSet(XY, BINARY);
  sizes.forEach((size, label) => {
    for (let i = 0; i < size; i++) points.add(CENTERS[label].map((c) => c + std * rng.normal()), label);
  });
  return points.build();
}

export const clusters = defineDataset({
  schema: ClustersData,
  describe: 'Two Gaussian clusters at (-0.5,-0.5) and (0.5,0.5): the linear-model lesson.',
  load: (spec) => frameFromRaw(makeClusters(spec.samples, spec.std, dataRng(spec.seed)), false),
  facts: (spec) => ({ samples: spec.samples, classNames: BINARY, featureNames: XY }),
});
