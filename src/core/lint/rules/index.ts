// The rule registry. Adding a rule = one file in this folder + one line here.
import type { Rule } from '../rule';
import { sigmoidBeforeBceWithLogits } from './LL101-sigmoid-before-bce-with-logits';
import { softmaxBeforeCrossEntropy } from './LL102-softmax-before-cross-entropy';
import { logSoftmaxBeforeCrossEntropy } from './LL103-log-softmax-before-cross-entropy';
import { bceOnLogits } from './LL104-bce-on-logits';
import { mseForClassification } from './LL105-mse-for-classification';
import { handRolledCrossEntropy } from './LL106-hand-rolled-cross-entropy';
import { nllWithoutLogSoftmax } from './LL107-nll-without-log-softmax';
import { preferBceWithLogits } from './LL108-prefer-bce-with-logits';
import { missingZeroGrad } from './LL201-missing-zero-grad';
import { zeroGradAfterBackward } from './LL202-zero-grad-after-backward';
import { lossAccumulatedWithGraph } from './LL203-loss-accumulated-with-graph';
import { perSampleUpdates } from './LL204-per-sample-updates';
import { plotInTrainingLoop } from './LL205-plot-in-training-loop';
import { forwardCalledDirectly } from './LL206-forward-called-directly';
import { evalWithoutNoGrad } from './LL301-eval-without-no-grad';
import { evalModeMissing } from './LL302-eval-mode-missing';
import { logitsThresholdedAtHalf } from './LL303-logits-thresholded-at-half';
import { argmaxOnSingleLogit } from './LL304-argmax-on-single-logit';
import { softmaxWithoutDim } from './LL305-softmax-without-dim';
import { preprocessingLeakage } from './LL401-preprocessing-leakage';
import { targetDtypeMismatch } from './LL402-target-dtype-mismatch';
import { targetShapeMismatch } from './LL403-target-shape-mismatch';
import { unseededRandomness } from './LL404-unseeded-randomness';
import { stateInForward } from './LL501-state-in-forward';
import { reluOnOutput } from './LL502-relu-on-output';
import { torchLoadUnsafe } from './LL503-torch-load-unsafe';

export const ALL_RULES: readonly Rule[] = [
  sigmoidBeforeBceWithLogits,
  softmaxBeforeCrossEntropy,
  logSoftmaxBeforeCrossEntropy,
  bceOnLogits,
  mseForClassification,
  handRolledCrossEntropy,
  nllWithoutLogSoftmax,
  preferBceWithLogits,
  missingZeroGrad,
  zeroGradAfterBackward,
  lossAccumulatedWithGraph,
  perSampleUpdates,
  plotInTrainingLoop,
  forwardCalledDirectly,
  evalWithoutNoGrad,
  evalModeMissing,
  logitsThresholdedAtHalf,
  argmaxOnSingleLogit,
  softmaxWithoutDim,
  preprocessingLeakage,
  targetDtypeMismatch,
  targetShapeMismatch,
  unseededRandomness,
  stateInForward,
  reluOnOutput,
  torchLoadUnsafe,
];

export function ruleByCode(code: string): Rule | undefined {
  return ALL_RULES.find((r) => r.code === code.toUpperCase());
}
