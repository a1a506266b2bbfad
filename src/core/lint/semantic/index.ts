export { SemanticModel, type Binding, type LoopInfo } from './model';
export { FUNCTIONAL_LOSSES, FUNCTIONAL_NAME } from '../torch/names';
export * from './facts';
export { ImportTable, canonical } from './imports';
export * as syntax from './syntax';
export { TreeIndex, INDEXED_TYPES } from './tree-index';
