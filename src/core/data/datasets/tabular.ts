// The tabular lesson: standard-normal features and a known logit rule with linear, interaction and
// squared terms plus noise, so a learner's mistakes can be compared against the truth. Two classes
// split the noisy logit at 0; more cut it at its quantiles into ordered bands (a multi-class target
// whose classes still follow the known rule).
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, coordinate, NOISE_LIMIT, samples } from '../specFields';
import { BINARY, PointSet } from '../builder';
import { frameFromRaw } from '../frame';
import type { Rng } from '../../rng';
import { LogitLabError } from '../../errors';
import { dataRng } from '../seeds';
import { refuseHugeTable } from '../tableSize';

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
  classes: z.number().int().min(2).max(12).default(2)
    .describe('2: class 1 where the noisy logit is positive; k > 2: the noisy logit cut at its k-quantiles into ordered classes of equal size.'),
  ...commonFields,
}).strict();

type Rule = z.output<typeof TabularData>['rule'];

const featureNames = (d: number) => Array.from({ length: d }, (_, j) => `x${j}`);
const classNames = (k: number) => (k === 2 ? BINARY : Array.from({ length: k }, (_, i) => String(i)));

/** The rule as index-based terms, rejecting features the table does not have. */
export function compileRule(rule: Rule, features: number) {
  const index = (name: string, jsonPath: (string | number)[]) => {
    const j = Number(name.slice(1));
    if (j >= features) {
      throw new LogitLabError(`the rule uses ${name} but the table has only ${features} features (x0..x${features - 1})`, {
        jsonPath,
        hint: `raise data.features to at least ${j + 1} or drop ${name} from the rule.`,
      });
    }
    return j;
  };
  return {
    bias: rule.bias,
    noise: rule.noise,
    linear: Object.entries(rule.linear).map(([name, w]) => [index(name, ['data', 'rule', 'linear', name]), w] as const),
    product: rule.product.map(([a, b, w], i) =>
      [index(a, ['data', 'rule', 'product', i, 0]), index(b, ['data', 'rule', 'product', i, 1]), w] as const),
    square: Object.entries(rule.square).map(([name, w]) => [index(name, ['data', 'rule', 'square', name]), w] as const),
  };
}

/** The rule's logit without its noise term. */
export function ruleLogit(rule: ReturnType<typeof compileRule>, x: ArrayLike<number>): number {
  let logit = rule.bias;
  for (const [j, w] of rule.linear) logit += w * x[j];
  for (const [a, b, w] of rule.product) logit += w * x[a] * x[b];
  for (const [j, w] of rule.square) logit += w * x[j] * x[j];
  return logit;
}

/**
 * Class of each score: k equal-sized ordered bands, cut at the scores' k-quantiles (sorted[⌊i·n/k⌋]);
 * equal scores fall in the same band.
 */
export function quantileClasses(scores: readonly number[], classes: number): number[] {
  const sorted = Float64Array.from(scores).sort();
  const cuts = Array.from({ length: classes - 1 }, (_, i) => sorted[Math.floor(((i + 1) * scores.length) / classes)]);
  return scores.map((score) => cuts.filter((cut) => score >= cut).length);
}

export function makeTabular(spec: z.output<typeof TabularData>, rng: Rng) {
  refuseHugeTable(spec.samples, spec.features);
  const rule = compileRule(spec.rule, spec.features);
  const rows: number[][] = [];
  const scores: number[] = [];
  for (let i = 0; i < spec.samples; i++) {
    // Rounded to float32 first so the label follows the rule exactly on the values the model sees.
    const x = Array.from({ length: spec.features }, () => Math.fround(rng.normal()));
    rows.push(x);
    scores.push(ruleLogit(rule, x) + rule.noise * rng.normal());
  }
  const labels = spec.classes === 2 ? scores.map((score) => (score > 0 ? 1 : 0)) : quantileClasses(scores, spec.classes);
  const points = new PointSet(featureNames(spec.features), classNames(spec.classes));
  rows.forEach((x, i) => points.add(x, labels[i]));
  return points.build();
}

export const tabular = defineDataset({
  schema: TabularData,
  describe: 'Standard-normal features labelled by a known logit rule (linear, product and square terms plus noise); 2 classes or k quantile bands.',
  load: (spec) => frameFromRaw(makeTabular(spec, dataRng(spec.seed)), false),
  facts: (spec) => {
    refuseHugeTable(spec.samples, spec.features);
    compileRule(spec.rule, spec.features);
    return { samples: spec.samples, classNames: classNames(spec.classes), featureNames: featureNames(spec.features) };
  },
});
