// The Explore tab's two forms. "Settings" are the TensorFlow Playground knobs: each change becomes an
// `explore` message, which the host writes into the experiment file (an undoable edit) and retrains —
// the file stays the truth, so the controls are always initialised from the run's resolved config.
// "Try a sample" asks a saved model for the class probabilities of one row typed in by hand.
import type { RunRecord } from '../src/core/engine/types';
import { ACTIVATION_NAMES } from '../src/core/nn/activations';
import { OPTIMIZER_NAMES } from '../src/core/nn/optimizers';
import { INPUT_FEATURE_NAMES } from '../src/core/nn/features';
import { PENALTY_NAMES } from '../src/core/nn/penalties';
import type { FromWebview, PredictionResultMsg } from '../src/protocol';
import { h } from './dom';
import { classColor } from './render/palette';

export interface ExploreHost {
  /** Null in the self-contained HTML report: nothing to post to, so the forms are read-only. */
  post: ((msg: FromWebview) => void) | null;
}

export const LEARNING_RATES = [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001];
/** TensorFlow Playground's regularization rates. */
export const PENALTY_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
// Every activation the engine knows, in its registry's order.
export const ACTIVATIONS = ACTIVATION_NAMES;

type Parsed = { value: unknown } | { error: string };

/** "16, 16" → [16, 16]; empty → [] (logistic regression). Widths as the schema allows: integers 1–4096. */
export function parseHidden(text: string): Parsed {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  const bad = parts.find((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 4096);
  if (bad !== undefined) return { error: `"${bad}" is not a layer width: use whole numbers from 1 to 4096, separated by commas (empty = logistic regression).` };
  return { value: parts.map(Number) };
}

function parseNumber(text: string, { int = false, min = -Infinity, max = Infinity, maxExclusive = false, what }: { int?: boolean; min?: number; max?: number; maxExclusive?: boolean; what: string }): Parsed {
  const t = text.trim();
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) return { error: `${what} must be a number.` };
  if (int && !Number.isInteger(v)) return { error: `${what} must be a whole number.` };
  if (v < min || (maxExclusive ? v >= max : v > max)) return { error: `${what} must be ${maxExclusive ? `at least ${min} and below ${max}` : max === Infinity ? `at least ${min}` : `between ${min} and ${max}`}.` };
  return { value: v };
}

interface Knob {
  path: string;
  label: string;
  control: HTMLInputElement | HTMLSelectElement | HTMLFieldSetElement;
  initial: unknown;
  parse(text: string): Parsed;
  help?: string;
  /** The control's value as text for parse (default: its value). */
  read?(): string;
}

