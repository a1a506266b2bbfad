// Classification metrics from class indices, in plain arrays.
import type { ClassReport } from './types';

export function accuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (actual.length === 0) return 0;
  let right = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) right++;
  return right / actual.length;
}

/** confusion[actual][predicted]. */
export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) m[actual[i]][predicted[i]]++;
  return m;
}

/** Confusion matrix, per-class precision/recall/F1/support (0 where undefined), accuracy. */
export function classReport(actual: ArrayLike<number>, predicted: ArrayLike<number>, classNames: string[]): ClassReport {
  const k = classNames.length;
  const confusion = confusionMatrix(actual, predicted, k);
  const perClass = classNames.map((name, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedC = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predictedC ? tp / predictedC : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { name, precision, recall, f1, support };
  });
  return { confusion, perClass, accuracy: accuracy(actual, predicted) };
}
