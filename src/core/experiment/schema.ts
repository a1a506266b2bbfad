// The one source of truth for experiment files. TypeScript types are inferred from these zod
// schemas, and `schema/experiment.schema.json` (shipped for VS Code's jsonValidation) is generated
// from them by `scripts/gen-schema.ts`; a unit test fails when the two drift apart.
import { z } from 'zod';
import { MAX_SAMPLES } from '../limits';
import { ACTIVATION_NAMES } from '../nn/activations';
import { LOSS_NAMES } from '../nn/losses';
import { METRIC_NAMES } from '../nn/metrics';
import { OptimizerSpec } from '../nn/optimizers';
import { PenaltySpec } from '../nn/penalties';

const fraction = z.number().min(0).max(0.9);
const seed = z.number().int().min(0);
// Bounded so a typo (1e308, one zero too many) is refused with its location instead of generating
// Infinity or running out of memory; the limits are documented in README "Limits".
const samples = (byDefault: number) => z.number().int().min(4).max(MAX_SAMPLES).default(byDefault);
const NOISE_LIMIT = 100;
const COORDINATE_LIMIT = 1e6;
const coordinate = z.number().min(-COORDINATE_LIMIT).max(COORDINATE_LIMIT);

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

const common = {
  // The data has its own seed so a seed study varies only the initialisation, on the same points.
  seed: seed.default(0).describe('Seed of the data generator and the split (the run seed drives init, shuffling and dropout).'),
  validation: fraction.default(0.2).describe('Fraction of samples held out for validation (stratified; unstratified as train_test_split with randomState).'),
  test: fraction.default(0).describe('Fraction of samples held out as a test split (stratified; with randomState taken after the validation rows of the same permutation).'),
  split: DeclaredSplit.optional().describe('A fixed split instead of validation/test fractions: {"kind": "ordered", "validation": 60} or index lists.'),
};

// scikit-learn's `random_state`: the same NumPy stream, so the same numbers as the notebook.
const randomState = z.number().int().min(0).max(0xffffffff).optional()
  .describe('scikit-learn random_state (NumPy RandomState seed): data as scikit-learn draws it, and a validation split equal to train_test_split(test_size=validation, random_state=randomState). Replaces seed.');
const splitRandomState = z.number().int().min(0).max(0xffffffff).optional()
  .describe('scikit-learn random_state for the split: validation rows as train_test_split(test_size=validation, random_state=randomState), unstratified.');

export const MoonsData = z.object({
  kind: z.literal('moons'),
  samples: samples(300),
  noise: z.number().min(0).max(NOISE_LIMIT).default(0.1),
  randomState,
  ...common,
}).strict();

export const NumpyMoonsData = z.object({
  kind: z.literal('numpy-moons'),
  perClass: z.number().int().min(2).max(MAX_SAMPLES / 2).default(150).describe('Points per moon.'),
  noise: z.number().min(0).max(NOISE_LIMIT).default(0.1),
  randomState: z.number().int().min(0).max(0xffffffff).default(42).describe('np.random.seed(randomState) before the points are drawn; the split (if any) uses it too.'),
  ...common,
}).strict();

export const CirclesData = z.object({
  kind: z.literal('circles'),
  samples: samples(300),
  noise: z.number().min(0).max(NOISE_LIMIT).default(0.05),
  factor: z.number().gt(0).lt(1).default(0.5).describe('Scale of the inner circle relative to the outer one.'),
  randomState,
  ...common,
}).strict();

export const BlobsData = z.object({
  kind: z.literal('blobs'),
  samples: samples(300),
  classes: z.number().int().min(2).max(12).default(3),
  features: z.number().int().min(1).max(64).default(2),
  std: z.number().gt(0).max(COORDINATE_LIMIT).default(1),
  centerBox: z.tuple([coordinate, coordinate]).default([-10, 10]),
  randomState,
  ...common,
}).strict();

export const ClustersData = z.object({
  kind: z.literal('clusters'),
  samples: samples(200),
  std: z.number().gt(0).max(COORDINATE_LIMIT).default(0.4),
  ...common,
}).strict();