function knobs(run: RunRecord): Knob[] {
  const c = run.config;
  const id = (path: string) => `explore-${path.replace(/\./g, '-')}`;
  const text = (path: string, value: string, extra: Record<string, string | number> = {}) => h('input', { id: id(path), type: 'text', value, spellcheck: 'false', autocomplete: 'off', ...extra });
  const num = (path: string, value: number, step: string, min: number) => h('input', { id: id(path), type: 'number', value, step, min });
  const select = (path: string, options: (string | number)[], current: string | number) => {
    const s = h('select', { id: id(path) });
    for (const o of options) s.append(h('option', { value: String(o), selected: String(o) === String(current) }, String(o)));
    return s;
  };
  // A learning rate off the ladder (e.g. 0.05 typed into the file) stays selectable as it is.
  const lrs = LEARNING_RATES.includes(c.optimizer.lr) ? LEARNING_RATES : [...LEARNING_RATES, c.optimizer.lr].sort((a, b) => b - a);
  const list: Knob[] = [
    { path: 'model.hidden', label: 'Hidden layers', control: text('model.hidden', c.model.hidden.join(', '), { placeholder: 'e.g. 16, 16', inputmode: 'numeric' }), initial: c.model.hidden, parse: parseHidden, help: 'Widths separated by commas; empty = logistic regression.' },
    { path: 'model.activation', label: 'Activation', control: select('model.activation', [...ACTIVATIONS], c.model.activation), initial: c.model.activation, parse: (t) => ({ value: t }) },
    { path: 'optimizer.kind', label: 'Optimizer', control: select('optimizer.kind', [...OPTIMIZER_NAMES], c.optimizer.kind), initial: c.optimizer.kind, parse: (t) => ({ value: t }) },
    { path: 'optimizer.lr', label: 'Learning rate', control: select('optimizer.lr', lrs, c.optimizer.lr), initial: c.optimizer.lr, parse: (t) => ({ value: Number(t) }) },
    { path: 'training.epochs', label: 'Epochs', control: num('training.epochs', c.training.epochs, '1', 1), initial: c.training.epochs, parse: (t) => parseNumber(t, { int: true, min: 1, max: 1_000_000, what: 'Epochs' }) },
    { path: 'seed', label: 'Seed', control: num('seed', c.seed, '1', 0), initial: c.seed, parse: (t) => parseNumber(t, { int: true, min: 0, what: 'The seed' }) },
  ];
  const data = c.data as { noise?: unknown; kind: string };
  if (typeof data.noise === 'number') {
    // xor and spiral take noise as a fraction; moons and circles as a standard deviation.
    const max = data.kind === 'xor' || data.kind === 'spiral' ? 1 : Infinity;
    list.push({ path: 'data.noise', label: 'Data noise', control: num('data.noise', data.noise, '0.05', 0), initial: data.noise, parse: (t) => parseNumber(t, { min: 0, max, what: 'Noise' }) });
  }
  // TensorFlow Playground's feature checkboxes, for 2-D data: what the first layer reads of each point.
  if (run.featureNames.length === 2) {
    const chosen: string[] = c.model.inputs ?? ['x0', 'x1'];
    const box = h('fieldset', { id: id('model.inputs'), class: 'll-features', 'aria-label': 'Input features' },
      ...INPUT_FEATURE_NAMES.map((name) => h('label', { class: 'll-feature' }, h('input', { type: 'checkbox', value: name, checked: chosen.includes(name) }), ` ${name}`)));
    list.push({
      path: 'model.inputs', label: 'Input features', control: box, initial: chosen,
      read: () => Array.from(box.querySelectorAll<HTMLInputElement>('input:checked'), (i) => i.value).join(','),
      parse: (t) => (t ? { value: t.split(',') } : { error: 'Pick at least one input feature.' }),
      help: 'x0² and x1² let even logistic regression draw a circle.',
    });
  }
  // Playground's regularization and its rate in one list: none, or L1/L2 at a rate (model.penalty).
  const penalty = c.model.penalty ? `${c.model.penalty.kind} ${c.model.penalty.rate}` : 'none';
  const penalties = ['none', ...PENALTY_NAMES.flatMap((kind) => PENALTY_RATES.map((rate) => `${kind} ${rate}`))];
  list.push({
    path: 'model.penalty', label: 'Regularization', control: select('model.penalty', penalties.includes(penalty) ? penalties : [...penalties, penalty], penalty),
    initial: c.model.penalty ?? null,
    parse: (t) => {
      if (t === 'none') return { value: null };
      const [kind, rate] = t.split(' ');
      return { value: { kind, rate: Number(rate) } };
    },
    help: 'A penalty on the weights added to the loss: L1 drives weights to exactly 0, L2 shrinks them.',
  });
  list.push(
    {
      path: 'model.batchNorm', label: 'Batch norm', control: select('model.batchNorm', ['off', 'on'], c.model.batchNorm ? 'on' : 'off'), initial: c.model.batchNorm ?? false,
      parse: (t) => ({ value: t === 'on' }), help: 'BatchNorm1d after each hidden layer, before its activation.',
    },
    { path: 'model.dropout', label: 'Dropout', control: num('model.dropout', c.model.dropout, '0.05', 0), initial: c.model.dropout, parse: (t) => parseNumber(t, { min: 0, max: 1, maxExclusive: true, what: 'Dropout' }) },
    { path: 'optimizer.weightDecay', label: 'Weight decay', control: num('optimizer.weightDecay', c.optimizer.weightDecay, '0.0001', 0), initial: c.optimizer.weightDecay, parse: (t) => parseNumber(t, { min: 0, what: 'Weight decay' }) },
  );
  return list;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The settings form of one run. */
export function settingsSection(run: RunRecord, host: ExploreHost): HTMLElement {
  const status = h('p', { class: 'll-explore-status', 'aria-live': 'polite' });
  const grid = h('div', { class: 'll-form' });
  for (const k of knobs(run)) {
    const errId = `${k.control.id}-error`;
    const helpId = `${k.control.id}-help`;
    const err = h('span', { class: 'll-field-error', id: errId, role: 'alert' });
    k.control.setAttribute('aria-describedby', k.help ? `${helpId} ${errId}` : errId);
    k.control.dataset.path = k.path;
    if (!host.post) k.control.disabled = true;
    let sent = k.initial;
    k.control.addEventListener('change', () => {
      const r = k.parse(k.read ? k.read() : (k.control as HTMLInputElement).value);
      if ('error' in r) {
        err.textContent = r.error;
        k.control.setAttribute('aria-invalid', 'true');
        return;
      }
      err.textContent = '';
      k.control.removeAttribute('aria-invalid');
      if (same(r.value, sent) || !host.post) return;
      sent = r.value;
      host.post({ type: 'explore', path: k.path, value: r.value });
      status.textContent = `${k.label} → ${JSON.stringify(r.value)} written to the experiment file; retraining…`;
    });
    grid.append(
      h('label', { for: k.control.id }, k.label),
      h('div', { class: 'll-field' }, k.control, k.help ? h('span', { class: 'll-muted ll-help', id: helpId }, k.help) : '', err),
    );
  }
  const hint = host.post
    ? h('p', { class: 'll-muted ll-hint' }, 'Each change is written into the experiment file as an undoable edit and the run retrains at once: the file stays the truth.')
    : h('p', { class: 'll-hint ll-report-hint' }, 'Read-only in a report: open in VS Code to explore.');
  const baseline = run.kind === 'baseline' ? h('p', { class: 'll-muted ll-hint' }, 'This is the baseline run: edits change the experiment\'s main settings.') : '';
  return h('section', { class: 'll-explore', 'aria-labelledby': 'explore-settings-title' }, h('h3', { id: 'explore-settings-title' }, 'Settings'), hint, baseline, grid, status);
}

// ---- try a sample ---------------------------------------------------------------------------
interface SampleState { draft: Record<string, string>; trainedAt?: string; latest?: number; result?: PredictionResultMsg; input?: Record<string, string | number> }
/** Per saved model, so typed values and the last answer survive the view being rebuilt (a retrain). */
const samples = new Map<string, SampleState>();
let nextRequestId = 1;
let shown: { modelDir: string; classNames: string[]; out: HTMLElement } | undefined;

const OTHER = '\u0000other';

/**
 * What the hint under a numeric field says about the training data. A standardised column has its
 * fitted mean and sd; a raw one (generated data: the encoding is the identity, mean 0 sd 1) is
 * described from the training points when it is on the plotted slice, else not at all.
 */
function columnStats(run: RunRecord, enc: { name: string; mean: number; std: number }): { mean: number; text: string } | undefined {
  const fmt = (v: number, d = 4) => String(Number(v.toPrecision(d)));
  if (!(enc.mean === 0 && enc.std === 1)) return { mean: enc.mean, text: `training mean ${fmt(enc.mean)}, sd ${fmt(enc.std, 3)}` };
  const f = run.featureNames.indexOf(enc.name);
  const axis = run.grid && f >= 0 ? (run.grid.features[0] === f ? 'x' : run.grid.features[1] === f ? 'y' : undefined) : undefined;
  const values = axis && run.points ? run.points.train[axis] : undefined;
  if (!values?.length) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, text: `training mean ${fmt(mean)}, sd ${fmt(sd, 3)}, range ${fmt(Math.min(...values), 3)} to ${fmt(Math.max(...values), 3)}` };
}

