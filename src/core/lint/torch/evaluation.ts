// Helpers shared by the evaluation rules (LL3xx): which data is evaluation data, which calls run a
// model, which loops train, and which models behave differently in train and eval mode.
import type { Node } from '../parser';
import type { ModuleInfo, SemanticModel } from '../semantic';
import { callArgs, isInside, receiver, unparen, walk } from '../semantic/syntax';
import { backwardCalls, optimizerSteps } from './training';

/**
 * Names people give evaluation data: `X_test`, `x_val`, `val_loader`, `testloader`, `valid_dl`,
 * `test_dataset`. A bare `val`/`test` (often a value or a flag) does not count, nor anything with `train`.
 */
const EVAL_NAME = /(^|_)(test|val|valid|validation|holdout|eval|dev)(_|$)|^(test|val|valid|eval)(loader|dl|set|data|ds|dataset|x|y|inputs?)$/i;
export function isEvalName(name: string): boolean {
  if (/train/i.test(name) || /^(test|val|valid|validation|eval|dev|holdout)$/i.test(name)) return false;
  return EVAL_NAME.test(name);
}

/** Wrappers around an iterable that keep what it iterates: `enumerate(val_loader)`, `tqdm(test_loader)`. */
const ITERABLE_WRAPPERS = new Set(['enumerate', 'tqdm', 'iter', 'zip', 'list', 'trange']);
/** Methods/functions that keep "which data this is": device moves, dtype, conversions. */
const DATA_PASSTHROUGH = new Set(['to', 'cuda', 'cpu', 'float', 'double', 'long', 'view', 'reshape', 'unsqueeze', 'squeeze', 'flatten', 'contiguous', 'permute', 'type', 'values', 'to_numpy', 'astype']);
const DATA_CONVERSIONS = new Set(['torch.tensor', 'torch.as_tensor', 'torch.from_numpy', 'torch.Tensor', 'torch.FloatTensor', 'numpy.array', 'numpy.asarray']);
const IDENTIFIERS = new Set(['identifier']);

/** The expression is (derived from) evaluation data: an eval-named variable or a batch of an eval-named loader. */
export function isEvalData(sem: SemanticModel, expr: Node, depth = 0): boolean {
  const e = unparen(expr);
  if (depth > 8) return false;
  switch (e.type) {
    case 'identifier': {
      if (isEvalName(e.text)) return true;
      const defs = sem.definitions(e);
      if (!defs.length) return false;
      if (defs.some((d) => d === undefined)) return defs.length === 1 && isEvalLoopTarget(sem, e);
      return defs.every((d) => isEvalData(sem, d!, depth + 1));
    }
    case 'attribute': {
      // `batch.x` is not known; `X_test.values` is.
      const attr = e.childForFieldName('attribute')?.text;
      return attr === 'values' && isEvalData(sem, e.childForFieldName('object')!, depth + 1);
    }
    case 'subscript':
      return isEvalData(sem, e.childForFieldName('value')!, depth + 1);
    case 'call': {
      const qn = sem.calleeQualifiedName(e);
      const first = callArgs(e).positional[0];
      if (qn) return DATA_CONVERSIONS.has(qn) && !!first && isEvalData(sem, first, depth + 1);
      const fn = e.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      const recv = receiver(e);
      return !!method && !!recv && DATA_PASSTHROUGH.has(method) && isEvalData(sem, recv, depth + 1);
    }
    default:
      return false;
  }
}

/** `xb` in `for xb, yb in val_loader:` (or `enumerate(val_loader)`, `tqdm(test_loader)`). */
function isEvalLoopTarget(sem: SemanticModel, id: Node): boolean {
  for (const loop of sem.enclosingLoops(id)) {
    if (loop.node.type !== 'for_statement') continue;
    const left = loop.node.childForFieldName('left');
    let binds = false;
    if (left) walk(left, (n) => void (n.text === id.text && (binds = true)), IDENTIFIERS);
    if (!binds) continue;
    const right = loop.node.childForFieldName('right');
    return !!right && isEvalIterable(sem, right);
  }
  return false;
}

function isEvalIterable(sem: SemanticModel, expr: Node): boolean {
  const e = unparen(expr);
  if (e.type === 'call') {
    const fn = e.childForFieldName('function');
    const name = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (name && ITERABLE_WRAPPERS.has(name)) return callArgs(e).positional.some((a) => isEvalIterable(sem, a));
    return false;
  }
  if (e.type === 'identifier' || e.type === 'attribute') {
    const name = e.type === 'identifier' ? e.text : e.childForFieldName('attribute')!.text;
    if (isEvalName(name)) return true;
    if (e.type === 'identifier') {
      const defs = sem.definitions(e);
      // `loader = DataLoader(test_ds)`.
      return defs.length > 0 && defs.every((d) => !!d && unparen(d).type === 'call' && callArgs(unparen(d)).positional.some((a) => isEvalData(sem, a, 4)));
    }
  }
  return false;
}

