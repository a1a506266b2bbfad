// Checks a schema cannot express because they need the data: does the loss fit the number of
// classes, does the batch fit the training split, is there a validation split to monitor, do the
// named CSV columns and boundary features exist. Each finding is placed on the field that causes it,
// in the base, the variant or the sweep value the run got it from.
import * as path from 'node:path';
import { describeData, type DataInfo } from '../data';
import { declaredSplit } from '../data/chooseSplit';
import { LogitLabError, type JsonPath } from '../errors';
import { layerSizes, parameterCount } from '../engine/shapes';
import { outputsFor } from './outputs';
import { lossOf } from '../nn/losses';
import { metricOf, type Metric } from '../nn/metrics';
import { MAX_PARAMS, MIN_TRAIN_SAMPLES } from '../limits';
import { sourcePathOf, type ExpandedRun } from './expand';
import { locatedError } from './parse';
import type { SourceText } from './positions';
import type { DataSpec, ExperimentFile, RunSpec } from './schema';
import { didYouMean } from './suggest';

export interface CheckContext {
  file: string;
  workspaceRoot: string;
  /** The file's text and parse tree, for line:column; without it diagnostics carry only JSON paths. */
  source?: SourceText;
  /** The experiment as written, before defaults (see ExpandOptions.raw). */
  raw?: unknown;
}

interface Finding {
  path: JsonPath; // RunSpec path
  message: string;
  hint?: string;
  severity: 'error' | 'warning';
}

/** Samples left for training after the validation and test splits (approximately for fractions). */
function trainCount(info: DataInfo, data: DataSpec): number {
  const split = data.split;
  if (split?.kind === 'ordered') return info.samples - split.validation - split.test;
  if (split?.kind === 'indices') return split.train?.length ?? info.samples - split.validation.length - split.test.length;
  return info.samples - Math.round(info.samples * data.validation) - Math.round(info.samples * data.test);
}

/** Whether the data has a validation (or test) split, declared or as a fraction. */
function holdsOut(data: DataSpec, part: 'validation' | 'test'): boolean {
  const split = data.split;
  if (split?.kind === 'ordered') return split[part] > 0;
  if (split?.kind === 'indices') return split[part].length > 0;
  return data[part] > 0;
}

/** A declared split must fit the data's rows; init-independent settings must agree with init. */
function setupFindings(spec: RunSpec, info: DataInfo): Finding[] {
  const out: Finding[] = [];
  if (spec.data.split) {
    try {
      declaredSplit(info.samples, spec.data.split);
    } catch (err) {
      if (!(err instanceof LogitLabError)) throw err;
      out.push({ path: err.details.jsonPath ?? ['data', 'split'], severity: 'error', message: err.message, hint: err.details.hint });
    }
  }
  if (spec.model.torchSeed !== undefined && spec.model.init !== 'torch') {
    out.push({
      path: ['model', 'torchSeed'], severity: 'error',
      message: `torchSeed draws PyTorch's nn.Linear initialisation, but init is "${spec.model.init}"`,
      hint: 'set "init": "torch" as well, or remove torchSeed',
    });
  }
  return out;
}

function classList(info: Pick<DataInfo, 'classes' | 'classNames'>): string {
  return `${info.classes} classes${info.classNames.length <= 6 ? ` (${info.classNames.join(', ')})` : ''}`;
}

/**
 * The setup errors that stop a run whatever else is right: the loss against the number of outputs
 * and classes. The same findings the file checker reports, so the engine (which checks again,
 * for callers that skip the checker) gives the same answer.
 */
export function lossErrors(spec: RunSpec, info: Pick<DataInfo, 'classes' | 'classNames'>): LogitLabError[] {
  return lossFindings(spec, info).filter((f) => f.severity === 'error').map((f) => new LogitLabError(f.message, { jsonPath: f.path, hint: f.hint }));
}

/** Input features (X₁², sin X₁, …) are of 2-D points: the data must have exactly two features. */
export function inputFeatureErrors(spec: RunSpec, features: number): LogitLabError[] {
  return inputFeatureFindings(spec, features).map((f) => new LogitLabError(f.message, { jsonPath: f.path, hint: f.hint }));
}

