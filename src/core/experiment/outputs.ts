// How many logits a run's model ends in. Binary losses (bce-with-logits, bce, mse) on two classes
// use a single logit for P(class 1); cross-entropy and more classes use one logit per class.
import type { RunSpec } from './schema';

export function outputsFor(spec: Pick<RunSpec, 'model' | 'loss'>, classes: number): number {
  if (spec.model.outputs !== undefined) return spec.model.outputs;
  return spec.loss !== 'cross-entropy' && classes === 2 ? 1 : classes;
}
