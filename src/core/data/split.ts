// Stratified train/validation/test split: each class is divided in the same proportions, so a small
// validation set still sees every class. Every class with samples keeps at least one for training.
import type { Rng } from '../rng';

export interface SplitIndices {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

/** Appends a range of `from` one by one: `push(...slice)` overflows the stack for ~100k+ items. */
function append(to: number[], from: number[], start: number, end: number): void {
  for (let i = start; i < end; i++) to.push(from[i]);
}

export function stratifiedSplit(y: Int32Array, classes: number, fractions: { validation: number; test: number }, rng: Rng): SplitIndices {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  y.forEach((label, i) => byClass[label].push(i));
  const train: number[] = [];
  const val: number[] = [];
  const test: number[] = [];
  for (const members of byClass) {
    rng.shuffle(members);
    let nTest = Math.round(members.length * fractions.test);
    let nVal = Math.round(members.length * fractions.validation);
    // Rounding up both held-out parts can leave no training sample: give it back, test first.
    while (members.length > 0 && nTest + nVal >= members.length) {
      if (nTest > 0) nTest--;
      else nVal--;
    }
    append(test, members, 0, nTest);
    append(val, members, nTest, nTest + nVal);
    append(train, members, nTest + nVal, members.length);
  }
  // Mixed classes in every split, so mini-batches are not sorted by class when shuffling is off.
  for (const part of [train, val, test]) rng.shuffle(part);
  return { train: Int32Array.from(train), val: Int32Array.from(val), test: Int32Array.from(test) };
}
