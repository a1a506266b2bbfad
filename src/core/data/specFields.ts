// The zod pieces every dataset schema shares: the data seed, the split fractions or a declared split,
// scikit-learn's random_state, and the bounds that refuse a typo (1e308, one zero too many) with its
// location instead of generating Infinity or running out of memory (README "Limits"). They live in
// data/ so each dataset file can own its schema without importing experiment/ (which imports data/).
import { z } from 'zod';
import { MAX_SAMPLES } from '../limits';

export const NOISE_LIMIT = 100;
export const COORDINATE_LIMIT = 1e6;
export const coordinate = z.number().min(-COORDINATE_LIMIT).max(COORDINATE_LIMIT);
export const seed = z.number().int().min(0);
export const samples = (byDefault: number) => z.number().int().min(4).max(MAX_SAMPLES).default(byDefault);

const fraction = z.number().min(0).max(0.9);
const rowIndex = z.number().int().min(0);

/** A split the lesson fixed by hand, instead of a random one. */
export const DeclaredSplit = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('ordered'),
    validation: z.number().int().min(0).describe('The last rows (before any test rows) are validation, like X[-60:].'),
    test: z.number().int().min(0).default(0).describe('The very last rows are the test split.'),
  }).strict().describe('First rows train, then the validation rows, then the test rows, in the data\'s order (X[:240], X[240:]).'),
  z.object({
    kind: z.literal('indices'),
    train: z.array(rowIndex).optional().describe('Training rows (0-based); default: every row not listed elsewhere.'),
    validation: z.array(rowIndex).default([]).describe('Validation rows (0-based).'),
    test: z.array(rowIndex).default([]).describe('Test rows (0-based).'),
  }).strict().describe('Row indices (0-based, in the data\'s order) of each split.'),
]);
export type DeclaredSplit = z.infer<typeof DeclaredSplit>;

/** Fields every dataset has: the data seed and how its rows are split. */
export const commonFields = {
  // The data has its own seed so a seed study varies only the initialisation, on the same points.
  seed: seed.default(0).describe('Seed of the data generator and the split (the run seed drives init, shuffling and dropout).'),
  validation: fraction.default(0.2).describe('Fraction of samples held out for validation (stratified; unstratified as train_test_split with randomState).'),
  test: fraction.default(0).describe('Fraction of samples held out as a test split (stratified; with randomState taken after the validation rows of the same permutation).'),
  split: DeclaredSplit.optional().describe('A fixed split instead of validation/test fractions: {"kind": "ordered", "validation": 60} or index lists.'),
};

// scikit-learn's `random_state`: the same NumPy stream, so the same numbers as the notebook.
export const randomState = z.number().int().min(0).max(0xffffffff).optional()
  .describe('scikit-learn random_state (NumPy RandomState seed): data as scikit-learn draws it, and a validation split equal to train_test_split(test_size=validation, random_state=randomState). Replaces seed.');
export const splitRandomState = z.number().int().min(0).max(0xffffffff).optional()
  .describe('scikit-learn random_state for the split: validation rows as train_test_split(test_size=validation, random_state=randomState), unstratified.');
