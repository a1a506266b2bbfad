// scikit-learn's make_moons (shuffle=False): two interleaving half circles, outer one class 0.
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, NOISE_LIMIT, randomState, samples } from '../specFields';
import { BINARY, linspace, PointSet, XY } from '../builder';
import { frameFromRaw } from '../frame';
import type { Rng } from '../../rng';
import { dataRng } from '../seeds';
import { frameFromPoints, sklearnMoons } from '../sklearn';

export const MoonsData = z.object({
  kind: z.literal('moons'),
  samples: samples(300),
  noise: z.number().min(0).max(NOISE_LIMIT).default(0.1),
  randomState,
  ...commonFields,
}).strict();

export function makeMoons(samples: number, noise: number, rng: Rng) {
  const outer = Math.floor(samples / 2);
  const inner = samples - outer;
  const points = new PointSet(XY, BINARY);
  for (const t of linspace(0, Math.PI, outer)) points.add([Math.cos(t), Math.sin(t)], 0);
  for (const t of linspace(0, Math.PI, inner)) points.add([1 - Math.cos(t), 1 - Math.sin(t) - 0.5], 1);
  return addGaussianNoise(points.build(), noise, rng);
}

/** Like sklearn, noise is added to both coordinates after the points are placed. */
export function addGaussianNoise<T extends { x: Float32Array }>(data: T, std: number, rng: Rng): T {
  if (std > 0) for (let i = 0; i < data.x.length; i++) data.x[i] += std * rng.normal();
  return data;
}

export const moons = defineDataset({
  schema: MoonsData,
  describe: 'Two interleaving half moons (scikit-learn make_moons): not linearly separable.',
  load: (spec) => spec.randomState === undefined
    ? frameFromRaw(makeMoons(spec.samples, spec.noise, dataRng(spec.seed)), false)
    : frameFromPoints(sklearnMoons(spec.samples, spec.noise, spec.randomState), BINARY),
  facts: (spec) => ({ samples: spec.samples, classNames: BINARY, featureNames: XY }),
});