export interface ModelCall {
  call: Node;
  /** The model expression called (`model`, `self.net`, `net.to(device)`). */
  callee: Node;
  module: ModuleInfo;
}

const modelCallCache = new WeakMap<SemanticModel, ModelCall[]>();

/** Calls of models (local nn.Module classes, nn.Sequential, layers used as a model) outside module classes. */
export function modelCalls(sem: SemanticModel): ModelCall[] {
  const cached = modelCallCache.get(sem);
  if (cached) return cached;
  const out: ModelCall[] = [];
  if (sem.torchInScope) {
    for (const call of sem.calls) {
      const fn = call.childForFieldName('function');
      if (!fn || fn.type === 'call') continue; // `Net()(x)`: a throwaway instance
      if (fn.type !== 'identifier' && fn.type !== 'attribute') continue;
      if (sem.qualifiedName(fn)) continue; // `nn.Linear(...)`: a constructor
      const o = sem.objectOf(fn);
      if (o.kind !== 'module') continue;
      if (sem.enclosingModuleClass(call)) continue; // a layer inside forward
      out.push({ call, callee: fn, module: o.module });
    }
  }
  modelCallCache.set(sem, out);
  return out;
}

const trainingLoopCache = new WeakMap<SemanticModel, Node[]>();

/** Loops whose body (at any depth) steps an optimizer or calls backward(): epoch and batch loops. */
export function trainingLoops(sem: SemanticModel): Node[] {
  const cached = trainingLoopCache.get(sem);
  if (cached) return cached;
  const ids = new Set<number>();
  const out: Node[] = [];
  for (const c of [...optimizerSteps(sem), ...backwardCalls(sem)]) {
    for (const l of sem.enclosingLoops(c)) {
      if (!ids.has(l.node.id)) {
        ids.add(l.node.id);
        out.push(l.body);
      }
    }
  }
  trainingLoopCache.set(sem, out);
  return out;
}

/** The innermost loop around `node` steps an optimizer or calls backward (a training batch loop). */
export function inTrainingStep(sem: SemanticModel, node: Node): boolean {
  const inner = sem.enclosingLoops(node)[0];
  return !!inner && trainingLoops(sem).some((b) => b.id === inner.body.id);
}

/** Inside any loop that trains (the epoch loop included). */
export function inTrainingLoop(sem: SemanticModel, node: Node): boolean {
  return trainingLoops(sem).some((b) => isInside(node, b));
}

/** The model behaves differently in train and eval mode: it contains Dropout or BatchNorm. */
export function hasModeDependentLayers(sem: SemanticModel, module: ModuleInfo, seen = new Set<number>()): boolean {
  if (/^torch\.nn\.(Dropout\w*|AlphaDropout|FeatureAlphaDropout|BatchNorm\w*|SyncBatchNorm|InstanceNorm\w*)$/.test(module.qname)) {
    return !/InstanceNorm/.test(module.qname) || /track_running_stats\s*=\s*True/.test(module.node.text);
  }
  // torchvision / timm classifiers all carry BatchNorm or Dropout.
  if (/^(torchvision\.models\.|timm\.)/.test(module.qname)) return true;
  if (module.children) return module.children.some((c) => hasModeDependentLayers(sem, c, seen));
  if (!module.cls || seen.has(module.cls.node.id)) return false;
  seen.add(module.cls.node.id);
  for (const [attr, values] of module.cls.attributes) {
    for (const v of values) {
      const o = sem.objectOf(v);
      if (o.kind === 'module' && hasModeDependentLayers(sem, o.module, seen) && !onlyUnderOffFlag(sem, module, attr)) return true;
    }
  }
  return false;
}

/**
 * `self.<attr>` runs only under `if <flag>:` in forward, where `flag` is a parameter of forward
 * defaulting to False (`def forward(self, x, is_training=False)`): in a default call the layer
 * never runs, so train/eval mode makes no difference there.
 */