function inputFeatureFindings(spec: RunSpec, features: number): Finding[] {
  const inputs = spec.model.inputs;
  if (!inputs) return [];
  const out: Finding[] = [];
  if (features !== 2) {
    out.push({
      path: ['model', 'inputs'], severity: 'error',
      message: `model.inputs derives features of 2-D points (x0, x1), but this data has ${features} feature${features === 1 ? '' : 's'}`,
      hint: 'remove model.inputs, or use a 2-D dataset (moons, circles, xor, spiral, ring, clusters, blobs with 2 features)',
    });
  }
  const seen = new Set<string>();
  inputs.forEach((name, i) => {
    if (seen.has(name)) out.push({ path: ['model', 'inputs', i], severity: 'error', message: `model.inputs lists "${name}" twice`, hint: 'list each input feature once' });
    seen.add(name);
  });
  return out;
}

/** Metrics watched during training (early stopping, the plateau schedule) that need a validation split the run lacks. */
export function monitorErrors(spec: RunSpec, hasValidation: boolean): LogitLabError[] {
  return monitorFindings(spec, hasValidation).map((f) => new LogitLabError(f.message, { jsonPath: f.path, hint: f.hint }));
}

function monitorFindings(spec: RunSpec, hasValidation: boolean): Finding[] {
  const schedule = spec.optimizer.schedule;
  const watchers: [JsonPath, string, Metric | undefined][] = [
    [['training', 'earlyStopping', 'monitor'], 'early stopping', spec.training.earlyStopping?.monitor],
    [['optimizer', 'schedule', 'monitor'], 'the plateau schedule', schedule?.kind === 'plateau' ? schedule.monitor : undefined],
  ];
  return watchers.flatMap(([path, who, monitor]): Finding[] => {
    if (!monitor || hasValidation || !metricOf(monitor).needsValidation) return [];
    return [{
      path, severity: 'error',
      message: `${who} monitors ${monitor}, but data.validation is 0: there is no validation split`,
      hint: `set data.validation (e.g. 0.2), or monitor ${metricOf(monitor).higherIsBetter ? 'trainAcc' : 'trainLoss'}`,
    }];
  });
}

function lossFindings(spec: RunSpec, info: Pick<DataInfo, 'classes' | 'classNames'>): Finding[] {
  const k = info.classes;
  if (k < 2) {
    return [{ path: ['data'], severity: 'error', message: `the data has only ${k} class${k === 1 ? '' : 'es'}: a classifier needs at least two`, hint: 'check the data settings (or data.target) so that at least two classes have samples' }];
  }
  return lossOf(spec.loss).check({ classes: k, classNames: info.classNames, outputs: spec.model.outputs, classList: classList(info) });
}

function runFindings(exp: ExperimentFile, spec: RunSpec, info: DataInfo): Finding[] {
  const out: Finding[] = [...lossFindings(spec, info), ...setupFindings(spec, info)];
  const { data, training, record } = spec;

  const train = trainCount(info, data);
  if (train < MIN_TRAIN_SAMPLES || data.validation + data.test > 0.9) {
    out.push({
      path: ['data', data.test > data.validation ? 'test' : 'validation'], severity: 'error',
      message: `data.validation ${data.validation} + data.test ${data.test} hold out ${Math.round((data.validation + data.test) * 100)}% of the ${info.samples} samples, leaving about ${Math.max(0, train)} for training`,
      hint: `keep data.validation + data.test at 0.9 or less and at least ${MIN_TRAIN_SAMPLES} training samples, e.g. "validation": 0.2, "test": 0.2`,
    });
  }
  const params = parameterCount(layerSizes(spec.model.inputs?.length ?? info.features, spec.model, outputsFor(spec, info.classes)), spec.model.batchNorm);
  if (params > MAX_PARAMS) {
    out.push({
      path: ['model', 'hidden'], severity: 'error',
      message: `this model would have ${params.toLocaleString('en-US')} parameters, more than the limit of ${MAX_PARAMS.toLocaleString('en-US')}`,
      hint: 'use fewer or narrower hidden layers; the lessons need a few hundred to a few thousand parameters',
    });
  }
  for (const note of info.notes ?? []) out.push({ path: ['data'], severity: 'warning', message: note });
  if (typeof training.batchSize === 'number' && training.batchSize > train) {
    out.push({
      path: ['training', 'batchSize'], severity: 'warning',
      message: `batch size ${training.batchSize} is larger than the ${train} training samples: every batch is the whole training set`,
      hint: 'write "full" to say so, or pick a smaller batch for mini-batch training',
    });
  }

  out.push(...monitorFindings(spec, holdsOut(data, 'validation')));
  out.push(...inputFeatureFindings(spec, info.features));

  if (record.features) {
    record.features.forEach((name, i) => {
      if (!info.featureNames.includes(name)) {
        out.push({
          path: ['record', 'features', i], severity: 'error',
          message: `unknown feature "${name}"; the features are ${info.featureNames.join(', ')}`,
          hint: didYouMean(name, info.featureNames) ?? 'pick two of the features listed',
        });
      }
    });
    if (record.features[0] === record.features[1]) {
      out.push({ path: ['record', 'features', 1], severity: 'error', message: 'the two boundary features must differ', hint: `pick two different features, e.g. ${info.featureNames.slice(0, 2).map((f) => `"${f}"`).join(' and ')}` });
    }
    if (info.features <= 2) {
      out.push({
        path: ['record', 'features'], severity: 'warning',
        message: `record.features picks a 2-D slice, but this dataset has only ${info.features} feature${info.features === 1 ? '' : 's'}: the boundary already shows ${info.features === 1 ? 'it' : 'both'}`,
        hint: 'remove record.features',
      });
    }
  }
  return out;
}

