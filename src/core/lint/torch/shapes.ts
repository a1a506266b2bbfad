// Tensor shapes, as far as the linter can know them statically: the rank of a value and the size
// of its last dimension. Used by LL304 (argmax over a single logit) and LL403 (an (N, 1) output
// against (N,) targets). Precision first: `undefined` means unknown, and rules stay silent on it.
import type { Node } from '../parser';
import type { ModuleInfo, SemanticModel } from '../semantic';
import { callArgs, named, receiver, unparen, walk } from '../semantic/syntax';

export interface Shape {
  rank: number;
  /** Size of the last dimension when statically known. */
  last?: number;
}

/** Tensor factories whose positional arguments (or one tuple) are the shape. */
const FACTORIES = new Set(['torch.randn', 'torch.rand', 'torch.zeros', 'torch.ones', 'torch.empty', 'numpy.zeros', 'numpy.ones', 'numpy.empty', 'numpy.random.rand', 'numpy.random.randn']);
/** Calls that make a tensor/array of the same shape as their first argument. */
const CONVERSIONS = new Set(['torch.tensor', 'torch.as_tensor', 'torch.from_numpy', 'torch.Tensor', 'torch.FloatTensor', 'torch.LongTensor', 'torch.DoubleTensor', 'numpy.array', 'numpy.asarray']);
/** Element-wise functions and activations: same shape as the first argument. */
const SAME_SHAPE_FUNCTIONS = new Set(['torch.sigmoid', 'torch.softmax', 'torch.log_softmax', 'torch.relu', 'torch.tanh', 'torch.clamp', 'torch.clip', 'torch.round']);
/** Methods that keep the shape: dtype, device, autograd, element-wise. */
const SAME_SHAPE_METHODS = new Set(['float', 'double', 'half', 'long', 'int', 'bool', 'to', 'cuda', 'cpu', 'detach', 'contiguous', 'type', 'clone', 'sigmoid', 'softmax', 'log_softmax', 'relu', 'tanh', 'clamp', 'clip', 'round', 'numpy', 'astype', 'requires_grad_']);
/** sklearn dataset makers that return `(X, y)` with a 1-D `y`; the value is X's feature count when fixed. */
const DATASET_MAKERS: Record<string, number | undefined> = {
  'sklearn.datasets.make_moons': 2,
  'sklearn.datasets.make_circles': 2,
  'sklearn.datasets.make_classification': undefined,
  'sklearn.datasets.make_blobs': undefined,
  'sklearn.datasets.make_gaussian_quantiles': undefined,
};
/** Layers that keep the last dimension of their input. */
const SHAPE_KEEPING_LAYERS = /^torch\.nn\.(ReLU|ReLU6|LeakyReLU|PReLU|ELU|SELU|GELU|SiLU|Mish|Tanh|Sigmoid|Softmax|LogSoftmax|Softplus|Hardtanh|Hardswish|Dropout|AlphaDropout|BatchNorm1d|LayerNorm|Identity)$/;
const LINEAR_LAYERS = new Set(['torch.nn.Linear', 'torch.nn.LazyLinear']);

function intValue(node: Node | undefined): number | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  if (n.type === 'integer') return Number(n.text);
  if (n.type === 'unary_operator' && /^-\s*\d+$/.test(n.text)) return Number(n.text.replace(/\s/g, ''));
  return undefined;
}

/** Dimension arguments: `f(2, 3)`, `f((2, 3))`, `f([2, 3])`, `view(-1, 1)`. */
function dimensionList(args: Node[]): Node[] | undefined {
  if (args.length === 1) {
    const a = unparen(args[0]);
    if (a.type === 'tuple' || a.type === 'list') return named(a);
    if (a.type === 'identifier' || a.type === 'attribute' || a.type === 'call') return undefined; // `view(shape)`, `view(x.size())`
  }
  return args;
}

function fromDimensions(dims: Node[] | undefined): Shape | undefined {
  if (!dims || !dims.length || dims.some((d) => d.type === 'list_splat')) return undefined;
  const last = intValue(dims[dims.length - 1]);
  return { rank: dims.length, last: last !== undefined && last >= 0 ? last : undefined };
}

export class ShapeAnalysis {
  private readonly memo = new Map<number, Shape | null>();
  private readonly active = new Set<number>();

  constructor(private readonly sem: SemanticModel) {}

  /** Shape of a tensor/array expression, or undefined. */
  of(expr: Node, depth = 0): Shape | undefined {
    const node = unparen(expr);
    if (depth > 12 || this.active.has(node.id)) return undefined;
    const memo = this.memo.get(node.id);
    if (memo !== undefined) return memo ?? undefined;
    this.active.add(node.id);
    try {
      const s = this.compute(node, depth + 1);
      this.memo.set(node.id, s ?? null);
      return s;
    } finally {
      this.active.delete(node.id);
    }
  }