/** True when the run has a saved model and the fitted preprocessing a form can be built from. */
export const canTrySample = (run: RunRecord) => !!run.modelDir && !!run.preprocessing && run.preprocessing.inputColumns.length > 0;

export function sampleSection(run: RunRecord, host: ExploreHost): HTMLElement {
  const pre = run.preprocessing!;
  const modelDir = run.modelDir!;
  const state = samples.get(modelDir) ?? { draft: {} };
  samples.set(modelDir, state);
  // A retrain saves a new model in the same place: an answer from the old one no longer applies.
  if (state.trainedAt !== run.startedAt) Object.assign(state, { trainedAt: run.startedAt, latest: undefined, result: undefined, input: undefined });
  const form = h('form', { class: 'll-form ll-sample-form', novalidate: true, 'aria-label': 'Sample input' });
  const readers: (() => { column: string; value?: string | number; error?: string; field: HTMLElement; err: HTMLElement })[] = [];
  for (const column of pre.inputColumns) {
    const id = `sample-${column.replace(/[^\w-]/g, '_')}`;
    const err = h('span', { class: 'll-field-error', id: `${id}-error`, role: 'alert' });
    const numeric = pre.features.find((f) => f.kind === 'numeric' && f.column === column);
    const cats = [...new Set(pre.features.flatMap((f) => (f.column !== column ? [] : f.kind === 'one-hot' ? [f.category] : f.kind === 'unknown-category' ? f.known : [])))];
    const imputed = pre.imputed?.[column];
    if (cats.length) {
      const draft = state.draft[column] ?? (typeof imputed === 'string' ? imputed : cats[0]);
      const sel = h('select', { id, 'data-column': column, 'aria-describedby': `${id}-error` });
      for (const c of cats) sel.append(h('option', { value: c, selected: c === draft }, c));
      sel.append(h('option', { value: OTHER, selected: !cats.includes(draft) }, 'other (not seen in training)…'));
      const free = h('input', { type: 'text', id: `${id}-other`, 'data-column-other': column, 'aria-label': `${column}: a value not seen in training`, placeholder: 'unseen value', value: cats.includes(draft) ? '' : draft });
      free.hidden = cats.includes(draft);
      sel.addEventListener('change', () => {
        free.hidden = sel.value !== OTHER;
        if (!free.hidden) free.focus();
        state.draft[column] = sel.value === OTHER ? free.value : sel.value;
      });
      free.addEventListener('input', () => { state.draft[column] = free.value; });
      const field = h('div', { class: 'll-field' }, sel, free, err);
      form.append(h('label', { for: id }, column), field);
      readers.push(() => {
        const v = sel.value === OTHER ? free.value.trim() : sel.value;
        return v === '' ? { column, error: `Type a value for ${column}.`, field: free, err } : { column, value: v, field: sel, err };
      });
    } else {
      const stats = numeric?.kind === 'numeric' ? columnStats(run, numeric) : undefined;
      const prefill = stats ? String(Number(stats.mean.toPrecision(4))) : typeof imputed === 'number' ? String(imputed) : '';
      const input = h('input', { id, type: numeric ? 'number' : 'text', step: numeric ? 'any' : undefined, 'data-column': column, value: state.draft[column] ?? prefill, 'aria-describedby': `${id}-error ${id}-help` });
      input.addEventListener('input', () => { state.draft[column] = input.value; });
      const help = stats ? h('span', { class: 'll-muted ll-help', id: `${id}-help` }, stats.text) : '';
      form.append(h('label', { for: id }, column), h('div', { class: 'll-field' }, input, help, err));
      readers.push(() => {
        if (!numeric) return input.value.trim() === '' ? { column, error: `Type a value for ${column}.`, field: input, err } : { column, value: input.value.trim(), field: input, err };
        const v = Number(input.value);
        return input.value.trim() === '' || !Number.isFinite(v) ? { column, error: `${column} must be a number.`, field: input, err } : { column, value: v, field: input, err };
      });
    }
  }
  const predict = h('button', { type: 'submit', class: 'll-predict' }, 'Predict');
  const out = h('div', { class: 'll-prediction', 'aria-live': 'polite' });
  if (!host.post) for (const el of Array.from(form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select'))) el.disabled = true;
  predict.disabled = !host.post;
  form.append(h('span', {}), h('div', { class: 'll-field' }, predict));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!host.post) return;
    const input: Record<string, string | number> = {};
    let firstBad: HTMLElement | undefined;
    for (const read of readers) {
      const r = read();
      r.err.textContent = r.error ?? '';
      if (r.error !== undefined) { r.field.setAttribute('aria-invalid', 'true'); firstBad ??= r.field; } else { r.field.removeAttribute('aria-invalid'); input[r.column] = r.value!; }
    }
    if (firstBad) {
      // An answer for other values must not stand beside the error as if it were this row's.
      state.latest = undefined;
      state.result = undefined;
      drawResult(out, state, run.classNames);
      firstBad.focus();
      return;
    }
    const requestId = nextRequestId++;
    state.latest = requestId;
    state.result = undefined;
    state.input = input;
    host.post({ type: 'predict', requestId, modelDir, input });
    drawResult(out, state, run.classNames);
  });
  shown = { modelDir, classNames: run.classNames, out };
  drawResult(out, state, run.classNames);
  const hint = host.post
    ? h('p', { class: 'll-muted ll-hint' }, 'Type one row as in the training data; the saved model answers with its class probabilities.')
    : h('p', { class: 'll-hint ll-report-hint' }, 'Read-only in a report: open in VS Code to explore.');
  return h('section', { class: 'll-sample', 'aria-labelledby': 'sample-title' }, h('h3', { id: 'sample-title' }, 'Try a sample'), hint, form, out);
}

