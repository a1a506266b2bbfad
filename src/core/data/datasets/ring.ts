// The dead-ReLU lesson: a disc (class 0) inside an annulus (class 1) with a clear gap between them.
// Radius and angle are uniform, as in TensorFlow Playground's circle data, so the centre is dense.
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, samples } from '../specFields';
import { BINARY, PointSet, XY } from '../builder';
import { frameFromRaw } from '../frame';
import type { Rng } from '../../rng';
import { dataRng } from '../seeds';

export const RingData = z.object({
  kind: z.literal('ring'),
  samples: samples(300),
  ...commonFields,
}).strict();

const RADII: [number, number][] = [[0, 0.5], [0.7, 1]];

export function makeRing(samples: number, rng: Rng) {
  const sizes = [Math.floor(samples / 2), samples - Math.floor(samples / 2)];
  const points = new PointSet(XY, BINARY);
  sizes.forEach((size, label) => {
    for (let i = 0; i < size; i++) {
      const r = rng.uniform(RADII[label][0], RADII[label][1]);
      const angle = rng.uniform(0, 2 * Math.PI);
      points.add([r * Math.cos(angle), r * Math.sin(angle)], label);
    }
  });
  return points.build();
}

export const ring = defineDataset({
  schema: RingData,
  describe: 'A disc (r ≤ 0.5) inside an annulus (0.7 ≤ r ≤ 1): the dead-ReLU lesson.',
  load: (spec) => frameFromRaw(makeRing(spec.samples, dataRng(spec.seed)), false),
  facts: (spec) => ({ samples: spec.samples, classNames: BINARY, featureNames: XY }),
});
