// The training engine's public API.
export { initBackend, ensureBackend, activeBackend, defaultWasmDir, type BackendInfo } from './backend';
export { trainRun, chooseKernel, type TrainOptions, type TrainResult } from './train';
export { PLAIN_KERNEL_MAX_BATCH_MACS, usePlainKernel } from './plain';
export { useWideThreads, wideThreads } from './wide-threads';
export { loadWideKernel, wideKernelUnavailable } from './wide-kernel';
export type { GridJob, OffloadedGrid, SnapshotOffload } from './session';
export { saveModel, loadPredictor, type Predictor, type ModelInfo } from './save';
export { Mlp, layerSizes, parameterCount, initialWeights, type LayerWeights } from './model';
export { lossValue, probabilities, predictedClass, targetTensor } from './losses';
export { makeOptimizer, type Optimizer } from './optimizers';
export { gridSpec, gridInputs, slicePoints } from './grid';
export { accuracy, confusionMatrix, classReport } from './metrics';
export type * from './types';