export const RingData = z.object({
  kind: z.literal('ring'),
  samples: samples(300),
  ...common,
}).strict();

export const XorData = z.object({
  kind: z.literal('xor'),
  samples: samples(400),
  noise: z.number().min(0).max(1).default(0),
  ...common,
}).strict();

export const SpiralData = z.object({
  kind: z.literal('spiral'),
  samples: samples(400),
  noise: z.number().min(0).max(1).default(0),
  ...common,
}).strict();

export const WindowData = z.object({
  kind: z.literal('window'),
  from: z.number().int().min(-COORDINATE_LIMIT).max(COORDINATE_LIMIT).default(-20),
  to: z.number().int().min(-COORDINATE_LIMIT).max(COORDINATE_LIMIT).default(19).describe('Inclusive upper end of the integer inputs.'),
  interval: z.tuple([coordinate, coordinate]).default([-4, 4]).describe('Open interval labelled 1.'),
  ...common,
}).strict();

export const TabularData = z.object({
  kind: z.literal('tabular'),
  samples: samples(1000),
  features: z.number().int().min(1).max(256).default(10),
  rule: z.object({
    linear: z.record(z.string().regex(/^x\d+$/), coordinate).default({ x0: 1.4, x1: -1.0 }),
    product: z.array(z.tuple([z.string().regex(/^x\d+$/), z.string().regex(/^x\d+$/), coordinate])).default([['x2', 'x3', 0.8]]),
    square: z.record(z.string().regex(/^x\d+$/), coordinate).default({ x4: -0.5 }),
    noise: z.number().min(0).max(NOISE_LIMIT).default(0.25),
    bias: coordinate.default(0),
  }).strict().default({ linear: { x0: 1.4, x1: -1.0 }, product: [['x2', 'x3', 0.8]], square: { x4: -0.5 }, noise: 0.25, bias: 0 }),
  ...common,
}).strict();

export const IrisData = z.object({
  kind: z.literal('iris'),
  randomState: splitRandomState,
  ...common,
}).strict();

export const CsvData = z.object({
  kind: z.literal('csv'),
  path: z.string().min(1).describe('CSV file, relative to the experiment file; must stay inside the workspace folder.'),
  target: z.string().min(1).describe('Column holding the class label.'),
  numeric: z.array(z.string()).optional().describe('Numeric feature columns (default: every numeric column but the target).'),
  categorical: z.array(z.string()).optional().describe('Categorical feature columns, one-hot encoded from training values.'),
  drop: z.array(z.string()).default([]),
  missing: z.enum(['drop-rows', 'impute', 'error']).default('drop-rows').describe('What to do with rows that have missing values.'),
  standardize: z.boolean().default(true).describe('Scale numeric columns with the training split\'s mean and standard deviation; false feeds the values as they are.'),
  randomState: splitRandomState,
  ...common,
}).strict();

export const DataSpec = z.discriminatedUnion('kind', [
  MoonsData, NumpyMoonsData, CirclesData, BlobsData, ClustersData, RingData, XorData, SpiralData, WindowData,
  TabularData, IrisData, CsvData,
]);
export type DataSpec = z.infer<typeof DataSpec>;
export type DataKind = DataSpec['kind'];

export const Activation = z.enum(ACTIVATION_NAMES);
export type Activation = z.infer<typeof Activation>;

export const ModelSpec = z.object({
  hidden: z.array(z.number().int().min(1).max(4096)).max(64).default([16]).describe('Hidden layer widths; [] is logistic regression.'),
  activation: Activation.default('relu'),
  dropout: z.number().min(0).lt(1).default(0),
  init: z.enum(['he', 'glorot', 'torch']).default('he').describe('he / glorot, or torch: PyTorch nn.Linear default (uniform ±1/√fan_in).'),
  torchSeed: z.number().int().min(0).max(0xffffffff).optional()
    .describe('With init "torch": the weights torch.manual_seed(torchSeed) then nn.Linear layers created in order give (PyTorch 1.13 CPU).'),
  outputs: z.number().int().min(1).optional().describe('Output logits; default 1 for binary bce/mse losses, else the number of classes.'),
  penalty: PenaltySpec.optional(),
  batchNorm: z.boolean().optional().describe('BatchNorm1d after each hidden layer\'s Linear, before its activation (batch statistics in training, running ones in eval); default false.'),
}).strict();
export type ModelSpec = z.infer<typeof ModelSpec>;

