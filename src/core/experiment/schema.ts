// The one source of truth for experiment files. TypeScript types are inferred from these zod
// schemas, and `schema/experiment.schema.json` (shipped for VS Code's jsonValidation) is generated
// from them by `scripts/gen-schema.ts`; a unit test fails when the two drift apart.
import { z } from 'zod';
import { DataSpec } from '../data/registry';
import { COORDINATE_LIMIT, seed } from '../data/specFields';
import { ACTIVATION_NAMES } from '../nn/activations';
import { LOSS_NAMES } from '../nn/losses';
import { METRIC_NAMES } from '../nn/metrics';
import { OptimizerSpec } from '../nn/optimizer-settings';
import { PENALTY_NAMES } from '../nn/penalties';
import { INPUT_FEATURE_NAMES } from '../nn/features';

// The `data` union is built from the dataset registry: each dataset file owns its schema.
export { DataSpec, type DataKind } from '../data/registry';
export { DeclaredSplit } from '../data/specFields';

// No zod in core/nn (the webview and the grid thread read it): the schemas of its entries live here.
export const PenaltySpec = z.object({
  kind: z.enum(PENALTY_NAMES).describe('l1: rate·Σ|w| (sparse weights); l2: rate·Σw².'),
  rate: z.number().min(0).describe('λ, the weight of the term in the loss.'),
}).strict().describe('A penalty on the weights (not the biases) added to the loss; the recorded losses are the data loss alone.');
export type PenaltySpec = z.infer<typeof PenaltySpec>;

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
  inputs: z.array(z.enum(INPUT_FEATURE_NAMES)).min(1).max(INPUT_FEATURE_NAMES.length).optional()
    .describe('TensorFlow Playground\'s input features of 2-D points: what the first layer reads instead of (x0, x1), e.g. ["x0^2", "x1^2"]; the boundary stays drawn over the points.'),
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
