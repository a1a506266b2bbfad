// The NumPy moons lesson's data: its own formula (not make_moons) drawn after np.random.seed —
// class 0 on (cos t, sin t), class 1 on (1 − cos t, 0.5 − sin t), t = linspace(0, π, perClass).
import type { SpecOf, DatasetDefinition } from '../dataset';
import { BINARY, XY } from '../builder';
import { frameFromPoints, numpyMoons as drawNumpyMoons } from '../sklearn';

export const numpyMoons: DatasetDefinition<SpecOf<'numpy-moons'>> = {
  describe: 'The NumPy lesson\'s two moons: (cos t, sin t) and (1 − cos t, 0.5 − sin t) plus Gaussian noise after np.random.seed(randomState).',
  load: (spec) => frameFromPoints(drawNumpyMoons(spec.perClass, spec.noise, spec.randomState), BINARY),
  facts: (spec) => ({ samples: 2 * spec.perClass, classNames: BINARY, featureNames: XY }),
};