  private compute(node: Node, depth: number): Shape | undefined {
    const sem = this.sem;
    switch (node.type) {
      case 'identifier': {
        if (sem.qualifiedName(node)) return undefined;
        const defs = sem.definitions(node);
        if (defs.length === 1 && defs[0] === undefined) return this.unpacked(node, depth);
        if (!defs.length || defs.some((d) => d === undefined)) return undefined;
        return agree(defs.map((d) => this.of(d!, depth)));
      }
      case 'subscript':
        return this.subscript(node, depth);
      case 'attribute': {
        // `df["label"].values`: a pandas column is 1-D.
        const attr = node.childForFieldName('attribute')?.text;
        const object = unparen(node.childForFieldName('object')!);
        if (attr === 'values' && isColumnSelection(object)) return { rank: 1 };
        if (attr === 'T' || attr === 'data') return attr === 'data' ? this.of(object, depth) : undefined;
        return undefined;
      }
      case 'list': {
        const items = named(node);
        if (!items.length) return undefined;
        if (items.every((i) => i.type === 'integer' || i.type === 'float')) return { rank: 1, last: items.length };
        if (items.every((i) => i.type === 'list')) {
          const inner = items.map((i) => this.of(i, depth));
          const a = agree(inner);
          return a ? { rank: a.rank + 1, last: a.last } : undefined;
        }
        return undefined;
      }
      case 'call':
        return this.call(node, depth);
      default:
        return undefined;
    }
  }

  private call(call: Node, depth: number): Shape | undefined {
    const sem = this.sem;
    const fn = call.childForFieldName('function');
    if (!fn) return undefined;
    const args = callArgs(call);
    if (args.splat) return undefined;
    const qn = sem.qualifiedName(fn);
    if (qn) {
      if (FACTORIES.has(qn)) return args.keywords.has('size') ? fromDimensions(dimensionList([args.keywords.get('size')!])) : fromDimensions(dimensionList(args.positional));
      if (qn === 'torch.randint') {
        const size = args.keywords.get('size') ?? (args.positional.length >= 2 ? args.positional[args.positional.length - 1] : undefined);
        const s = size && unparen(size);
        return s && (s.type === 'tuple' || s.type === 'list') ? fromDimensions(named(s)) : undefined;
      }
      if (CONVERSIONS.has(qn) && args.positional[0]) return this.of(args.positional[0], depth);
      if (SAME_SHAPE_FUNCTIONS.has(qn) && args.positional[0]) return this.of(args.positional[0], depth);
      if (qn === 'torch.squeeze' || qn === 'torch.unsqueeze' || qn === 'torch.flatten') {
        const base = args.positional[0] && this.of(args.positional[0], depth);
        return base && reshapeByMethod(qn.slice('torch.'.length), base, args.positional.slice(1), args.keywords);
      }
      return undefined;
    }
    const object = sem.objectOf(fn);
    if (object.kind === 'module') return this.moduleCall(object.module, args.positional[0], depth);
    const recv = receiver(call);
    const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (!recv || !method) return undefined;
    if (sem.objectOf(recv).kind !== 'unknown') return undefined;
    if (method === 'to_numpy' && isColumnSelection(unparen(recv))) return { rank: 1 };
    const base = this.of(recv, depth);
    if (SAME_SHAPE_METHODS.has(method)) return base;
    if (method === 'view' || method === 'reshape') {
      const dims = fromDimensions(dimensionList(args.positional));
      if (dims) return dims;
      return undefined;
    }
    if (method === 'view_as' || method === 'reshape_as' || method === 'expand_as') return args.positional[0] ? this.of(args.positional[0], depth) : undefined;
    if (method === 'ravel') return { rank: 1 };
    if (method === 'flatten' && !args.positional.length && !args.keywords.size) return { rank: 1 };
    return base && reshapeByMethod(method, base, args.positional, args.keywords);
  }

