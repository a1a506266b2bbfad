// Which rows train, validate and test: a split the lesson declared (ordered or by index), the
// lesson's train_test_split when a randomState is given, else Logit Lab's stratified split.
import type { DataSpec } from './registry';
import type { DeclaredSplit } from './specFields';
import { LogitLabError } from '../errors';
import type { Frame } from './frame';
import { splitRng } from './seeds';
import { trainTestSplit } from './sklearn';
import { stratifiedSplit, type SplitIndices } from './split';

export function splitRows(frame: Frame, spec: DataSpec): SplitIndices {
  if (spec.split) return declaredSplit(frame.n, spec.split);
  const randomState = 'randomState' in spec ? spec.randomState : undefined;
  if (randomState !== undefined) return sklearnSplit(frame.n, spec, randomState);
  return stratifiedSplit(frame.y, frame.classNames.length, spec, splitRng(spec.seed));
}

/**
 * train_test_split(test_size=validation, random_state): validation rows first in the permutation.
 * A test fraction takes the next rows of the same permutation (the lessons split only once).
 */
function sklearnSplit(n: number, fractions: { validation: number; test: number }, randomState: number): SplitIndices {
  const { heldOut, train } = trainTestSplit(n, fractions.validation, randomState);
  if (fractions.test === 0) return { train, val: heldOut, test: new Int32Array(0) };
  const nTest = Math.min(Math.ceil(fractions.test * n), train.length - 1);
  return { val: heldOut, test: train.slice(0, nTest), train: train.slice(nTest) };
}

/** The declared split's rows; a LogitLabError on data.split when it does not fit n rows. */
export function declaredSplit(n: number, split: DeclaredSplit): SplitIndices {
  if (split.kind === 'ordered') {
    const nTrain = n - split.validation - split.test;
    if (nTrain < 1) {
      throw new LogitLabError(`the declared split holds out ${split.validation} + ${split.test} of ${n} rows: nothing is left to train on`, {
        jsonPath: ['data', 'split', 'validation'],
        hint: `hold out fewer rows (at most ${n - 1} in all).`,
      });
    }
    const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
    return { train: range(0, nTrain), val: range(nTrain, nTrain + split.validation), test: range(nTrain + split.validation, n) };
  }
  const owner = new Array<string | undefined>(n);
  const claim = (rows: number[], part: 'train' | 'validation' | 'test') => {
    rows.forEach((row, i) => {
      const where = ['data', 'split', part, i];
      if (row >= n) {
        throw new LogitLabError(`split.${part}[${i}] is row ${row}, but the data has ${n} rows (0 … ${n - 1})`, { jsonPath: where, hint: 'row indices start at 0.' });
      }
      if (owner[row] !== undefined) {
        throw new LogitLabError(`row ${row} is listed twice (in split.${owner[row]} and split.${part})`, { jsonPath: where, hint: 'each row may belong to one split only.' });
      }
      owner[row] = part;
    });
    return Int32Array.from(rows);
  };
  const val = claim(split.validation, 'validation');
  const test = claim(split.test, 'test');
  const train = split.train ? claim(split.train, 'train') : Int32Array.from(owner.keys()).filter((row) => owner[row] === undefined);
  if (train.length === 0) {
    throw new LogitLabError('the declared split leaves no training rows', { jsonPath: ['data', 'split'], hint: 'list training rows in split.train, or hold out fewer rows.' });
  }
  return { train, val, test };
}
