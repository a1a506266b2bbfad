// One experiment file → the list of runs to train. Variants are named deep-merged overrides of the
// base; the sweep is a grid product of dotted paths applied on top of every variant (variants ×
// sweep, the sweep winning where both set a field). Every run is validated again as a RunSpec, and a
// failure is blamed on the sweep value or variant field that introduced it.
import { LogitLabError, type JsonPath } from '../errors';
import { throwIfErrors } from './experiment-error';
import { fieldPaths, knownKeys } from './introspect';
import { describeIssue, type Problem } from './issues';
import type { SourceText } from './positions';
import { locatedError } from './parse';
import { DataSpec, RunSpec, type ExperimentFile } from './schema';
import { didYouMean } from './suggest';

/** Where a run's settings came from, so later diagnostics (semantic checks) can be placed. */
export interface RunOrigin {
  /** Index into `variants`. */
  variant?: number;
  /** Sweep key → index of the value this run uses. */
  sweep: Record<string, number>;
}

export interface ExpandedRun {
  /** Directory-safe, unique within the experiment. */
  id: string;
  /** Readable: `moons-mlp lr=0.1 seed=0`, `capstone/good seed=3`, `moons-mlp seed=0 (logistic)`. */
  name: string;
  /** The run's configuration without its seed: seed studies aggregate per group. */
  group: string;
  kind: 'model' | 'baseline';
  spec: RunSpec;
  /** Dotted path → value, for every field a variant, the sweep or the baseline set. */
  overrides: Record<string, unknown>;
  origin?: RunOrigin;
}

export interface ExpandOptions {
  /** The experiment's text, so errors get file:line:col. */
  source?: SourceText;
  /** The value as written (before defaults). Merging onto it lets a variant's `data.kind` change pick up that kind's own defaults. */
  raw?: unknown;
}

/** More runs than this is almost certainly a sweep typo, and would take hours. */
export const MAX_RUNS = 1000;

const SWEEPABLE = fieldPaths(RunSpec).filter((p) => p !== 'name');
const RUN_KEYS = Object.keys(RunSpec.shape);

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Objects merge, everything else (arrays included) replaces. Changing `data.kind` keeps only the
 * base's data fields the new kind understands: a moons `noise` must not leak into blobs.
 */
export function deepMerge(base: unknown, over: unknown, path: string[] = []): unknown {
  if (!isObject(base) || !isObject(over)) return structuredClone(over);
  let start = base;
  if (path.length === 1 && path[0] === 'data' && over.kind !== undefined && over.kind !== base.kind) {
    const keep = new Set(knownKeys(DataSpec, { kind: over.kind }));
    start = Object.fromEntries(Object.entries(base).filter(([k]) => keep.has(k)));
  }
  const out: Obj = { ...start };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(start[k], v, [...path, k]);
  return out;
}

/** `optimizer.lr`, 0.1 → { optimizer: { lr: 0.1 } } */
function nest(segments: string[], value: unknown): unknown {
  return segments.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

function flatten(value: unknown, prefix: string, out: Obj): Obj {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = value;
  }
  return out;
}

/** How many leading segments of `path` exist inside `value`. */
function coveredDepth(value: unknown, path: JsonPath): number {
  let v = value;
  let depth = 0;
  for (const seg of path) {
    if ((!isObject(v) && !Array.isArray(v)) || !(seg in v)) break;
    v = (v as Record<string | number, unknown>)[seg];
    depth++;
  }
  return depth;
}

export function formatSweepValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A name that works as a directory on every OS: `capstone/good seed=3` → `capstone.good_seed-3`. */
export function slugify(name: string): string {
  const slug = name
    .replace(/[()[\]{}"']/g, '')
    .replace(/\//g, '.')
    .replace(/\s+/g, '_')
    .replace(/=/g, '-')
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 96);
  return slug || 'run';
}

interface SweepAxis {
  key: string;
  segments: string[];
  label: string;
  values: unknown[];
}

interface SweepChoice {
  axis: SweepAxis;
  index: number;
}

function product(axes: SweepAxis[]): SweepChoice[][] {
  return axes.reduce<SweepChoice[][]>(
    (combos, axis) => combos.flatMap((combo) => axis.values.map((_, index) => [...combo, { axis, index }])),
    [[]],
  );
}

const isSeedAxis = (key: string) => key === 'seed';
const isDataAxis = (key: string) => key === 'data' || key.startsWith('data.');

type Report = (path: JsonPath, problem: Pick<Problem, 'message' | 'hint' | 'target'>) => void;

/** The sweep's axes, in the order written (the first key varies slowest); each key must be a run field. */
function sweepAxes(exp: ExperimentFile, report: Report): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const [key, values] of Object.entries(exp.sweep ?? {})) {
    if (key === 'name') {
      report(['sweep', key], { target: 'key', message: 'the run name cannot be swept: each run is named after its variant and sweep values', hint: 'remove "name" from the sweep; use variants for named runs' });
    } else if (!SWEEPABLE.includes(key)) {
      report(['sweep', key], {
        target: 'key',
        message: `\`${key}\` is not a field of a run`,
        hint: didYouMean(key, SWEEPABLE) ?? 'sweep keys are dotted paths such as `optimizer.lr`, `model.hidden`, `data.noise` or `seed`',
      });
    }
    axes.push({ key, segments: key.split('.'), label: key.split('.').pop()!, values });
  }
  // Labels are the last segment (`lr=0.1`) unless two keys end alike (`data.seed` and `seed`).
  for (const axis of axes) {
    if (axes.some((other) => other !== axis && other.label === axis.label)) axis.label = axis.key;
  }
  return axes;
}

