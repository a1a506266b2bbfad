// TensorFlow Playground's XOR data: points in [-5, 5]² pushed 0.3 away from the axes; the label is the
// sign of x·y at a noisy copy of the point, so noise flips labels near the axes but leaves points put.
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, samples } from '../specFields';
import { BINARY, PointSet, XY } from '../builder';
import { frameFromRaw } from '../frame';
import type { Rng } from '../../rng';
import { dataRng } from '../seeds';

export const XorData = z.object({
  kind: z.literal('xor'),
  samples: samples(400),
  noise: z.number().min(0).max(1).default(0),
  ...commonFields,
}).strict();

const PADDING = 0.3;

function awayFromAxis(v: number): number {
  return v + (v > 0 ? PADDING : -PADDING);
}

export function makeXor(samples: number, noise: number, rng: Rng) {
  const points = new PointSet(XY, BINARY);
  for (let i = 0; i < samples; i++) {
    const x = awayFromAxis(rng.uniform(-5, 5));
    const y = awayFromAxis(rng.uniform(-5, 5));
    const noisyX = x + rng.uniform(-5, 5) * noise;
    const noisyY = y + rng.uniform(-5, 5) * noise;
    // Playground labels x·y ≥ 0 as +1, which is our class 1.
    points.add([x, y], noisyX * noisyY >= 0 ? 1 : 0);
  }
  return points.build();
}

export const xor = defineDataset({
  schema: XorData,
  describe: 'TensorFlow Playground XOR: opposite quadrants share a class.',
  load: (spec) => frameFromRaw(makeXor(spec.samples, spec.noise, dataRng(spec.seed)), false),
  facts: (spec) => ({ samples: spec.samples, classNames: BINARY, featureNames: XY }),
});