/** Findings about the experiment-level `success` criterion (which is not part of a run). */
function successFindings(exp: ExperimentFile, spec: RunSpec): { path: JsonPath; message: string; hint: string }[] {
  const metric = exp.success?.metric;
  if (metric === 'valAcc' && !holdsOut(spec.data, 'validation')) {
    return [{ path: ['success', 'metric'], message: 'success is measured on valAcc, but data.validation is 0: there is no validation split', hint: 'set data.validation, or measure trainAcc' }];
  }
  if (metric === 'testAcc' && !holdsOut(spec.data, 'test')) {
    return [{ path: ['success', 'metric'], message: 'success is measured on testAcc, but data.test is 0: there is no test split', hint: 'set data.test (e.g. 0.2), or measure valAcc / trainAcc' }];
  }
  return [];
}

export function checkExperiment(exp: ExperimentFile, runs: ExpandedRun[], ctx: CheckContext): LogitLabError[] {
  const out: LogitLabError[] = [];
  const seen = new Set<string>();
  const emit = (error: LogitLabError) => {
    const key = `${error.details.severity}|${error.format()}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(error);
    }
  };
  const place = (filePath: JsonPath, finding: { message: string; hint?: string }, severity: 'error' | 'warning') => {
    emit(ctx.source
      ? locatedError(ctx.source, filePath, { message: finding.message, hint: finding.hint, target: 'value' }, severity)
      : new LogitLabError(finding.message, { jsonPath: filePath, hint: finding.hint, severity }));
  };

  const dataCtx = { baseDir: path.dirname(path.resolve(ctx.file)), workspaceRoot: ctx.workspaceRoot, file: ctx.file };
  const infos = new Map<string, DataInfo | LogitLabError>();
  for (const run of runs) {
    const where = (p: JsonPath) => sourcePathOf(exp, ctx.raw, run, p);
    const dataKey = JSON.stringify(run.spec.data);
    if (!infos.has(dataKey)) {
      try {
        infos.set(dataKey, describeData(run.spec.data, dataCtx));
      } catch (err) {
        infos.set(dataKey, err instanceof LogitLabError ? err : new LogitLabError(`cannot read the data: ${err instanceof Error ? err.message : String(err)}`, { jsonPath: ['data'], hint: 'check data.path and the file it names' }));
      }
    }
    const info = infos.get(dataKey)!;
    if (info instanceof LogitLabError) {
      place(where(info.details.jsonPath ?? ['data']), { message: info.message, hint: info.details.hint }, 'error');
      continue;
    }
    for (const f of runFindings(exp, run.spec, info)) place(where(f.path), f, f.severity);
    if (run.kind === 'model') for (const f of successFindings(exp, run.spec)) place(f.path, f, 'error');
  }
  return out;
}
