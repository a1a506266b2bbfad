// Helpers shared by the data rules (LL4xx): the dtype a target tensor is known to have, and
// scikit-learn preprocessing objects and their fits.
import type { Node } from '../parser';
import type { SemanticModel } from '../semantic';
import { callArgs, receiver, unparen } from '../semantic/syntax';

/** What a target tensor is known to hold. */
export type TargetKind = 'float' | 'integer' | 'oneHot' | 'unknown';
export interface TargetFact {
  kind: TargetKind;
  /** The expression that decided it (`y.float()`, `F.one_hot(y, 3)`, `torch.tensor(y, dtype=torch.float32)`). */
  origin?: Node;
}
const UNKNOWN_TARGET: TargetFact = { kind: 'unknown' };

const FLOAT_DTYPES = new Set(['torch.float', 'torch.float32', 'torch.float64', 'torch.double', 'torch.float16', 'torch.half', 'torch.bfloat16']);
const INTEGER_DTYPES = new Set(['torch.long', 'torch.int64', 'torch.int', 'torch.int32', 'torch.int16', 'torch.int8', 'torch.uint8']);
const FLOAT_METHODS = new Set(['float', 'double', 'half', 'bfloat16']);
const INTEGER_METHODS = new Set(['long', 'int', 'short']);
/** Methods that keep the dtype (shape, device, autograd changes). */
const DTYPE_PASSTHROUGH = new Set(['view', 'reshape', 'squeeze', 'unsqueeze', 'flatten', 'cuda', 'cpu', 'detach', 'contiguous', 'clone', 'view_as', 'reshape_as', 'pin_memory']);
const TENSOR_CONSTRUCTORS = new Set(['torch.tensor', 'torch.as_tensor', 'torch.zeros', 'torch.ones', 'torch.full', 'torch.empty', 'torch.zeros_like', 'torch.ones_like']);

function dtypeKind(sem: SemanticModel, node: Node | undefined): TargetKind {
  if (!node) return 'unknown';
  const qn = sem.qualifiedName(node);
  if (!qn) return 'unknown';
  if (FLOAT_DTYPES.has(qn) || qn === 'torch.FloatTensor' || qn === 'torch.cuda.FloatTensor') return 'float';
  if (INTEGER_DTYPES.has(qn) || qn === 'torch.LongTensor' || qn === 'torch.cuda.LongTensor') return 'integer';
  return 'unknown';
}

/** The dtype a target expression is known to have, following variables (all definitions must agree). */
export function targetFact(sem: SemanticModel, expr: Node, depth = 0): TargetFact {
  const e = unparen(expr);
  if (depth > 10) return UNKNOWN_TARGET;
  if (e.type === 'identifier') {
    if (sem.qualifiedName(e)) return UNKNOWN_TARGET;
    const defs = sem.definitions(e);
    if (!defs.length || defs.some((d) => d === undefined)) return UNKNOWN_TARGET;
    const facts = defs.map((d) => targetFact(sem, d!, depth + 1));
    return facts.every((f) => f.kind === facts[0].kind) ? facts[0] : UNKNOWN_TARGET;
  }
  if (e.type === 'subscript') return targetFact(sem, e.childForFieldName('value')!, depth + 1);
  if (e.type !== 'call') return UNKNOWN_TARGET;
  const fn = e.childForFieldName('function');
  if (!fn) return UNKNOWN_TARGET;
  const args = callArgs(e);
  const qn = sem.qualifiedName(fn);
  if (qn) {
    if (qn === 'torch.nn.functional.one_hot') return { kind: 'oneHot', origin: e };
    if (qn === 'torch.FloatTensor' || qn === 'torch.Tensor' || qn === 'torch.DoubleTensor') return { kind: 'float', origin: e };
    if (qn === 'torch.LongTensor' || qn === 'torch.IntTensor') return { kind: 'integer', origin: e };
    if (qn === 'torch.randint' && !args.keywords.has('dtype')) return { kind: 'integer', origin: e };
    if (qn === 'torch.rand' || qn === 'torch.randn') {
      const k = dtypeKind(sem, args.keywords.get('dtype'));
      return { kind: args.keywords.has('dtype') ? k : 'float', origin: e };
    }
    if (TENSOR_CONSTRUCTORS.has(qn) || qn === 'torch.randint') {
      const k = dtypeKind(sem, args.keywords.get('dtype'));
      return k === 'unknown' ? UNKNOWN_TARGET : { kind: k, origin: e };
    }
    return UNKNOWN_TARGET;
  }
  const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  const recv = receiver(e);
  if (!method || !recv || sem.objectOf(recv).kind !== 'unknown') return UNKNOWN_TARGET;
  if (FLOAT_METHODS.has(method)) {
    // `F.one_hot(y).float()` is a valid probability target for CrossEntropyLoss (PyTorch ≥ 1.10).
    const inner = targetFact(sem, recv, depth + 1);
    return inner.kind === 'oneHot' ? { kind: 'unknown' } : { kind: 'float', origin: e };
  }
  if (INTEGER_METHODS.has(method)) {
    const inner = targetFact(sem, recv, depth + 1);
    return inner.kind === 'oneHot' ? inner : { kind: 'integer', origin: e };
  }
  if (method === 'to' || method === 'type') {
    const dtype = args.keywords.get('dtype') ?? args.positional.find((a) => dtypeKind(sem, a) !== 'unknown');
    if (dtype) {
      const k = dtypeKind(sem, dtype);
      const inner = targetFact(sem, recv, depth + 1);
      if (k === 'float' && inner.kind === 'oneHot') return UNKNOWN_TARGET;
      return { kind: k, origin: e };
    }
    return targetFact(sem, recv, depth + 1);
  }
  if (DTYPE_PASSTHROUGH.has(method)) return targetFact(sem, recv, depth + 1);
  return UNKNOWN_TARGET;
}

