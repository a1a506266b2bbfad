// Sizes Logit Lab refuses up front, before any work starts, so a typo such as one zero too many ends
// in a located error instead of a minute of work and a heap abort. Documented in README "Limits".

/** Generated samples per dataset (moons, blobs, …) and integers in a `window` range. */
export const MAX_SAMPLES = 1_000_000;
/** Values (samples × features) of a generated table (tabular, classification): blobs' largest, 1M × 64. */
export const MAX_GENERATED_VALUES = 64_000_000;
/** Data rows read from one CSV file. */
export const MAX_CSV_ROWS = 1_000_000;
/** Bytes of one CSV file. */
export const MAX_CSV_BYTES = 256 * 1024 * 1024;
/** Distinct values of one one-hot encoded column: more is refused (an ID column, most likely). */
export const MAX_CATEGORIES = 1000;
/** One-hot inputs over all categorical columns together. */
export const MAX_ONE_HOT_FEATURES = 4096;
/** Bytes of one experiment file. */
export const MAX_EXPERIMENT_BYTES = 4 * 1024 * 1024;
/** Nesting depth of lists and objects in an experiment file (the schema needs 5). */
export const MAX_JSON_DEPTH = 64;
/** Fewest training samples a run may be left with after the validation and test splits. */
export const MIN_TRAIN_SAMPLES = 2;
/** Trainable parameters of one model (16k-wide layers stacked deep would exhaust memory). */
export const MAX_PARAMS = 10_000_000;
