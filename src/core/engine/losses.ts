// The TF.js kernel's side of the losses (each loss is an entry of src/core/nn/losses.ts): the
// targets it compares with, the link function, the predicted class.
//
// Targets: with one output, `targets` is y ∈ {0, 1} as an [n, 1] float tensor; with k outputs it
// is the one-hot [n, k] matrix of the class indices (see `targetTensor`).
import * as tf from '@tensorflow/tfjs-core';
import { lossOf, type Loss } from '../nn/losses';

/** Mean loss of a batch (the loss's registry entry, src/core/nn/losses.ts). Call inside tf.tidy. */
export function lossValue(loss: Loss, logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return lossOf(loss).tf(tf, logits, targets);
}

function linkOf(z: tf.Tensor2D): tf.Tensor2D {
  return z.shape[1] === 1 ? tf.sigmoid(z) : tf.softmax(z);
}

/**
 * P(class) for every loss the same way: the link is fixed by the number of outputs — sigmoid for
 * one logit (P(class 1), shape [n, 1]), softmax for k logits ([n, k]).
 */
export function probabilities(logits: tf.Tensor2D, _loss?: Loss): tf.Tensor2D {
  return linkOf(logits);
}

/** Predicted class index per row: z > 0 for one logit, argmax for k. */
export function predictedClass(logits: tf.Tensor2D): tf.Tensor1D {
  return logits.shape[1] === 1
    ? tf.cast(tf.greater(tf.reshape(logits, [-1]), 0), 'int32') as tf.Tensor1D
    : tf.argMax(logits, 1) as tf.Tensor1D;
}

/** The target tensor a loss expects for class indices y: [n,1] floats or [n,k] one-hot. */
export function targetTensor(y: Int32Array, outputs: number): tf.Tensor2D {
  return tf.tidy(() => {
    if (outputs === 1) return tf.tensor2d(Float32Array.from(y), [y.length, 1]);
    return tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), outputs), 'float32') as tf.Tensor2D;
  });
}
