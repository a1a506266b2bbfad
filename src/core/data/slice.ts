// With more than two features the decision boundary is drawn on a 2-D slice: two chosen features vary
// over the grid and every other feature is held at a typical training value — the mean for numeric
// features and, for a one-hot group, its most frequent training category (a mean of one-hot columns
// would be an input no real row can have).
import { LogitLabError } from '../errors';
import { unknownNameHint } from './didYouMean';
import type { Preprocessing, Table } from './types';

export function sliceBase(train: Table, pre: Preprocessing): Float32Array {
  const base = new Float32Array(train.d);
  const column = (j: number) => Array.from({ length: train.n }, (_, i) => train.x[i * train.d + j]);
  const oneHotGroups = new Map<string, number[]>();
  pre.features.forEach((feature, j) => {
    if (feature.kind === 'numeric') {
      base[j] = train.n > 0 ? column(j).reduce((a, b) => a + b, 0) / train.n : 0;
    } else if (feature.kind === 'one-hot') {
      oneHotGroups.set(feature.column, [...(oneHotGroups.get(feature.column) ?? []), j]);
    }
  });
  for (const members of oneHotGroups.values()) {
    // Ties go to the first category (sorted order), so the slice is reproducible.
    const counts = members.map((j) => column(j).reduce((a, b) => a + b, 0));
    base[members[counts.indexOf(Math.max(...counts))]] = 1;
  }
  return base;
}

/** Indices of the slice's features: the named ones, else the first two (or the only one). */
export function sliceFeatures(featureNames: string[], names?: [string, string]): number[] {
  // A line needs no choice: 1-D data is drawn over its only feature.
  if (featureNames.length === 1) return [0];
  if (names === undefined) return [0, 1];
  if (names[0] === names[1]) {
    throw new LogitLabError(`record.features names "${names[0]}" twice`, {
      jsonPath: ['record', 'features', 1],
      hint: 'a boundary slice needs two different features.',
    });
  }
  return names.map((name, i) => {
    const j = featureNames.indexOf(name);
    if (j < 0) {
      throw new LogitLabError(`record.features names "${name}", which is not a model feature`, {
        jsonPath: ['record', 'features', i],
        hint: sliceHint(name, featureNames),
      });
    }
    return j;
  });
}

function sliceHint(name: string, featureNames: string[]): string {
  const oneHot = featureNames.filter((f) => f.startsWith(`${name}=`));
  return oneHot.length > 0
    ? `"${name}" is one-hot encoded into ${oneHot.join(', ')}; slice over numeric features, or over one of these indicators.`
    : unknownNameHint(name, featureNames, 'features');
}
