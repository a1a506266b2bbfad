// The 1-D "window" lesson: integers from..to, labelled 1 strictly inside an interval, which takes two
// ReLU units (a bump) to represent. No randomness: the data seed only affects the split.
import type { SpecOf, DatasetDefinition } from '../dataset';
import { BINARY, PointSet } from '../builder';
import { frameFromRaw } from '../frame';
import { LogitLabError } from '../../errors';

function checkRange(spec: SpecOf<'window'>): void {
  if (spec.to < spec.from) {
    throw new LogitLabError(`data.to (${spec.to}) is below data.from (${spec.from})`, {
      jsonPath: ['data', 'to'],
      hint: 'to is the inclusive upper end of the integer inputs; make it at least from.',
    });
  }
}

export function makeWindow(spec: SpecOf<'window'>) {
  checkRange(spec);
  const [lo, hi] = spec.interval;
  const points = new PointSet(['x0'], BINARY);
  for (let x = spec.from; x <= spec.to; x++) points.add([x], lo < x && x < hi ? 1 : 0);
  return points.build();
}

export const windowDataset: DatasetDefinition<SpecOf<'window'>> = {
  describe: '1-D integers labelled 1 inside an open interval: a bump two ReLUs can build.',
  load: (spec) => frameFromRaw(makeWindow(spec), false),
  facts: (spec) => {
    checkRange(spec);
    return { samples: spec.to - spec.from + 1, classNames: BINARY, featureNames: ['x0'] };
  },
};
