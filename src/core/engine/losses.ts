// Losses on logits, each the mean over the batch, written as PyTorch defines them.
//
// Targets: with one output, `targets` is y ∈ {0, 1} as an [n, 1] float tensor; with k outputs it
// is the one-hot [n, k] matrix of the class indices (see `targetTensor`).
import * as tf from '@tensorflow/tfjs-core';
import type { Loss } from '../experiment/schema';

/** Mean loss of a batch. Call inside tf.tidy. */
export function lossValue(loss: Loss, logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  switch (loss) {
    case 'bce-with-logits': return bceWithLogits(logits, targets);
    case 'cross-entropy': return crossEntropy(logits, targets);
    case 'bce': return bce(logits, targets);
    case 'mse': return mse(logits, targets);
  }
}

/** max(z,0) − z·y + log(1 + e^−|z|): never exponentiates a large positive number. */
function bceWithLogits(z: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  const perSample = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
  return tf.mean(perSample) as tf.Scalar;
}

/** log-softmax + negative log-likelihood of the true class (one-hot targets pick it out). */
function crossEntropy(z: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  const logProbs = tf.sub(z, tf.logSumExp(z, 1, true));
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbs), 1))) as tf.Scalar;
}

/**
 * sigmoid then binary cross-entropy, with each log clamped at −100 like torch.nn.BCELoss. It is
 * what `nn.Sigmoid()` + `nn.BCELoss()` computes: less stable than bce-with-logits on purpose.
 */
function bce(z: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  const p = tf.sigmoid(z);
  const logP = tf.maximum(tf.log(p), -100);
  const log1mP = tf.maximum(tf.log(tf.sub(1, p)), -100);
  return tf.neg(tf.mean(tf.add(tf.mul(y, logP), tf.mul(tf.sub(1, y), log1mP)))) as tf.Scalar;
}

/**
 * The contrast lesson's squared error on probabilities: (sigmoid(z) − y)² for one output,
 * (softmax(z) − one-hot)² for k outputs, averaged over every element like nn.MSELoss.
 */
function mse(z: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.squaredDifference(linkOf(z), targets)) as tf.Scalar;
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