// ───────────────────────────── scikit-learn preprocessing ─────────────────────────────

/** True when the file imports scikit-learn. */
export function sklearnInScope(sem: SemanticModel): boolean {
  for (const m of sem.imports.modules) if (m === 'sklearn' || m.startsWith('sklearn.')) return true;
  return false;
}

/** scikit-learn transformers whose fit learns statistics of the data (means, ranges, categories, components). */
const PREPROCESSOR = /^sklearn\.(preprocessing|impute|decomposition|feature_selection|compose|feature_extraction\.text)\.[A-Z]\w*$/;
const PREPROCESSOR_FACTORIES = new Set(['sklearn.compose.make_column_transformer']);
/** Stateless transformers, and label encoders (fitting them on all labels only learns the class set). */
const HARMLESS = /\.(LabelEncoder|LabelBinarizer|MultiLabelBinarizer|FunctionTransformer|Normalizer|Binarizer|PolynomialFeatures|SplineTransformer|MissingIndicator|CountVectorizer|HashingVectorizer)$/;

/** The expression denotes a scikit-learn preprocessor instance (`StandardScaler()`, or a variable holding one). */
export function isPreprocessor(sem: SemanticModel, expr: Node, depth = 0): Node | undefined {
  const e = unparen(expr);
  if (depth > 6) return undefined;
  if (e.type === 'call') {
    const qn = sem.calleeQualifiedName(e);
    return qn && (PREPROCESSOR.test(qn) || PREPROCESSOR_FACTORIES.has(qn)) && !HARMLESS.test(qn) ? e : undefined;
  }
  if (e.type === 'identifier') {
    const defs = sem.definitions(e);
    if (!defs.length || defs.some((d) => d === undefined)) return undefined;
    const found = defs.map((d) => isPreprocessor(sem, d!, depth + 1));
    return found.every((f) => f && f.id === found[0]!.id) ? found[0] : undefined;
  }
  return undefined;
}

export interface PreprocessorFit {
  /** `scaler.fit(X)` / `scaler.fit_transform(X)` / `StandardScaler().fit_transform(X)`. */
  call: Node;
  /** The constructor call of the preprocessor. */
  constructor: Node;
  data: Node;
  method: 'fit' | 'fit_transform';
}

/** Every fit of a scikit-learn preprocessor in the file. */
export function preprocessorFits(sem: SemanticModel): PreprocessorFit[] {
  const out: PreprocessorFit[] = [];
  for (const method of ['fit', 'fit_transform'] as const) {
    for (const call of sem.methodCalls(method)) {
      const recv = receiver(call)!;
      const constructor = isPreprocessor(sem, recv);
      const args = callArgs(call);
      const data = args.keywords.get('X') ?? args.positional[0];
      if (constructor && data && !args.splat) out.push({ call, constructor, data, method });
    }
  }
  return out.sort((a, b) => a.call.startIndex - b.call.startIndex);
}
