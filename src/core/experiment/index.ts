// Experiment files: schema, parsing with exact positions, expansion into runs, semantic checks.
export * from './schema';
export { parseExperiment, type ParseResult } from './parse';
export { expandRuns, tryExpandRuns, sourcePathOf, slugify, MAX_RUNS, type ExpandedRun, type ExpandOptions, type RunOrigin } from './expand';
export { checkExperiment, type CheckContext } from './check';
export { loadExperiment, loadExperimentText, diagnoseExperimentText, type LoadedExperiment } from './load';
export { ExperimentError, isErrorDiagnostic } from './experiment-error';
export { outputsFor } from './outputs';
export { SourceText, LineMap, type Position } from './positions';
export { experimentJsonSchema, experimentJsonSchemaText } from './json-schema';
