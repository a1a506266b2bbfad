export { runExperiment } from './runExperiment';
export { defaultOutDir, safeName, runsRoot } from './paths';
export type { RunExperimentOptions, ExperimentResult } from './runExperiment';
export { summarise, runRow } from './summary';
export type { ExperimentSummaryFile, RunRow, GroupRow } from './summary';
export { claimOutDir } from './outDir';
export { threadsBeside, threadCount, trainOnThreads, estimatedWork, MIN_WORK_FOR_THREADS, type ThreadJob } from './threads';
export { GridThread, gridThreadBeside } from './gridThread';
