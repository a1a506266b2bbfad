// How many logits a run's model ends in: model.outputs, else what the loss wants (binary losses on
// two classes a single logit for P(class 1); cross-entropy and more classes one logit per class).
import type { RunSpec } from './schema';
import { lossOf } from '../nn/losses';

export function outputsFor(spec: Pick<RunSpec, 'model' | 'loss'>, classes: number): number {
  if (spec.model.outputs !== undefined) return spec.model.outputs;
  return lossOf(spec.loss).defaultOutputs(classes);
}
