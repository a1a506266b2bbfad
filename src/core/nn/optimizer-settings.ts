// The `optimizer` object of an experiment file: one flat set of settings for every optimizer (a
// sweep can switch `optimizer.kind` and keep the rest), each read by the entries that use it
// (src/core/nn/optimizers.ts), plus the learning-rate schedule.
import { z } from 'zod';
import { ScheduleSpec } from './schedules';
import { OPTIMIZER_NAMES } from './optimizers';

/** Every optimizer's settings; each entry reads the ones it uses (see its doc). */
export const OptimizerSettings = z.object({
  lr: z.number().gt(0).default(0.01),
  momentum: z.number().min(0).lt(1).default(0).describe('sgd and rmsprop: momentum (0: none).'),
  nesterov: z.boolean().default(false).describe('sgd: Nesterov momentum.'),
  weightDecay: z.number().min(0).default(0).describe('L2 weight decay (adamw: decoupled).'),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]).describe('adam, adamw: decay of the first and second moments.'),
  eps: z.number().gt(0).default(1e-8).describe('adam, adamw, rmsprop: added to the denominator.'),
  // Optional rather than defaulted: every other optimizer's resolved settings stay as they were.
  alpha: z.number().min(0).lt(1).optional().describe('rmsprop: decay of the squared-gradient average (default 0.99).'),
  centered: z.boolean().optional().describe('rmsprop: divide by the gradient\'s estimated variance instead of its second moment (default false).'),
  schedule: ScheduleSpec.optional().describe('How the learning rate changes from epoch to epoch (torch.optim.lr_scheduler), stepped after each epoch.'),
});
export type OptimizerSettings = z.infer<typeof OptimizerSettings>;

export const OptimizerSpec = z.object({ kind: z.enum(OPTIMIZER_NAMES).default('adam'), ...OptimizerSettings.shape }).strict();
export type OptimizerSpec = z.infer<typeof OptimizerSpec>;
