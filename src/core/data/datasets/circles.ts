// scikit-learn's make_circles (shuffle=False): a large circle (class 0) around a smaller one scaled by
// `factor` (class 1). endpoint=False so the first and last point of a circle do not coincide.
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, NOISE_LIMIT, randomState, samples } from '../specFields';
import { BINARY, linspace, PointSet, XY } from '../builder';
import { frameFromRaw } from '../frame';
import type { Rng } from '../../rng';
import { dataRng } from '../seeds';
import { frameFromPoints, sklearnCircles } from '../sklearn';
import { addGaussianNoise } from './moons';

export const CirclesData = z.object({
  kind: z.literal('circles'),
  samples: samples(300),
  noise: z.number().min(0).max(NOISE_LIMIT).default(0.05),
  factor: z.number().gt(0).lt(1).default(0.5).describe('Scale of the inner circle relative to the outer one.'),
  randomState,
  ...commonFields,
}).strict();

export function makeCircles(samples: number, noise: number, factor: number, rng: Rng) {
  const outer = Math.floor(samples / 2);
  const inner = samples - outer;
  const points = new PointSet(XY, BINARY);
  for (const t of linspace(0, 2 * Math.PI, outer, false)) points.add([Math.cos(t), Math.sin(t)], 0);
  for (const t of linspace(0, 2 * Math.PI, inner, false)) points.add([factor * Math.cos(t), factor * Math.sin(t)], 1);
  return addGaussianNoise(points.build(), noise, rng);
}

export const circles = defineDataset({
  schema: CirclesData,
  describe: 'A circle inside a circle (scikit-learn make_circles): needs a curved boundary.',
  load: (spec) => spec.randomState === undefined
    ? frameFromRaw(makeCircles(spec.samples, spec.noise, spec.factor, dataRng(spec.seed)), false)
    : frameFromPoints(sklearnCircles(spec.samples, spec.noise, spec.factor, spec.randomState), BINARY),
  facts: (spec) => ({ samples: spec.samples, classNames: BINARY, featureNames: XY }),
});