function onlyUnderOffFlag(sem: SemanticModel, module: ModuleInfo, attr: string): boolean {
  const forward = module.cls?.forward;
  if (!forward || module.owner || forward.tree !== sem.root.tree) return false;
  const params = forward.childForFieldName('parameters');
  const offFlags = new Set(
    (params ? params.namedChildren : [])
      .filter((p): p is Node => !!p && p.type === 'default_parameter' && p.childForFieldName('value')?.text === 'False')
      .map((p) => p.childForFieldName('name')?.text ?? ''),
  );
  if (!offFlags.size) return false;
  const uses = sem.index.within(forward, 'call').filter((c) => unparen(c.childForFieldName('function')!).text === `self.${attr}`);
  if (!uses.length) return false;
  return uses.every((use) =>
    [...sem.index.ancestors(use, new Set(['if_statement']))].some((stmt) => {
      const cond = stmt.childForFieldName('condition');
      return !!cond && isInside(stmt, forward) && offFlags.has(unparen(cond).text) && isInside(use, stmt.childForFieldName('consequence')!);
    }),
  );
}

/** `model.eval()`, `model.train(False)`, `model.train()` calls, by what they switch to, including unknown receivers. */
export function modeCalls(sem: SemanticModel): { call: Node; receiver: Node; mode: 'train' | 'eval'; module?: ModuleInfo }[] {
  const out: { call: Node; receiver: Node; mode: 'train' | 'eval'; module?: ModuleInfo }[] = [];
  for (const name of ['train', 'eval']) {
    for (const call of sem.methodCalls(name)) {
      const recv = receiver(call)!;
      const args = callArgs(call);
      // `model.train(x_train, ...)` or `trainer.train()` of another library: only zero/one flag arguments.
      if (args.positional.length > 1 || (args.positional[0] && !/^(True|False|mode|\w+)$/.test(args.positional[0].text))) continue;
      const o = sem.objectOf(recv);
      const off = name === 'train' && args.positional[0]?.text === 'False';
      out.push({ call, receiver: recv, mode: name === 'eval' || off ? 'eval' : 'train', module: o.kind === 'module' ? o.module : undefined });
    }
  }
  return out.sort((a, b) => a.call.startIndex - b.call.startIndex);
}

/** The same model object: same constructor node, or (for unknown ones) the same spelling. */
export function sameModel(a: { module?: ModuleInfo; receiver: Node }, b: { module?: ModuleInfo; receiver: Node }): boolean {
  // Identity, not ids (ids are per tree); instances of one model class (e.g. passed in by different
  // callers of a helper) count as the same model.
  if (a.module && b.module) return a.module.node === b.module.node || (!!a.module.cls && a.module.cls === b.module.cls);
  return unparen(a.receiver).text === unparen(b.receiver).text;
}

/** `x.detach()` / `.detach().cpu()` applied to the value of `call` right where it is used. */
export function isDetachedInline(call: Node): boolean {
  for (let p = call.parent, hops = 0; p && hops < 6; p = p.parent, hops++) {
    if (p.type === 'attribute' && p.childForFieldName('attribute')?.text === 'detach') return true;
    if (p.type !== 'attribute' && p.type !== 'call' && p.type !== 'parenthesized_expression') return false;
  }
  return false;
}

/** Identifiers of `node`'s subtree (cheap: one typed walk). */
export function identifiersIn(node: Node): Node[] {
  const out: Node[] = [];
  walk(node, (n) => void out.push(n), IDENTIFIERS);
  return out;
}


/** Methods that keep which model produced a tensor. */
const OUTPUT_PASSTHROUGH = new Set(['squeeze', 'unsqueeze', 'view', 'reshape', 'flatten', 'float', 'to', 'cpu', 'cuda', 'detach', 'contiguous']);

/** The model (its constructor node) whose output `expr` is: `model(x)`, `out = model(x)`, `model(x).squeeze(1)`. */
export function producingModel(sem: SemanticModel, expr: Node, depth = 0): Node | undefined {
  const e = unparen(expr);
  if (depth > 8) return undefined;
  if (e.type === 'identifier') {
    const defs = sem.definitions(e);
    const models = defs.map((d) => (d ? producingModel(sem, d, depth + 1) : undefined));
    return models.length && models.every((m) => m && m.id === models[0]!.id) ? models[0] : undefined;
  }
  if (e.type === 'subscript') return producingModel(sem, e.childForFieldName('value')!, depth + 1);
  if (e.type !== 'call') return undefined;
  const fn = e.childForFieldName('function');
  if (!fn) return undefined;
  const o = sem.qualifiedName(fn) ? undefined : sem.objectOf(fn);
  if (o?.kind === 'module') return o.module.node;
  const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  const recv = receiver(e);
  return method && recv && OUTPUT_PASSTHROUGH.has(method) ? producingModel(sem, recv, depth + 1) : undefined;
}
