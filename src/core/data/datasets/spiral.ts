// TensorFlow Playground's two spirals: radius grows linearly to 5 over 1.75 turns; the second spiral is
// the first rotated by π. Playground's +1 spiral (no rotation) is class 1, the −1 spiral class 0.
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, samples } from '../specFields';
import { BINARY, PointSet, XY } from '../builder';
import { frameFromRaw } from '../frame';
import type { Rng } from '../../rng';
import { dataRng } from '../seeds';

export const SpiralData = z.object({
  kind: z.literal('spiral'),
  samples: samples(400),
  noise: z.number().min(0).max(1).default(0),
  ...commonFields,
}).strict();

export function makeSpiral(samples: number, noise: number, rng: Rng) {
  const points = new PointSet(XY, BINARY);
  const addSpiral = (count: number, rotation: number, label: number) => {
    for (let i = 0; i < count; i++) {
      const r = (i / count) * 5;
      const t = 1.75 * (i / count) * 2 * Math.PI + rotation;
      points.add([r * Math.sin(t) + rng.uniform(-1, 1) * noise, r * Math.cos(t) + rng.uniform(-1, 1) * noise], label);
    }
  };
  const negatives = Math.floor(samples / 2);
  addSpiral(samples - negatives, 0, 1);
  addSpiral(negatives, Math.PI, 0);
  return points.build();
}

export const spiral = defineDataset({
  schema: SpiralData,
  describe: 'TensorFlow Playground two spirals: the hardest of the 2-D lessons.',
  load: (spec) => frameFromRaw(makeSpiral(spec.samples, spec.noise, dataRng(spec.seed)), false),
  facts: (spec) => ({ samples: spec.samples, classNames: BINARY, featureNames: XY }),
});
