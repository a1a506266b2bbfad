export { SemanticModel, FUNCTIONAL_LOSSES, FUNCTIONAL_NAME, type Binding, type LoopInfo } from './model';
export * from './facts';
export { ImportTable, canonical } from './imports';
export * as syntax from './syntax';
export { TreeIndex, INDEXED_TYPES } from './tree-index';
