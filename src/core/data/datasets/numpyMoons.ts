// The NumPy moons lesson's data: its own formula (not make_moons) drawn after np.random.seed —
// class 0 on (cos t, sin t), class 1 on (1 − cos t, 0.5 − sin t), t = linspace(0, π, perClass).
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, NOISE_LIMIT } from '../specFields';
import { MAX_SAMPLES } from '../../limits';
import { BINARY, XY } from '../builder';
import { frameFromPoints, numpyMoons as drawNumpyMoons } from '../sklearn';

export const NumpyMoonsData = z.object({
  kind: z.literal('numpy-moons'),
  perClass: z.number().int().min(2).max(MAX_SAMPLES / 2).default(150).describe('Points per moon.'),
  noise: z.number().min(0).max(NOISE_LIMIT).default(0.1),
  randomState: z.number().int().min(0).max(0xffffffff).default(42).describe('np.random.seed(randomState) before the points are drawn; the split (if any) uses it too.'),
  ...commonFields,
}).strict();

export const numpyMoons = defineDataset({
  schema: NumpyMoonsData,
  describe: 'The NumPy lesson\'s two moons: (cos t, sin t) and (1 − cos t, 0.5 − sin t) plus Gaussian noise after np.random.seed(randomState).',
  load: (spec) => frameFromPoints(drawNumpyMoons(spec.perClass, spec.noise, spec.randomState), BINARY),
  facts: (spec) => ({ samples: 2 * spec.perClass, classNames: BINARY, featureNames: XY }),
});
