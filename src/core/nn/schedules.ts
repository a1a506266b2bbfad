// Learning-rate schedules, one entry each, as torch.optim.lr_scheduler computes them: stepped once
// after each epoch (`scheduler.step()` at the end of the lessons' epoch loop), the new rate used
// from the next epoch on. An entry owns its settings (a zod object with its `kind`) and how it
// moves the rate; `ScheduleSpec` is the union of the entries below. Adding a schedule is adding
// an entry here.
import { z } from 'zod';
import { METRIC_NAMES, metricOf, type EpochValues } from './metrics';

/** A schedule in a run: after each epoch, the learning rate of the next one. */
export interface LearningRate {
  next(epoch: EpochValues): number;
}

interface ScheduleDef<S extends z.ZodTypeAny> {
  schema: S;
  /** `lr` is the optimizer's base rate, `epochs` the run's length. */
  start(settings: z.infer<S>, lr: number, epochs: number): LearningRate;
}

function schedule<S extends z.ZodTypeAny>(def: ScheduleDef<S>): ScheduleDef<S> {
  return def;
}

/** Python's a % b (the sign of b), which PyTorch's cosine schedule relies on. */
const pyMod = (a: number, b: number) => ((a % b) + b) % b;

export const SCHEDULES = {
  /** StepLR: the rate times gamma every stepSize epochs. */
  step: schedule({
    schema: z.object({
      kind: z.literal('step'),
      stepSize: z.number().int().min(1).describe('Epochs between decays.'),
      gamma: z.number().gt(0).default(0.1).describe('Factor at each decay.'),
    }).strict().describe('StepLR: lr × gamma every stepSize epochs.'),
    start({ stepSize, gamma }, lr) {
      let epoch = 0;
      return {
        next() {
          epoch += 1;
          if (epoch % stepSize === 0) lr *= gamma;
          return lr;
        },
      };
    },
  }),
  /** ExponentialLR: the rate times gamma after every epoch. */
  exponential: schedule({
    schema: z.object({
      kind: z.literal('exponential'),
      gamma: z.number().gt(0).describe('Factor after each epoch.'),
    }).strict().describe('ExponentialLR: lr × gamma after every epoch.'),
    start({ gamma }, lr) {
      return {
        next() {
          lr *= gamma;
          return lr;
        },
      };
    },
  }),
  /**
   * CosineAnnealingLR, in PyTorch's recursive form (each rate from the one before, which is what
   * its step() computes — the closed form differs in the last bits).
   */
  cosine: schedule({
    schema: z.object({
      kind: z.literal('cosine'),
      tMax: z.number().int().min(1).optional().describe('Epochs of half a cosine period (T_max); default: the run\'s epochs.'),
      etaMin: z.number().min(0).default(0).describe('Lowest rate (eta_min).'),
    }).strict().describe('CosineAnnealingLR: from lr down to etaMin along half a cosine over tMax epochs.'),
    start({ tMax, etaMin }, baseLr, epochs) {
      const T = tMax ?? epochs;
      let lr = baseLr;
      let epoch = 0;
      return {
        next() {
          epoch += 1;
          if (pyMod(epoch - 1 - T, 2 * T) === 0) lr = lr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / T))) / 2;
          else lr = ((1 + Math.cos((Math.PI * epoch) / T)) / (1 + Math.cos((Math.PI * (epoch - 1)) / T))) * (lr - etaMin) + etaMin;
          return lr;
        },
      };
    },
  }),
  /** ReduceLROnPlateau: the rate times factor once the watched metric stops improving for patience epochs. */
  plateau: schedule({
    schema: z.object({
      kind: z.literal('plateau'),
      monitor: z.enum(METRIC_NAMES).default('valLoss').describe('The metric watched; losses should fall, accuracies rise.'),
      factor: z.number().gt(0).lt(1).default(0.1),
      patience: z.number().int().min(0).default(10).describe('Epochs without improvement before the rate drops.'),
      threshold: z.number().min(0).default(1e-4).describe('How much better counts as better.'),
      thresholdMode: z.enum(['rel', 'abs']).default('rel'),
      cooldown: z.number().int().min(0).default(0).describe('Epochs to wait after a drop before counting again.'),
      minLr: z.number().min(0).default(0),
      eps: z.number().min(0).default(1e-8).describe('A drop smaller than this is not made.'),
    }).strict().describe('ReduceLROnPlateau: lr × factor when the monitored metric has not improved for patience epochs.'),
    start(s, lr) {
      const metric = metricOf(s.monitor);
      const sign = metric.higherIsBetter ? -1 : 1;
      let best = Infinity;
      let bad = 0;
      let cooldown = 0;
      // PyTorch's is_better, on the metric turned so that lower is better.
      const isBetter = (a: number) => {
        if (s.thresholdMode === 'abs') return a < best - s.threshold;
        return metric.higherIsBetter ? -a > -best * (s.threshold + 1) : a < best * (1 - s.threshold);
      };
      return {
        next(epoch) {
          const current = sign * metric.of(epoch);
          if (isBetter(current)) {
            best = current;
            bad = 0;
          } else {
            bad += 1;
          }
          if (cooldown > 0) {
            cooldown -= 1;
            bad = 0;
          }
          if (bad > s.patience) {
            const reduced = Math.max(lr * s.factor, s.minLr);
            if (lr - reduced > s.eps) lr = reduced;
            cooldown = s.cooldown;
            bad = 0;
          }
          return lr;
        },
      };
    },
  }),
};

export const ScheduleSpec = z.discriminatedUnion('kind', [SCHEDULES.step.schema, SCHEDULES.exponential.schema, SCHEDULES.cosine.schema, SCHEDULES.plateau.schema]);
export type ScheduleSpec = z.infer<typeof ScheduleSpec>;

export function startSchedule(spec: ScheduleSpec, lr: number, epochs: number): LearningRate {
  const def = SCHEDULES[spec.kind] as ScheduleDef<z.ZodTypeAny>;
  return def.start(spec, lr, epochs);
}