  /** `x[:, 0]`, `y[:, None]`, `X[:100]`. */
  private subscript(node: Node, depth: number): Shape | undefined {
    const base = this.of(node.childForFieldName('value')!, depth);
    if (!base) return undefined;
    const items = node.childrenForFieldName('subscript').filter((n): n is Node => !!n);
    let consumed = 0;
    let rank = base.rank;
    let lastKept = true;
    for (const item of items) {
      if (item.type === 'slice') {
        consumed++;
        if (consumed === base.rank && item.text.replace(/\s/g, '') !== ':') lastKept = false;
      } else if (item.type === 'none') rank++;
      else if (intValue(item) !== undefined) {
        consumed++;
        rank--;
        if (consumed === base.rank) lastKept = false;
      } else return undefined; // fancy or boolean indexing: unknown
    }
    if (consumed > base.rank) return undefined;
    const endsWithNone = items.length > 0 && items[items.length - 1].type === 'none' && consumed === base.rank;
    if (rank < 1) return undefined;
    return { rank, last: endsWithNone ? 1 : lastKept ? base.last : undefined };
  }

  /**
   * What a model returns. A Linear layer keeps its input's rank; when the input's shape is unknown we
   * assume (N, features) only for plain MLPs (Linear, activations, dropout, 1-D norms, Flatten).
   */
  moduleCall(module: ModuleInfo, input: Node | undefined, depth: number): Shape | undefined {
    const inputShape = input ? this.of(input, depth) : undefined;
    return this.moduleShape(module, inputShape, depth, new Set());
  }

  private moduleShape(module: ModuleInfo, input: Shape | undefined, depth: number, seen: Set<number>): Shape | undefined {
    if (LINEAR_LAYERS.has(module.qname)) {
      const args = callArgs(module.node);
      const out = intValue(args.keywords.get('out_features') ?? (module.qname === 'torch.nn.LazyLinear' ? args.positional[0] : args.positional[1]));
      const rank = input ? input.rank : 2;
      return out === undefined ? { rank } : { rank, last: out };
    }
    if (SHAPE_KEEPING_LAYERS.test(module.qname)) return input;
    if (module.qname === 'torch.nn.Flatten' && !callArgs(module.node).positional.length) return { rank: 2 };
    if (module.qname === 'torch.nn.Sequential' && module.children) {
      let shape = input;
      for (const child of module.children) {
        shape = this.moduleShape(child, shape, depth, seen);
        if (!shape) return undefined;
      }
      return shape;
    }
    if (module.cls && module.cls.forward && !seen.has(module.cls.node.id) && this.isMlp(module, new Set())) {
      seen.add(module.cls.node.id);
      const shapes: (Shape | undefined)[] = [];
      const body = module.cls.forward.childForFieldName('body');
      if (!body) return undefined;
      walk(body, (n) => {
        if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return false;
        if (n.type === 'return_statement') {
          const v = named(n)[0];
          shapes.push(v ? this.of(v, depth) : undefined);
          return false;
        }
      });
      return agree(shapes);
    }
    return undefined;
  }