function checkVariantNames(variants: { name: string }[], report: Report): void {
  const seen = new Set<string>();
  variants.forEach((variant, i) => {
    if (seen.has(variant.name)) {
      report(['variants', i, 'name'], { target: 'value', message: `duplicate variant name "${variant.name}"`, hint: 'variant names name the runs; make each one unique' });
    }
    seen.add(variant.name);
  });
}

function checkGridSize(variantCount: number, axes: SweepAxis[], report: Report): void {
  const count = Math.max(1, variantCount) * axes.reduce((n, axis) => n * axis.values.length, 1);
  if (count <= MAX_RUNS) return;
  const factors = [variantCount ? `${variantCount} variants` : '', ...axes.map((a) => `${a.values.length} ${a.label}`)].filter(Boolean).join(' × ');
  report(axes.length ? ['sweep'] : ['variants'], {
    target: 'key',
    message: `this experiment expands to ${count} runs (${factors}), more than the limit of ${MAX_RUNS}`,
    hint: 'sweep fewer values, or split the study into several experiment files',
  });
}

const choiceLabel = ({ axis, index }: SweepChoice) => `${axis.label}=${formatSweepValue(axis.values[index])}`;

export function tryExpandRuns(exp: ExperimentFile, options: ExpandOptions = {}): { runs: ExpandedRun[]; errors: LogitLabError[] } {
  const { source } = options;
  const errors: LogitLabError[] = [];
  const report: Report = (path, problem) => {
    const error = source
      ? locatedError(source, path, problem)
      : new LogitLabError(problem.message, { jsonPath: path, hint: problem.hint, severity: 'error' });
    if (!errors.some((e) => e.format() === error.format())) errors.push(error);
  };

  const base = baseOf(exp, options.raw);
  const baseName = exp.name;

  const axes = sweepAxes(exp, report);
  const variants = exp.variants ?? [];
  // The run limit first: past it, nothing else about the variants is worth checking.
  checkGridSize(variants.length, axes, report);
  if (errors.length) return { runs: [], errors };
  checkVariantNames(variants, report);
  if (errors.length) return { runs: [], errors };

  interface Planned { run: ExpandedRun; variantOverride?: Obj; choices: SweepChoice[] }
  const planned: Planned[] = [];
  const variantSlots: ({ index: number; override: Obj; name: string } | undefined)[] =
    variants.length ? variants.map((v, index) => {
      const { name, ...override } = v;
      return { index, override, name };
    }) : [undefined];

  for (const variant of variantSlots) {
    const withVariant = variant ? deepMerge(base, variant.override) as Obj : base;
    for (const choices of product(axes)) {
      let merged: Obj = withVariant;
      for (const { axis, index } of choices) merged = deepMerge(merged, nest(axis.segments, axis.values[index])) as Obj;
      const head = variant ? `${baseName}/${variant.name}` : baseName;
      const name = [head, ...choices.map(choiceLabel)].join(' ');
      const group = [head, ...choices.filter((c) => !isSeedAxis(c.axis.key)).map(choiceLabel)].join(' ');
      merged = { ...merged, name };

      const parsed = RunSpec.safeParse(merged);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          for (const problem of describeIssue(issue, RunSpec, merged)) {
            report(blame(problem.path, base, variant, choices), problem);
          }
        }
        continue;
      }
      const overrides: Obj = variant ? flatten(variant.override, '', {}) : {};
      for (const { axis, index } of choices) overrides[axis.key] = axis.values[index];
      const origin: RunOrigin = { variant: variant?.index, sweep: Object.fromEntries(choices.map((c) => [c.axis.key, c.index])) };
      planned.push({ run: { id: '', name, group, kind: 'model', spec: parsed.data, overrides, origin }, variantOverride: variant?.override, choices });
    }
  }
  if (errors.length) return { runs: [], errors };

  const runs = planned.map((p) => p.run);
  if (exp.baseline === 'logistic') runs.push(...baselines(planned, base, baseName));
  assignIds(runs);
  return { runs, errors };
}

/** The run fields of the experiment as written (or as parsed, when the raw value is not at hand). */
function baseOf(exp: ExperimentFile, raw: unknown): Obj {
  const written = isObject(raw) ? raw : (exp as unknown as Obj);
  return Object.fromEntries(RUN_KEYS.filter((k) => k in written).map((k) => [k, written[k]]));
}

