// Saving a trained model in TF.js layers format (model.json + weights.bin, loadable with
// tf.loadLayersModel), with the fitted preprocessing next to it so `logit-lab predict` replays the
// training pipeline exactly. The saved network outputs logits, as in training; the link function
// (sigmoid for one output, softmax for k) is applied by the predictor, like the loss did.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Preprocessing } from '../data/types';
import type { RunSpec } from '../experiment/schema';
import { LogitLabError } from '../errors';
import { ensureBackend } from './backend';
import { probabilities } from './losses';
import type { LayerWeights } from './model';
import { activationOf } from '../nn/activations';
import { crossInputs, type InputFeature } from '../nn/features';

type ActivationIdentifier = NonNullable<Parameters<typeof tfl.layers.dense>[0]['activation']>;

/** What model-info.json holds: enough to know how to read the outputs. */
export interface ModelInfo {
  format: 'logit-lab-model';
  version: 1;
  inputs: number;
  outputs: number;
  link: 'sigmoid' | 'softmax';
  hidden: number[];
  activation: RunSpec['model']['activation'];
  loss: RunSpec['loss'];
  classNames: string[];
  /** The input features the first layer reads, derived from each 2-D point (model.inputs); absent: the point itself. */
  inputFeatures?: InputFeature[];
}

export interface Predictor {
  /**
   * Class probabilities per row of x (n rows of the encoded width: the model's inputs, or the 2-D
   * points its input features are derived from), one column per class.
   */
  predict(x: Float32Array, n: number): number[][];
  preprocessing: Preprocessing;
  classNames: string[];
  info: ModelInfo;
  dispose(): void;
}

export async function saveModel(dir: string, weights: LayerWeights[], spec: RunSpec, preprocessing: Preprocessing, classNames: string[]): Promise<void> {
  await ensureBackend();
  const model = buildSequential(weights, spec.model.activation);
  try {
    mkdirSync(dir, { recursive: true });
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData as ArrayBuffer | ArrayBuffer[]);
      const modelJson = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(weightData));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }));
  } finally {
    model.dispose();
  }
  const outputs = weights[weights.length - 1].outDim;
  const info: ModelInfo = {
    format: 'logit-lab-model', version: 1, inputs: weights[0].inDim, outputs, link: outputs === 1 ? 'sigmoid' : 'softmax',
    hidden: weights.slice(0, -1).map((w) => w.outDim), activation: spec.model.activation, loss: spec.loss, classNames,
    ...(spec.model.inputs ? { inputFeatures: spec.model.inputs } : {}),
  };
  writeFileSync(join(dir, 'preprocessing.json'), JSON.stringify(preprocessing, null, 2));
  writeFileSync(join(dir, 'model-info.json'), JSON.stringify(info, null, 2));
}

export async function loadPredictor(dir: string): Promise<Predictor> {
  await ensureBackend();
  const modelJson = readJson(join(dir, 'model.json')) as tf.io.ModelJSON;
  const preprocessing = readJson(join(dir, 'preprocessing.json')) as Preprocessing;
  const info = readJson(join(dir, 'model-info.json')) as ModelInfo;
  const weightData = readFileSync(join(dir, 'weights.bin'));
  const model = await tfl.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
  }));
  const classes = info.classNames.length;
  return {
    preprocessing,
    classNames: info.classNames,
    info,
    predict(x: Float32Array, n: number): number[][] {
      const features = info.inputFeatures;
      const width = features ? 2 : info.inputs;
      if (x.length !== n * width) {
        throw new LogitLabError(`expected ${n} rows of ${width} model inputs, got ${x.length} values`);
      }
      if (features) x = crossInputs(x, n, features);
      const p = tf.tidy(() => probabilities(model.predict(tf.tensor2d(x, [n, info.inputs]), { batchSize: Math.max(1, n) }) as tf.Tensor2D));
      const v = p.dataSync<'float32'>();
      p.dispose();
      const rows: number[][] = [];
      for (let r = 0; r < n; r++) {
        // One sigmoid output is P(class 1); the row lists P(class 0), P(class 1).
        rows.push(info.outputs === 1 ? [1 - v[r], v[r]] : Array.from(v.subarray(r * classes, (r + 1) * classes)));
      }
      return rows;
    },
    dispose: () => model.dispose(),
  };
}

/** A Sequential of Dense layers mirroring the training MLP (dropout is a no-op at inference). */
function buildSequential(weights: LayerWeights[], activation: RunSpec['model']['activation']): tfl.Sequential {
  const model = tfl.sequential();
  weights.forEach((w, i) => {
    const last = i === weights.length - 1;
    const keras = activationOf(activation).keras;
    const dense = tfl.layers.dense({
      units: w.outDim,
      inputShape: i === 0 ? [w.inDim] : undefined,
      activation: (last || !('activation' in keras) ? 'linear' : keras.activation) as ActivationIdentifier,
      kernelInitializer: 'zeros',
      name: `dense_${i + 1}`,
    });
    model.add(dense);
    tf.tidy(() => dense.setWeights([tf.tensor2d(w.W, [w.inDim, w.outDim]), tf.tensor1d(w.b)]));
    if (!last && 'leakyReLU' in keras) model.add(tfl.layers.leakyReLU({ alpha: keras.leakyReLU, name: `leaky_relu_${i + 1}` }));
  });
  return model;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LogitLabError(`cannot read the saved model file ${path}: ${e instanceof Error ? e.message : String(e)}`, {
      hint: 'point at a run\'s model/ directory written by `logit-lab train`',
    });
  }
}