  /** Only Linear/activation/dropout/norm layers (directly, in Sequentials, or in local MLP classes). */
  isMlp(module: ModuleInfo, seen: Set<number>): boolean {
    if (LINEAR_LAYERS.has(module.qname) || SHAPE_KEEPING_LAYERS.test(module.qname) || module.qname === 'torch.nn.Flatten') return true;
    if (module.qname === 'torch.nn.Sequential') return !!module.children && module.children.every((c) => this.isMlp(c, seen));
    if (module.qname === 'torch.nn.ModuleList') return false;
    if (module.cls) {
      if (seen.has(module.cls.node.id)) return false;
      seen.add(module.cls.node.id);
      for (const values of module.cls.attributes.values()) {
        for (const v of values) {
          const o = this.sem.objectOf(v);
          if (o.kind === 'module' && !this.isMlp(o.module, seen)) return false;
          // A non-module attribute (a number, a flag) is fine; an unknown call might be a layer.
          if (o.kind === 'unknown' && unparen(v).type === 'call' && /^nn\.|^torch\.nn\./.test(unparen(v).text)) return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * The shape a variable bound by tuple unpacking has: `X, y = make_moons(...)`,
   * `X_train, X_test, y_train, y_test = train_test_split(X, y)`.
   */
  private unpacked(id: Node, depth: number): Shape | undefined {
    const assignment = latestTupleAssignment(this.sem, id);
    if (!assignment) return undefined;
    const { call, index, count } = assignment;
    const qn = this.sem.calleeQualifiedName(call);
    if (!qn) return undefined;
    if (qn in DATASET_MAKERS && count === 2) return index === 1 ? { rank: 1 } : DATASET_MAKERS[qn] ? { rank: 2, last: DATASET_MAKERS[qn] } : { rank: 2 };
    if (qn === 'sklearn.model_selection.train_test_split') {
      const arrays = callArgs(call).positional;
      if (count !== arrays.length * 2) return undefined;
      const source = arrays[Math.floor(index / 2)];
      return source ? this.of(source, depth) : undefined;
    }
    return undefined;
  }
}

/** `df["label"]` (a single column by string). */
function isColumnSelection(node: Node): boolean {
  if (node.type !== 'subscript') return false;
  const items = node.childrenForFieldName('subscript').filter((n): n is Node => !!n);
  return items.length === 1 && items[0].type === 'string';
}

function agree(shapes: (Shape | undefined)[]): Shape | undefined {
  if (!shapes.length || shapes.some((s) => !s)) return undefined;
  const first = shapes[0]!;
  if (shapes.some((s) => s!.rank !== first.rank)) return undefined;
  return shapes.every((s) => s!.last === first.last) ? first : { rank: first.rank };
}

/** squeeze / unsqueeze / flatten(start) with explicit dimensions. */
function reshapeByMethod(method: string, base: Shape, positional: Node[], keywords: Map<string, Node>): Shape | undefined {
  const dimNode = keywords.get('dim') ?? positional[0];
  const dim = intValue(dimNode);
  if (method === 'unsqueeze') {
    if (dim === undefined) return undefined;
    const at = dim < 0 ? dim + base.rank + 1 : dim;
    if (at < 0 || at > base.rank) return undefined;
    return { rank: base.rank + 1, last: at === base.rank ? 1 : base.last };
  }
  if (method === 'squeeze') {
    if (dimNode === undefined) return base.rank === 2 && base.last === 1 ? { rank: 1 } : undefined;
    if (dim === undefined) return undefined;
    const at = dim < 0 ? dim + base.rank : dim;
    if (at === base.rank - 1 && base.last === 1) return { rank: base.rank - 1 };
    if (at === base.rank - 1 && base.last !== undefined) return base; // not of size 1: a no-op
    return undefined;
  }
  if (method === 'flatten') {
    if (dim === 1 && base.rank >= 2) return { rank: 2, last: base.rank === 2 ? base.last : undefined };
    if (dim === 0) return { rank: 1 };
    return undefined;
  }
  return undefined;
}

const ASSIGNMENTS = new Set(['assignment', 'for_statement']);
const IDENTIFIERS = new Set(['identifier']);
const tupleIndex = new WeakMap<SemanticModel, Map<string, { start: number; end: number; node: Node }[]>>();

/**
 * For a name bound by `a, b = f(...)` (the `definitions` of which are unknown): that assignment when
 * it is the last binding of the name before `id` in the same scope, with the name's position in it.
 */
export function latestTupleAssignment(sem: SemanticModel, id: Node): { call: Node; index: number; count: number } | undefined {
  let index = tupleIndex.get(sem);
  if (!index) {
    index = new Map();
    const add = (name: string, node: Node, end: number) => {
      const list = index!.get(name) ?? [];
      list.push({ start: node.startIndex, end, node });
      index!.set(name, list);
    };
    walk(sem.root, (n) => {
      const left = n.childForFieldName('left');
      if (!left) return;
      // A loop target is bound from the end of the target list on (uses sit inside the loop).
      const end = n.type === 'for_statement' ? left.endIndex : n.endIndex;
      walk(left, (t) => {
        if (t.type === 'identifier') add(t.text, n, end);
      }, IDENTIFIERS);
    }, ASSIGNMENTS);
    tupleIndex.set(sem, index);
  }
  const scope = sem.scopeOf(id);
  // The last binding (in the index's order) before `id` in its scope: scanned from the end.
  const bindings = index.get(id.text) ?? [];
  let last: { start: number; end: number; node: Node } | undefined;
  for (let k = bindings.length - 1; k >= 0 && !last; k--) {
    const b = bindings[k];
    if (b.end <= id.startIndex && sem.scopeOf(b.node).id === scope.id) last = b;
  }
  if (!last || last.node.type !== 'assignment') return undefined;
  const left = unparen(last.node.childForFieldName('left')!);
  const right = last.node.childForFieldName('right');
  if (!right || unparen(right).type !== 'call' || (left.type !== 'pattern_list' && left.type !== 'tuple_pattern' && left.type !== 'list_pattern')) return undefined;
  const parts = named(left);
  const i = parts.findIndex((p) => p.type === 'identifier' && p.text === id.text);
  if (i < 0) return undefined;
  return { call: unparen(right), index: i, count: parts.length };
}

const analyses = new WeakMap<SemanticModel, ShapeAnalysis>();
/** The shape analysis of a semantic model (memoised per model). */
export function shapes(sem: SemanticModel): ShapeAnalysis {
  let a = analyses.get(sem);
  if (!a) analyses.set(sem, (a = new ShapeAnalysis(sem)));
  return a;
}