/**
 * Where in the experiment file a setting of an expanded run was written: `path` is a RunSpec path
 * (e.g. ['training', 'batchSize']), the result a path in the file (e.g. ['variants', 1, 'training',
 * 'batchSize'] or ['sweep', 'training.batchSize', 2]).
 */
export function sourcePathOf(exp: ExperimentFile, raw: unknown, run: ExpandedRun, path: JsonPath): JsonPath {
  const origin = run.origin;
  if (!origin) return path;
  const v = origin.variant !== undefined ? exp.variants?.[origin.variant] : undefined;
  let variant: { index: number; override: Obj } | undefined;
  if (v && origin.variant !== undefined) {
    const { name: _name, ...override } = v;
    variant = { index: origin.variant, override };
  }
  const choices = Object.entries(origin.sweep).map(([key, index]) => ({ axis: { key, segments: key.split('.'), values: exp.sweep?.[key] ?? [] }, index }));
  return blame(path, baseOf(exp, raw), variant, choices);
}

/**
 * The file path responsible for a problem at `path` of a merged run: whichever of base, variant and
 * sweep values wrote most of that path, the later-applied one winning ties (it overwrote the others).
 */
function blame(path: JsonPath, base: Obj, variant: { index: number; override: Obj } | undefined, choices: { axis: { key: string; segments: string[]; values: unknown[] }; index: number }[]): JsonPath {
  let best: JsonPath = path;
  let bestDepth = coveredDepth(base, path);
  if (variant) {
    const depth = coveredDepth(variant.override, path);
    if (depth > 0 && depth >= bestDepth) {
      best = ['variants', variant.index, ...path];
      bestDepth = depth;
    }
  }
  for (const { axis, index } of choices) {
    const depth = coveredDepth(nest(axis.segments, axis.values[index]), path);
    if (depth > 0 && depth >= bestDepth) {
      best = depth >= axis.segments.length ? ['sweep', axis.key, index, ...path.slice(axis.segments.length)] : ['sweep', axis.key, index];
      bestDepth = depth;
    }
  }
  return best;
}

/** Canonical JSON (sorted keys), so equal data specs compare equal whatever order they were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

/**
 * One logistic regression per distinct (data, seed). It takes everything else from the base
 * experiment, not from a variant or a swept value, so it is the same yardstick for every run;
 * only the loss (and outputs) follow the run, because they must fit the run's data.
 */
function baselines(planned: { run: ExpandedRun; variantOverride?: Obj; choices: SweepChoice[] }[], base: Obj, baseName: string): ExpandedRun[] {
  const out: ExpandedRun[] = [];
  const seen = new Set<string>();
  for (const { run, variantOverride, choices } of planned) {
    const key = canonical({ data: run.spec.data, seed: run.spec.seed });
    if (seen.has(key)) continue;
    seen.add(key);
    // Named only by what it depends on: the data and the seed.
    const variantMatters = variantOverride !== undefined && ('data' in variantOverride || 'seed' in variantOverride);
    const head = variantMatters ? run.name.split(' ')[0] : baseName;
    const relevant = choices.filter((c) => isSeedAxis(c.axis.key) || isDataAxis(c.axis.key));
    let name = [head, ...relevant.map(choiceLabel)].join(' ') + ' (logistic)';
    if (out.some((b) => b.name === name)) name = `${run.name} (logistic)`;
    const group = [head, ...relevant.filter((c) => !isSeedAxis(c.axis.key)).map(choiceLabel)].join(' ') + ' (logistic)';
    const yardstick = RunSpec.parse({ ...base, name });
    const spec: RunSpec = {
      ...yardstick,
      seed: run.spec.seed,
      data: run.spec.data,
      loss: run.spec.loss,
      model: { ...yardstick.model, hidden: [], dropout: 0, outputs: run.spec.model.outputs },
    };
    if (spec.model.outputs === undefined) delete spec.model.outputs;
    const overrides: Obj = Object.fromEntries(Object.entries(run.overrides).filter(([k]) => isSeedAxis(k) || isDataAxis(k) || k === 'loss'));
    overrides['model.hidden'] = [];
    const origin: RunOrigin = {
      variant: variantMatters ? run.origin?.variant : undefined,
      sweep: Object.fromEntries(relevant.map((c) => [c.axis.key, c.index])),
    };
    out.push({ id: '', name, group, kind: 'baseline', spec, overrides, origin });
  }
  return out;
}

function assignIds(runs: ExpandedRun[]): void {
  const taken = new Set<string>();
  for (const run of runs) {
    const stem = slugify(run.name);
    let id = stem;
    for (let n = 2; taken.has(id.toLowerCase()); n++) id = `${stem}-${n}`;
    taken.add(id.toLowerCase());
    run.id = id;
  }
}

/** The runs of an experiment; throws an ExperimentError listing every expansion problem. */
export function expandRuns(exp: ExperimentFile, options: ExpandOptions = {}): ExpandedRun[] {
  const { runs, errors } = tryExpandRuns(exp, options);
  throwIfErrors(errors);
  return runs;
}