export const Loss = z.enum(LOSS_NAMES);
export type Loss = z.infer<typeof Loss>;

// The optimizer's settings live with the optimizers (src/core/nn/optimizers.ts).
export { OptimizerSpec };

export const EarlyStopping = z.object({
  monitor: z.enum(METRIC_NAMES).default('valLoss'),
  patience: z.number().int().min(1).default(50),
  minDelta: z.number().min(0).default(0),
  restoreBest: z.boolean().default(true),
}).strict();

export const TrainingSpec = z.object({
  epochs: z.number().int().min(1).max(1_000_000).default(500),
  batchSize: z.union([z.literal('full'), z.number().int().min(1)]).default('full'),
  shuffle: z.boolean().default(true),
  earlyStopping: EarlyStopping.optional(),
}).strict();
export type TrainingSpec = z.infer<typeof TrainingSpec>;

export const RecordSpec = z.object({
  every: z.number().int().min(1).default(10).describe('Record a boundary snapshot every N epochs (and at the last one).'),
  grid: z.number().int().min(8).max(400).default(100).describe('Boundary grid resolution per axis.'),
  features: z.tuple([z.string(), z.string()]).optional().describe('The two features of the 2-D boundary slice when there are more than two.'),
  margin: z.number().min(0).max(COORDINATE_LIMIT).default(0.5).describe('Margin around the data bounds, in feature units.'),
  keep: z.object({
    recent: z.number().int().min(1).default(100).describe('Keep every snapshot of the last N.'),
    perDoubling: z.number().int().min(0).default(8).describe('Of older snapshots, keep about this many per doubling of the epoch (0: none).'),
  }).strict().default({ recent: 100, perDoubling: 8 })
    .describe('Which boundary snapshots a long run keeps: all recent ones and a logarithmic sample of older ones.'),
}).strict();
export type RecordSpec = z.infer<typeof RecordSpec>;

/** One fully resolved training run: what the engine trains. */
export const RunSpec = z.object({
  name: z.string().min(1).default('experiment'),
  seed: seed.default(0),
  data: DataSpec,
  model: ModelSpec.default({ hidden: [16], activation: 'relu', dropout: 0, init: 'he' }),
  loss: Loss.default('bce-with-logits'),
  optimizer: OptimizerSpec.default({ kind: 'adam', lr: 0.01, momentum: 0, nesterov: false, weightDecay: 0, betas: [0.9, 0.999], eps: 1e-8 }),
  training: TrainingSpec.default({ epochs: 500, batchSize: 'full', shuffle: true }),
  record: RecordSpec.default({ every: 10, grid: 100, margin: 0.5, keep: { recent: 100, perDoubling: 8 } }),
}).strict();
export type RunSpec = z.infer<typeof RunSpec>;

/** A variant's fields: any subset of a run, checked when the variant is expanded. */
export const Override = z.record(z.string(), z.unknown());

export const ExperimentFile = RunSpec.extend({
  $schema: z.string().optional(),
  description: z.string().optional(),
  baseline: z.enum(['none', 'logistic']).default('none').describe('Also train logistic regression on the same split.'),
  sweep: z.record(z.string(), z.array(z.unknown()).min(1)).optional()
    .describe('Grid product over dotted paths, e.g. {"optimizer.lr": [0.1, 0.01], "seed": [0, 1]}.'),
  variants: z.array(z.object({ name: z.string().min(1) }).catchall(z.unknown())).optional()
    .describe('Named deep-merged overrides of the base experiment (multiplied by the sweep).'),
  success: z.object({
    metric: z.enum(['trainAcc', 'valAcc', 'testAcc']).default('trainAcc'),
    atLeast: z.number().min(0).max(1),
  }).strict().optional().describe('Success criterion; seed studies report the success rate per group.'),
}).strict();
export type ExperimentFile = z.infer<typeof ExperimentFile>;
export type Override = z.infer<typeof Override>;
