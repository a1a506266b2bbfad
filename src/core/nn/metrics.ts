// What an epoch measures that a run can watch: early stopping's monitor and reduce-on-plateau's.
// One entry each, read by the schema (the names), the file checker (does it need a validation
// split), the training loop (which way is better) and the panel's labels.

/** An epoch's measured values (EpochRecord's). */
export interface EpochValues {
  trainLoss: number;
  trainAcc: number;
  valLoss: number | null;
  valAcc: number | null;
}

export interface MetricDef {
  label: string;
  higherIsBetter: boolean;
  /** Measured on the validation split: watching it needs data.validation > 0. */
  needsValidation: boolean;
  of(e: EpochValues): number;
}

export const METRICS = {
  valLoss: { label: 'validation loss', higherIsBetter: false, needsValidation: true, of: (e) => e.valLoss ?? NaN },
  valAcc: { label: 'validation accuracy', higherIsBetter: true, needsValidation: true, of: (e) => e.valAcc ?? NaN },
  trainLoss: { label: 'training loss', higherIsBetter: false, needsValidation: false, of: (e) => e.trainLoss },
  trainAcc: { label: 'training accuracy', higherIsBetter: true, needsValidation: false, of: (e) => e.trainAcc },
} satisfies Record<string, MetricDef>;

export type Metric = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as [Metric, ...Metric[]];

export function metricOf(name: Metric): MetricDef {
  return METRICS[name];
}