/** A `prediction` reply: kept if it answers the latest request for its model, drawn if that form is shown. */
export function receivePrediction(msg: PredictionResultMsg): boolean {
  for (const [modelDir, state] of samples) {
    if (state.latest !== msg.requestId) continue;
    state.result = msg;
    if (shown?.modelDir === modelDir && shown.out.isConnected) drawResult(shown.out, state, shown.classNames);
    return true;
  }
  return false;
}

function drawResult(out: HTMLElement, state: SampleState, classNames: string[]): void {
  const r = state.result;
  if (state.latest === undefined) { out.replaceChildren(); return; }
  if (!r) { out.replaceChildren(h('p', { class: 'll-muted' }, 'Predicting…')); return; }
  if (r.error !== undefined || !r.probs) { out.replaceChildren(h('p', { class: 'll-error', role: 'alert' }, `Prediction failed: ${r.error ?? 'no probabilities in the reply'}`)); return; }
  // Classes in the run's order; any the run does not name, after them.
  const names = [...classNames.filter((c) => c in r.probs!), ...Object.keys(r.probs).filter((c) => !classNames.includes(c))];
  const best = names.reduce((a, b) => (r.probs![b] > r.probs![a] ? b : a));
  const bars = h('div', { class: 'll-bars', role: 'list', 'aria-label': 'Class probabilities' });
  names.forEach((name) => {
    const p = r.probs![name];
    const fill = h('div', { class: 'll-bar-fill' });
    fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
    fill.style.background = classColor(Math.max(0, classNames.indexOf(name)), Math.max(2, classNames.length));
    bars.append(h('div', { class: `ll-bar-row${name === best ? ' best' : ''}`, role: 'listitem', 'data-class': name, 'aria-label': `P(${name}) = ${(p * 100).toFixed(1)}%` },
      h('span', { class: 'll-bar-label' }, name), h('div', { class: 'll-bar-track' }, fill), h('span', { class: 'll-bar-value' }, `${(p * 100).toFixed(1)}%`)));
  });
  out.replaceChildren(h('p', { class: 'll-predicted' }, 'Predicted class: ', h('strong', {}, best), ` (${(r.probs[best] * 100).toFixed(1)}%)`), bars);
}
