// The 1-D "window" lesson: integers from..to, labelled 1 strictly inside an interval, which takes two
// ReLU units (a bump) to represent. No randomness: the data seed only affects the split.
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, coordinate, COORDINATE_LIMIT } from '../specFields';
import { BINARY, PointSet } from '../builder';
import { frameFromRaw } from '../frame';
import { LogitLabError } from '../../errors';
import { MAX_SAMPLES } from '../../limits';

export const WindowData = z.object({
  kind: z.literal('window'),
  from: z.number().int().min(-COORDINATE_LIMIT).max(COORDINATE_LIMIT).default(-20),
  to: z.number().int().min(-COORDINATE_LIMIT).max(COORDINATE_LIMIT).default(19).describe('Inclusive upper end of the integer inputs.'),
  interval: z.tuple([coordinate, coordinate]).default([-4, 4]).describe('Open interval labelled 1.'),
  ...commonFields,
}).strict();

function checkRange(spec: z.output<typeof WindowData>): void {
  if (spec.to < spec.from) {
    throw new LogitLabError(`data.to (${spec.to}) is below data.from (${spec.from})`, {
      jsonPath: ['data', 'to'],
      hint: 'to is the inclusive upper end of the integer inputs; make it at least from.',
    });
  }
  const samples = spec.to - spec.from + 1;
  if (samples > MAX_SAMPLES) {
    throw new LogitLabError(`data.from..data.to holds ${samples} integers, more than the limit of ${MAX_SAMPLES} samples`, {
      jsonPath: ['data', 'to'],
      hint: 'narrow the range (README: Limits)',
    });
  }
  // Integers strictly inside (lo, hi) are class 1: count them without generating the data.
  const [lo, hi] = spec.interval;
  const first = Math.max(spec.from, Math.floor(lo) + 1);
  const last = Math.min(spec.to, Math.ceil(hi) - 1);
  const inside = Math.max(0, last - first + 1);
  if (inside === 0 || inside === samples) {
    throw new LogitLabError(`every integer from ${spec.from} to ${spec.to} is ${inside === 0 ? 'outside' : 'inside'} the interval (${lo}, ${hi}): the data has only one class`, {
      jsonPath: ['data', 'interval'],
      hint: 'pick an interval that holds some of the integers from..to but not all of them, e.g. [-4, 4] for -20..19',
    });
  }
}

export function makeWindow(spec: z.output<typeof WindowData>) {
  checkRange(spec);
  const [lo, hi] = spec.interval;
  const points = new PointSet(['x0'], BINARY);
  for (let x = spec.from; x <= spec.to; x++) points.add([x], lo < x && x < hi ? 1 : 0);
  return points.build();
}

export const windowDataset = defineDataset({
  schema: WindowData,
  describe: '1-D integers labelled 1 inside an open interval: a bump two ReLUs can build.',
  load: (spec) => frameFromRaw(makeWindow(spec), false),
  facts: (spec) => {
    checkRange(spec);
    return { samples: spec.to - spec.from + 1, classNames: BINARY, featureNames: ['x0'] };
  },
});
