// The semantic model of one Python module: imports, nn.Module classes, bindings per scope, and the
// approximate value/object analysis every rule shares. Approximate but precise: whenever the
// analysis is unsure it answers `unknown`, and rules stay silent on unknown.
import { LineIndex, type Node } from '../parser';
import { canonical, ImportTable } from './imports';
import { callArgs, isInside, named, receiver, unparen } from './syntax';
import { firstStartingAt, TreeIndex } from './tree-index';
import { NodeMemo } from './node-memo';
import { PYTHON_BUILTINS } from './python-builtins';
import {
  ACTIVATION_FUNCTIONS,
  ACTIVATION_LAYERS,
  ACTIVATION_METHODS,
  FUNCTIONAL_LOSSES,
  LOGIT_LAYERS,
  MODEL_ZOO,
  MODULE_WRAPPERS,
  PASSTHROUGH_FUNCTIONS,
  PASSTHROUGH_LAYERS,
  PASSTHROUGH_METHODS,
  SELF_RETURNING_METHODS,
} from '../torch/names';

const optText = (n: Node | null | undefined): string | undefined => (n ? n.text : undefined);
const optType = (n: Node | null | undefined): string | undefined => (n ? n.type : undefined);
import {
  UNKNOWN,
  UNKNOWN_OBJECT,
  type LossCall,
  type ModuleClass,
  type ModuleResolver,
  type ModuleInfo,
  type TorchObject,
  type ValueFact,
} from './facts';

/** Calls that follow unpacking a function's returned tuple this deep, at most (bounded work per edit). */
const MAX_UNPACK_DEPTH = 3;

const SCOPE_TYPES = ['function_definition', 'lambda', 'class_definition'];
const CLASS = new Set(['class_definition']);
const NO_GRAD_CONTEXTS = new Set(['with_statement', 'decorated_definition']);
const NESTED_SCOPES = new Set(['function_definition', 'class_definition', 'lambda']);
/** Node types the one collecting walk looks at. */
const COLLECTED_TYPES = new Set([...SCOPE_TYPES, 'call', 'assignment', 'augmented_assignment', 'named_expression', 'for_statement', 'for_in_clause', 'as_pattern', 'while_statement']);
/**
 * Names a module's namespace holds without a binding in its text or in builtins: set by the import
 * system (`__file__`) or by IPython in a notebook (`display`, `get_ipython`).
 */
const MODULE_NAMESPACE = new Set(['__file__', '__builtins__', '__cached__', '__annotations__', 'display', 'get_ipython']);
/** Blocks that may or may not run: a definition inside one does not replace the one before. */
const CONDITIONAL_TYPES = new Set(['if_statement', 'try_statement', 'for_statement', 'while_statement', 'match_statement']);

const NO_BINDINGS: ReadonlyMap<string, Binding[]> = new Map();

/** The name a parameter binds (`x`, `x=1`, `x: int`, `*args`, `**kw`), if any. */
function parameterName(p: Node): Node | undefined {
  const id = p.type === 'identifier' ? p : p.childForFieldName('name') ?? named(p).find((c) => c.type === 'identifier');
  return id && id.type === 'identifier' ? id : undefined;
}

/** A name bound in a scope. `value` is the assigned expression when statically known. */
export interface Binding {
  name: string;
  target: Node;
  value?: Node;
  /** Offset from which the binding is visible. */
  visibleFrom: number;
  /** For a function parameter: its function, positional index (-1 keyword-only) and default. */
  param?: { fn: Node; index: number; default?: Node };
  /** For `a, b = f(...)`: the position of this name among `count` unpacked values of `value`. */
  element?: { index: number; count: number };
}

export interface LoopInfo {
  node: Node; // for_statement / while_statement
  body: Node;
  /** The body's UTF-16 range (cached: `endIndex` is a call into wasm). */
  bodyStart: number;
  bodyEnd: number;
  /** Enclosing loops, outermost first. */
  outer: Node[];
}

export class SemanticModel {
  readonly imports: ImportTable;
  /** nn.Module subclasses defined in this file, by class name. */
  readonly moduleClasses = new Map<string, ModuleClass>();
  /** Every call expression, in source order. */
  readonly calls: Node[] = [];
  /** Every loop, in source order. */
  readonly loops: LoopInfo[] = [];
  private readonly loopByNode = new Map<number, LoopInfo>();
  /** Functions defined in the file (not methods), by name. */
  readonly functions = new Map<string, Node>();

  private readonly bindings = new Map<number, Map<string, Binding[]>>();
  /**
   * Names bound by a `def` or `class` statement or a lambda's parameter list, per scope id. Kept apart
   * from `bindings` (whose entries carry values that the value analysis follows).
   */
  private readonly declared = new Map<number, Map<string, Node>>();
  /** Function/lambda/class scopes in pre-order, with the ranges (parameters, body) that belong to them. */
  private readonly scopes: { node: Node; start: number; end: number; ranges: [number, number][] }[] = [];
  /** Indices into `scopes` of the scopes not nested in another one. */
  private readonly topScopes: number[] = [];
  private readonly classNodes: Node[] = [];
  // Memo tables indexed by node id (ids are dense pre-order positions: arrays beat Maps here; see ./node-memo.ts).
  private readonly valueMemo: NodeMemo<ValueFact>;
  private readonly objectMemo: NodeMemo<TorchObject>;
  /** Nodes whose value/object is being computed (cycle guard). */
  private readonly visitingValues = new Set<number>();
  private readonly visitingObjects = new Set<number>();
  private lossCallCache?: LossCall[];
  private methodIndex?: Map<string, Node[]>;
  private callsByName?: Map<string, Node[]>;
  private callsByQualifiedName?: Map<string, Node[]>;
  /** `null` = computed, no qualified name. */
  private readonly qualifiedMemo: NodeMemo<string | null>;
  /** Per call node: its callee's qualified name (`null` = none). */
  private readonly calleeMemo: NodeMemo<string | null>;
  private readonly scopeMemo: NodeMemo<Node>;
  /** While scopes are still being collected, scopeOf answers must not be memoised. */
  private collecting = true;
  private readonly noGradMemo: NodeMemo<boolean>;
  /** Nodes by type, ranges and nearest-ancestor links, from one pass over the tree (shared by rules). */
  readonly index: TreeIndex;
  /** The file's path in its project (set by LintProject; messages cite it for facts from here). */
  path?: string;
  private lines?: LineIndex;

  constructor(
    readonly root: Node,
    /** Resolves names imported from the project's other files (cross-file analysis); none = this file only. */
    readonly resolver?: ModuleResolver,
  ) {
    const size = root.tree.nodeCount;
    this.valueMemo = new NodeMemo(size);
    this.objectMemo = new NodeMemo(size);
    this.qualifiedMemo = new NodeMemo(size);
    this.calleeMemo = new NodeMemo(size);
    this.scopeMemo = new NodeMemo(size);
    this.noGradMemo = new NodeMemo(size);
    this.index = root.id === root.tree.rootNode.id ? TreeIndex.of(root) : new TreeIndex(root);
    this.imports = new ImportTable(root, this.index);
    this.collect();
    this.collecting = false;
    this.collectModuleClasses();
  }

  /** 1-based line of an offset in this file. */
  lineAt(offset: number): number {
    this.lines ??= new LineIndex(this.root.tree.rootNode.text);
    return this.lines.position(offset).line;
  }

  private addScope(n: Node): void {
      const ranges: [number, number][] = [];
      for (const name of ['parameters', 'body']) {
        const part = n.childForFieldName(name);
        if (part) ranges.push([part.startIndex, part.endIndex]);
      }
      const last = this.topScopes.length ? this.scopes[this.topScopes[this.topScopes.length - 1]] : undefined;
      if (!last || n.startIndex >= last.end) this.topScopes.push(this.scopes.length);
      this.scopes.push({ node: n, start: n.startIndex, end: n.endIndex, ranges });
  }

  /** True when the file imports torch: torch rules run only then. */
  get torchInScope(): boolean {
    return this.imports.torchInScope;
  }

  // ───────────────────────────── names ─────────────────────────────

  /** The canonical qualified name of a name/attribute expression (`nn.Sigmoid` → `torch.nn.Sigmoid`), or undefined. */
  qualifiedName(node: Node): string | undefined {
    // Memo tables are per tree: another file's node is answered by its own model.
    if (node.tree !== this.root.tree) return this.foreign(node)?.qualifiedName(node);
    const memo = this.qualifiedMemo.get(node.id);
    if (memo !== undefined) return memo ?? undefined;
    const raw = this.rawQualifiedName(unparen(node));
    const result = raw === undefined ? undefined : canonical(raw);
    this.qualifiedMemo.set(node.id, result ?? null);
    return result;
  }

  private rawQualifiedName(node: Node): string | undefined {
    if (node.type === 'identifier') {
      // Most names are not imported: answered without looking up the name's scope.
      const imported = this.imports.resolve(node.text);
      if (imported === undefined) return undefined;
      // A local assignment shadows an import (`F = my_features`).
      if (this.bindingsIn(this.scopeOf(node)).get(node.text)?.some((b) => b.value)) return undefined;
      return imported;
    }
    if (node.type === 'attribute') {
      const object = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute');
      if (!object || !attr) return undefined;
      const base = this.rawQualifiedName(unparen(object));
      return base === undefined ? undefined : `${base}.${attr.text}`;
    }
    return undefined;
  }

  /** Canonical qualified name of the function a call calls, if it resolves through imports. */
  calleeQualifiedName(call: Node): string | undefined {
    // Most rules scan every call and ask this of each: one array read after the first time.
    if (call.tree !== this.root.tree) {
      const fn = call.childForFieldName('function');
      return fn ? this.qualifiedName(fn) : undefined;
    }
    const memo = this.calleeMemo.get(call.id);
    if (memo !== undefined) return memo ?? undefined;
    const fn = call.childForFieldName('function');
    const result = fn ? this.qualifiedName(fn) : undefined;
    this.calleeMemo.set(call.id, result ?? null);
    return result;
  }

  // ───────────────────────────── scopes and bindings ─────────────────────────────

  /** The function/lambda/class node whose scope `node` is in, or the module root. */
  scopeOf(node: Node): Node {
    if (node.tree !== this.root.tree) return this.foreign(node)?.scopeOf(node) ?? node.tree.rootNode;
    if (!this.collecting) {
      const memo = this.scopeMemo.get(node.id);
      if (memo) return memo;
      const scope = this.findScope(node);
      this.scopeMemo.set(node.id, scope);
      return scope;
    }
    return this.findScope(node);
  }

  private findScope(node: Node): Node {
    // Ranges instead of `.parent` chains: in web-tree-sitter 0.25 every `.parent` re-descends from
    // the root. Binary-search the outermost scope, then scan only the scopes nested in it.
    const at = node.startIndex;
    const end = node.endIndex;
    let lo = 0;
    let hi = this.topScopes.length - 1;
    let top = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.scopes[this.topScopes[mid]].start <= at) {
        top = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (top < 0) return this.root;
    const first = this.topScopes[top];
    if (this.scopes[first].end < end) return this.root;
    const last = top + 1 < this.topScopes.length ? this.topScopes[top + 1] : this.scopes.length;
    let found: Node = this.root;
    for (let i = first; i < last && this.scopes[i].start <= at; i++) {
      if (this.scopes[i].ranges.some(([a, b]) => at >= a && end <= b)) found = this.scopes[i].node;
    }
    return found;
  }

  private bindingsIn(scope: Node): ReadonlyMap<string, Binding[]> {
    return this.bindings.get(scope.id) ?? NO_BINDINGS;
  }

  /**
   * How `identifier` is bound where it is used when not by an assignment or a parameter (those are
   * `definitions`): by a `def`/`class` statement or a lambda parameter in a scope it sees, by an
   * import, or by Python's builtins and the module namespace — the scope every lookup ends in.
   */
  declarationOf(identifier: Node): 'definition' | 'import' | 'builtin' | undefined {
    if (identifier.tree !== this.root.tree) return this.foreign(identifier)?.declarationOf(identifier);
    const name = identifier.text;
    for (let scope: Node | undefined = this.scopeOf(identifier); scope; scope = scope.id === this.root.id ? undefined : this.scopeOf(scope)) {
      if (this.declared.get(scope.id)?.has(name)) return 'definition';
    }
    if (this.imports.resolve(name)) return 'import';
    if (PYTHON_BUILTINS.has(name) || MODULE_NAMESPACE.has(name)) return 'builtin';
    return undefined;
  }

  private declare(scope: Node, name: Node): void {
    let names = this.declared.get(scope.id);
    if (!names) this.declared.set(scope.id, (names = new Map()));
    names.set(name.text, name);
  }

  /**
   * The value expressions that `identifier` may hold at its use: the nearest preceding assignment
   * in its scope (then enclosing scopes), or — when that one sits in a branch/loop not enclosing the
   * use — every alternative. `undefined` entries mean "bound to something unknown" (parameter, loop target).
   */
  definitions(identifier: Node): (Node | undefined)[] {
    if (identifier.tree !== this.root.tree) return this.foreign(identifier)?.definitions(identifier) ?? [undefined];
    const name = identifier.text;
    const own = this.scopeOf(identifier);
    const at = identifier.startIndex;
    for (let scope: Node | undefined = own; scope; scope = scope.id === this.root.id ? undefined : this.scopeOf(scope)) {
      const all = this.bindingsIn(scope).get(name);
      if (!all?.length) continue;
      const local = scope.id === own.id;
      // The last binding visible at the use, found without building the list of those before it
      // (needed only when a branch separates it from the use).
      let lastBefore = all.length - 1;
      while (lastBefore >= 0 && all[lastBefore].visibleFrom > at) lastBefore--;
      // From an inner function, a global is looked up when the function runs: prefer the last one before, else the last.
      if (lastBefore < 0 && local) return [undefined];
      const last = all[lastBefore >= 0 ? lastBefore : all.length - 1];
      const branch = this.separatingConditional(last.target, identifier, scope);
      if (!branch) return this.valuesOf(last);
      const chosen = lastBefore >= 0 ? all.filter((b) => b.visibleFrom <= at) : all;
      const alternatives = chosen.filter((b) => isInside(b.target, branch));
      // `if …: x = a` / `else: x = b`: every branch binds it, so nothing from before reaches the use.
      if (this.everyBranchBinds(branch, alternatives)) return alternatives.flatMap((b) => this.valuesOf(b));
      const previous = chosen.filter((b) => b.target.endIndex <= branch.startIndex).pop();
      return [...alternatives, ...(previous ? [previous] : [])].flatMap((b) => this.valuesOf(b)).concat(previous ? [] : [undefined]);
    }
    return [];
  }

  /** The value nodes a binding stands for: its value, a parameter's arguments, or an unpacked return. */
  private valuesOf(b: Binding): (Node | undefined)[] {
    if (b.param) return this.argumentsFor(b);
    if (b.element && b.value) return this.unpackedReturns(b.value, b.element.index, b.element.count);
    return [b.value];
  }

  private unpackDepth = 0;

  /**
   * `a, b = helper(...)` where `helper` is a function of this file (or of the project): the
   * expression at `index` of each `return x, y` in it. Unknown when a return is not a tuple of
   * `count` values.
   */
  private unpackedReturns(call: Node, index: number, count: number): (Node | undefined)[] {
    const fn = call.childForFieldName('function');
    let def = fn?.type === 'identifier' && !this.bindingsIn(this.root).has(fn.text) ? this.functions.get(fn.text) : undefined;
    // `validity, label = self.discriminator(x)`: a model of this file whose forward returns a tuple.
    if (!def && fn && !this.qualifiedName(fn)) {
      const o = this.objectOf(fn);
      if (o.kind === 'module' && o.module.cls && !o.module.owner) def = o.module.cls.forward;
    }
    const body = def?.childForFieldName('body');
    if (!def || !body || this.unpackDepth >= MAX_UNPACK_DEPTH) return [undefined];
    const out: (Node | undefined)[] = [];
    this.unpackDepth++;
    try {
      for (const r of this.index.within(body, 'return_statement')) {
        if (this.index.closest(r, NESTED_SCOPES)?.id !== def.id) continue;
        const value = named(r)[0];
        const v = value ? unparen(value) : undefined;
        const parts = v && (v.type === 'expression_list' || v.type === 'tuple') ? named(v) : undefined;
        out.push(parts && parts.length === count ? parts[index] : undefined);
      }
    } finally {
      this.unpackDepth--;
    }
    return out.length ? out : [undefined];
  }

  /**
   * What a parameter of a module-level function receives: the argument at every call site in this
   * file (`train(model, loader)` → `model`'s definition there), else the default; unknown when the
   * function is never called here or a call passes `*args`/`**kwargs`.
   */
  private argumentsFor(b: Binding): (Node | undefined)[] {
    const fn = b.param!.fn;
    const name = optText(fn.childForFieldName('name'));
    if (name && this.functions.get(name)?.id !== fn.id) return this.methodArgumentsFor(b, name);
    if (!name) return [undefined];
    const values: (Node | undefined)[] = [];
    const bind = (call: Node): boolean => {
      const args = callArgs(call);
      if (args.splat) return false;
      values.push(args.keywords.get(b.name) ?? (b.param!.index >= 0 ? args.positional[b.param!.index] : undefined) ?? b.param!.default);
      return true;
    };
    for (const call of this.callsOf(name)) if (!bind(call)) return [undefined];
    // No call here: the project's files that import the function and call it (`from train import train`).
    if (!values.length && this.resolver?.callersOf && !this.bindingsIn(this.root).has(name)) {
      for (const { calls } of this.resolver.callersOf(name)) for (const call of calls) if (!bind(call)) return [undefined];
    }
    return values.length ? values : [undefined];
  }

  /**
   * A parameter of a method of a class of this file: the arguments at `self.<method>(...)` calls made
   * inside that class (`self` takes position 0). Unknown when the method is called any other way
   * (from outside, via super, with *args) or never.
   */
  private methodArgumentsFor(b: Binding, name: string): (Node | undefined)[] {
    const fn = b.param!.fn;
    const cls = this.index.closest(fn, CLASS);
    if (!cls || b.param!.index === 0) return [undefined];
    const body = cls.childForFieldName('body');
    if (!body || !named(body).some((st) => st.id === fn.id || (st.type === 'decorated_definition' && st.childForFieldName('definition')?.id === fn.id))) return [undefined];
    const values: (Node | undefined)[] = [];
    for (const call of this.methodCalls(name)) {
      const recv = receiver(call);
      if (!recv || recv.text !== 'self' || !isInside(call, cls)) return [undefined];
      const args = callArgs(call);
      if (args.splat) return [undefined];
      values.push(args.keywords.get(b.name) ?? (b.param!.index > 0 ? args.positional[b.param!.index - 1] : undefined) ?? b.param!.default);
    }
    return values.length ? values : [undefined];
  }

  /** Calls whose callee's qualified name is `qualified` (`torch.load`), in source order. */
  callsTo(qualified: string): Node[] {
    if (!this.callsByQualifiedName) {
      this.callsByQualifiedName = new Map();
      for (const call of this.calls) {
        const qn = this.calleeQualifiedName(call);
        if (qn === undefined) continue;
        const list = this.callsByQualifiedName.get(qn);
        if (list) list.push(call);
        else this.callsByQualifiedName.set(qn, [call]);
      }
    }
    return this.callsByQualifiedName.get(qualified) ?? [];
  }

  /** Calls of a bare name `name(...)`, in source order. */
  callsOf(name: string): Node[] {
    if (!this.callsByName) this.indexCallsByCallee();
    return this.callsByName!.get(name) ?? [];
  }

  /** `callsByName` and `methodIndex` in one pass over the calls (nearly every lint asks for both). */
  private indexCallsByCallee(): void {
    const byName = new Map<string, Node[]>();
    const byMethod = new Map<string, Node[]>();
    for (const call of this.calls) {
      const callee = call.childForFieldName('function');
      if (!callee) continue;
      let index: Map<string, Node[]>;
      let key: string;
      if (callee.type === 'identifier') {
        index = byName;
        key = callee.text;
      } else if (callee.type === 'attribute') {
        const attr = callee.childForFieldName('attribute');
        if (!attr || !attr.text) continue;
        index = byMethod;
        key = attr.text;
      } else continue;
      const list = index.get(key);
      if (list) list.push(call);
      else index.set(key, [call]);
    }
    this.callsByName = byName;
    this.methodIndex = byMethod;
  }

  /** An if/elif/else whose every branch (an else included) holds one of the bindings. */
  private everyBranchBinds(branch: Node, bindings: Binding[]): boolean {
    if (branch.type !== 'if_statement') return false;
    const blocks: Node[] = [];
    const consequence = branch.childForFieldName('consequence');
    if (consequence) blocks.push(consequence);
    let hasElse = false;
    for (const alt of branch.childrenForFieldName('alternative')) {
      const body = alt.childForFieldName('consequence') ?? alt.childForFieldName('body');
      if (alt.type === 'else_clause') hasElse = true;
      if (body) blocks.push(body);
    }
    return hasElse && blocks.every((block) => bindings.some((b) => isInside(b.target, block)));
  }

  /** The outermost if/try/loop inside `scope` that contains `definition` but not `use`. */
  private separatingConditional(definition: Node, use: Node, scope: Node): Node | undefined {
    let found: Node | undefined;
    // The index's ancestor chain, read directly (this runs for most name lookups: no generator).
    const { nodes, parents } = this.index;
    for (let i = this.index.enclosingPosition(definition); i >= 0; i = parents[i]) {
      const p = nodes[i];
      if (p.id === scope.id) break;
      if (CONDITIONAL_TYPES.has(p.type) && !isInside(use, p)) found = p;
    }
    return found;
  }

  private collect(): void {
    const add = (scope: Node, b: Binding) => {
      let map = this.bindings.get(scope.id);
      if (!map) this.bindings.set(scope.id, (map = new Map()));
      const list = map.get(b.name) ?? [];
      list.push(b);
      map.set(b.name, list);
    };
    const bindTarget = (target: Node, value: Node | undefined, visibleFrom: number, element?: Binding['element']) => {
      const t = unparen(target);
      const scope = this.scopeOf(t);
      if (t.type === 'identifier') add(scope, { name: t.text, target: t, value, visibleFrom, element });
      else if (t.type === 'pattern_list' || t.type === 'tuple_pattern' || t.type === 'list_pattern') {
        const parts = named(t);
        const v = value ? unparen(value) : undefined;
        const values = v && (v.type === 'expression_list' || v.type === 'tuple') ? named(v) : undefined;
        parts.forEach((p, i) => {
          if (values) bindTarget(p, values.length === parts.length ? values[i] : undefined, visibleFrom);
          // `model, opt = get_model()`: resolved lazily against the function's returned tuples.
          else if (!element && v?.type === 'call' && p.type === 'identifier') bindTarget(p, v, visibleFrom, { index: i, count: parts.length });
          else bindTarget(p, undefined, visibleFrom);
        });
      }
    };
    const { nodes, types } = this.index;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const type = types[i];
      if (!COLLECTED_TYPES.has(type)) continue;
      if (SCOPE_TYPES.includes(type)) this.addScope(node);
      if (type === 'class_definition') this.classNodes.push(node);
      switch (type) {
        case 'call':
          this.calls.push(node);
          break;
        case 'assignment': {
          const left = node.childForFieldName('left');
          const right = node.childForFieldName('right');
          if (left && optType(right) !== 'assignment') bindTarget(left, right ?? undefined, node.endIndex);
          else if (left && right) {
            // Chained `a = b = value`.
            let value: Node = right;
            while (value.type === 'assignment' && value.childForFieldName('right')) value = value.childForFieldName('right')!;
            bindTarget(left, value, node.endIndex);
          }
          break;
        }
        case 'augmented_assignment': {
          const left = node.childForFieldName('left');
          if (left) bindTarget(left, undefined, node.endIndex);
          break;
        }
        case 'named_expression': {
          const name = node.childForFieldName('name');
          if (name) bindTarget(name, node.childForFieldName('value') ?? undefined, node.endIndex);
          break;
        }
        case 'for_statement':
        case 'for_in_clause': {
          const left = node.childForFieldName('left');
          if (left) bindTarget(left, undefined, left.endIndex);
          break;
        }
        case 'as_pattern': {
          const alias = node.childForFieldName('alias');
          const target = alias && named(alias)[0];
          if (target) bindTarget(target, undefined, target.endIndex);
          break;
        }
        case 'function_definition': {
          const params = node.childForFieldName('parameters');
          let index = 0;
          for (const p of params ? named(params) : []) {
            if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || p.type === 'keyword_separator') index = -Infinity;
            const id = parameterName(p);
            if (!id) continue;
            const param = { fn: node, index: index >= 0 ? index : -1, default: p.childForFieldName('value') ?? undefined };
            add(node, { name: id.text, target: id, value: undefined, visibleFrom: id.endIndex, param });
            index++;
          }
          const name = node.childForFieldName('name');
          const scope = this.scopeOf(node);
          if (name) this.declare(scope, name);
          if (name && scope.id === this.root.id) this.functions.set(name.text, node);
          break;
        }
        case 'class_definition': {
          const name = node.childForFieldName('name');
          if (name) this.declare(this.scopeOf(node), name);
          break;
        }
        case 'lambda': {
          const params = node.childForFieldName('parameters');
          for (const p of params ? named(params) : []) {
            const id = parameterName(p);
            if (id) this.declare(node, id);
          }
          break;
        }
      }
      if (type === 'for_statement' || type === 'while_statement') {
        const body = node.childForFieldName('body');
        // Pre-order: enclosing loops were pushed already.
        const outer = this.enclosingLoops(node).map((l) => l.node).reverse();
        if (body) {
          const loop = { node, body, outer, bodyStart: body.startIndex, bodyEnd: body.endIndex };
          this.loops.push(loop);
          this.loopByNode.set(node.id, loop);
        }
      }
    }
  }

  // ───────────────────────────── nn.Module classes ─────────────────────────────

  private collectModuleClasses(): void {
    const classes = this.classNodes;
    // Fixpoint: a class is a module if a base is torch.nn.Module or an already-known module class.
    let changed = true;
    while (changed) {
      changed = false;
      for (const c of classes) {
        const name = optText(c.childForFieldName('name'));
        if (!name || this.moduleClasses.has(name)) continue;
        const supers = c.childForFieldName('superclasses');
        const bases = supers ? named(supers).filter((b) => b.type !== 'keyword_argument') : [];
        const isModule = bases.some((b) => this.qualifiedName(b) === 'torch.nn.Module' || this.moduleClasses.has(b.text));
        if (!isModule) continue;
        this.moduleClasses.set(name, {
          name,
          node: c,
          bases: bases.map((b) => this.moduleClasses.get(b.text)).filter((b): b is ModuleClass => !!b),
          attributes: new Map(),
          methods: new Map(),
        });
        changed = true;
      }
    }
    for (const cls of this.moduleClasses.values()) {
      const body = cls.node.childForFieldName('body');
      for (const stmt of body ? named(body) : []) {
        const fn = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
        if (!fn || fn.type !== 'function_definition') continue;
        const name = optText(fn.childForFieldName('name'));
        if (name) cls.methods.set(name, fn);
        for (const n of this.index.within(fn, 'assignment')) {
          const left = n.childForFieldName('left');
          const right = n.childForFieldName('right');
          if (left && left.type === 'attribute' && optText(left.childForFieldName('object')) === 'self' && right) {
            const attr = left.childForFieldName('attribute')!.text;
            cls.attributes.set(attr, [...(cls.attributes.get(attr) ?? []), right]);
          }
        }
      }
    }
    // Inherit forward and attributes from local base classes.
    const resolveInheritance = (cls: ModuleClass, seen = new Set<string>()): void => {
      if (seen.has(cls.name)) return;
      seen.add(cls.name);
      cls.forward = cls.methods.get('forward');
      for (const base of cls.bases) {
        resolveInheritance(base, seen);
        cls.forward ??= base.forward;
        for (const [k, v] of base.attributes) if (!cls.attributes.has(k)) cls.attributes.set(k, v);
      }
    };
    for (const cls of this.moduleClasses.values()) resolveInheritance(cls);
  }

  /** The module class whose method contains `node`, if any. */
  enclosingModuleClass(node: Node): ModuleClass | undefined {
    const cls = this.index.closest(node, CLASS);
    const name = cls && optText(cls.childForFieldName('name'));
    return name ? this.moduleClasses.get(name) : undefined;
  }

  // ───────────────────────────── objects ─────────────────────────────

  /** What an expression denotes: a loss, a module (layer/Sequential/model), an optimizer, a scaler, or unknown. */
  objectOf(expr: Node): TorchObject {
    const node = unparen(expr);
    if (node.tree !== this.root.tree) return this.foreign(node)?.objectOf(node) ?? UNKNOWN_OBJECT;
    const memo = this.objectMemo.get(node.id);
    if (memo) return memo;
    const key = node.id;
    if (this.visitingObjects.has(key) || this.visitingTooDeep()) return UNKNOWN_OBJECT;
    this.visitingObjects.add(key);
    try {
      const result = this.computeObject(node);
      this.objectMemo.set(node.id, result);
      return result;
    } finally {
      this.visitingObjects.delete(key);
    }
  }

  private computeObject(node: Node): TorchObject {
    const qn = node.type === 'identifier' || node.type === 'attribute' ? this.qualifiedName(node) : undefined;
    if (qn && FUNCTIONAL_LOSSES[qn]) return { kind: 'loss', loss: FUNCTIONAL_LOSSES[qn], functional: true, node };
    if (node.type === 'identifier') {
      if (node.text === 'self') {
        const cls = this.enclosingModuleClass(node);
        if (cls) return { kind: 'module', module: { qname: cls.name, node: cls.node, cls } };
      }
      if (qn) return UNKNOWN_OBJECT;
      const defs = this.definitions(node);
      // A parameter nobody is seen passing (`def train(model, opt, ...)` with no call site): its role
      // from its uses in the function.
      if (defs.length === 1 && defs[0] === undefined) return this.parameterRole(node);
      return this.combineObjects(defs.map((d) => (d ? this.objectOf(d) : UNKNOWN_OBJECT)));
    }
    if (node.type === 'attribute') {
      const object = node.childForFieldName('object');
      const attr = optText(node.childForFieldName('attribute'));
      if (optText(object) === 'self' && attr) {
        const cls = this.enclosingModuleClass(node);
        const values = cls?.attributes.get(attr);
        if (values?.length) return this.combineObjects(values.map((v) => this.objectOf(v)));
      }
      return UNKNOWN_OBJECT;
    }
    if (node.type === 'call') return this.objectOfCall(node);
    if (node.type === 'subscript') {
      const base = this.objectOf(node.childForFieldName('value')!);
      const children = base.kind === 'module' ? base.module.children : undefined;
      const index = node.childForFieldName('subscript');
      if (!children || !index) return UNKNOWN_OBJECT;
      if (index.type === 'integer' || (index.type === 'unary_operator' && /^-\s*\d+$/.test(index.text))) {
        const i = Number(index.text.replace(/\s/g, ''));
        const child = children[i < 0 ? children.length + i : i];
        return child ? { kind: 'module', module: child } : UNKNOWN_OBJECT;
      }
      if (index.type === 'slice') {
        const m = /^(-?\d+)?\s*:\s*(-?\d+)?$/.exec(index.text);
        if (!m) return UNKNOWN_OBJECT;
        const sliced = children.slice(m[1] ? Number(m[1]) : 0, m[2] ? Number(m[2]) : undefined);
        return { kind: 'module', module: { qname: 'torch.nn.Sequential', node, children: sliced } };
      }
    }
    return UNKNOWN_OBJECT;
  }

  private objectOfCall(call: Node): TorchObject {
    const fn = call.childForFieldName('function');
    if (!fn) return UNKNOWN_OBJECT;
    const qn = this.qualifiedName(fn);
    if (qn) {
      if (/^torch\.nn\.[A-Za-z0-9]*Loss$/.test(qn)) return { kind: 'loss', loss: qn.slice('torch.nn.'.length), functional: false, node: call };
      // Wrappers that run the module they wrap: the same model for every rule.
      if (MODULE_WRAPPERS.has(qn)) {
        const inner = callArgs(call).keywords.get('module') ?? callArgs(call).positional[0];
        return inner ? this.objectOf(inner) : UNKNOWN_OBJECT;
      }
      if (qn === 'torch.nn.Sequential') return { kind: 'module', module: { qname: qn, node: call, children: this.sequentialChildren(call) } };
      if (qn.startsWith('torch.optim.') && /^[A-Z]/.test(qn.split('.').pop()!) && !qn.includes('lr_scheduler')) return { kind: 'optimizer', qname: qn, node: call };
      if (qn === 'torch.amp.GradScaler') return { kind: 'scaler', node: call };
      if (/^torch\.nn\.[A-Z]\w*$/.test(qn)) return { kind: 'module', module: { qname: qn, node: call } };
      if (MODEL_ZOO.test(qn)) return { kind: 'module', module: { qname: qn, node: call } };
      const external = this.resolver?.lookup(qn);
      if (external) {
        const cls = external.model.moduleClasses.get(external.name);
        if (cls) return { kind: 'module', module: { qname: cls.name, node: call, cls, owner: external.model } };
        const fnDef = external.model.functions.get(external.name);
        if (fnDef) return external.model.objectOfReturns(fnDef);
      }
      return UNKNOWN_OBJECT;
    }
    if (fn.type === 'identifier' && this.functions.has(fn.text) && !this.bindingsIn(this.root).has(fn.text)) {
      return this.objectOfReturns(this.functions.get(fn.text)!);
    }
    if (fn.type === 'identifier' && this.moduleClasses.has(fn.text)) {
      const cls = this.moduleClasses.get(fn.text)!;
      return { kind: 'module', module: { qname: cls.name, node: call, cls } };
    }
    const method = fn.type === 'attribute' ? optText(fn.childForFieldName('attribute')) : undefined;
    const recv = receiver(call);
    if (method && recv && SELF_RETURNING_METHODS.has(method)) {
      const inner = this.objectOf(recv);
      if (inner.kind !== 'unknown') return inner;
    }
    return UNKNOWN_OBJECT;
  }

  /** Children of `nn.Sequential(a, b, c)` or `nn.Sequential(OrderedDict([...]))`; undefined if not static. */
  private sequentialChildren(call: Node): ModuleInfo[] | undefined {
    const args = callArgs(call);
    if (args.splat) return undefined;
    let items = args.positional;
    if (items.length === 1 && items[0].type === 'call' && /OrderedDict$/.test(optText(items[0].childForFieldName('function')) ?? '')) {
      const list = callArgs(items[0]).positional[0];
      if (!list || list.type !== 'list') return undefined;
      items = named(list).map((t) => (t.type === 'tuple' ? named(t)[1] : t));
    }
    const children: ModuleInfo[] = [];
    for (const item of items) {
      if (!item) return undefined;
      const o = this.objectOf(item);
      if (o.kind !== 'module') return undefined;
      children.push({ ...o.module, node: item });
    }
    return children;
  }

  /**
   * The role a parameter's uses give it inside its function: `.step()` / `.zero_grad()` without
   * arguments → an optimizer; `.parameters()`, `.train()`, `.eval()`, `.state_dict()` → a module
   * (of unknown layers). Anything else, or both, stays unknown.
   */
  private parameterRole(identifier: Node): TorchObject {
    const fn = this.scopeOf(identifier);
    if (fn.type !== 'function_definition' || !this.torchInScope) return UNKNOWN_OBJECT;
    const binding = this.bindingsIn(fn).get(identifier.text)?.find((b) => b.param);
    if (!binding) return UNKNOWN_OBJECT;
    const usedAs = (methods: string[]) =>
      methods.some((m) =>
        // Only the calls inside `fn` (a binary search: the file's calls of `m` are in source order).
        this.methodCallsWithin(m, fn).some((c) => {
          const recv = receiver(c);
          return recv?.type === 'identifier' && recv.text === identifier.text && isInside(c, fn) && this.scopeOf(c).id === fn.id && callArgs(c).positional.length === 0;
        }),
      );
    const optimizer = usedAs(['step', 'zero_grad']) && !usedAs(['parameters', 'forward']);
    const module = usedAs(['parameters', 'train', 'eval', 'state_dict', 'named_parameters']);
    if (optimizer && !module) return { kind: 'optimizer', qname: 'torch.optim.Optimizer', node: binding.target };
    if (module && !optimizer) return { kind: 'module', module: { qname: 'torch.nn.Module', node: binding.target } };
    return UNKNOWN_OBJECT;
  }

  /** What a helper function returns as an object (`def get_model(): return Net().to(device)`). */
  objectOfReturns(fn: Node): TorchObject {
    const body = fn.childForFieldName('body');
    if (!body) return UNKNOWN_OBJECT;
    const objects: TorchObject[] = [];
    for (const n of this.index.within(body, 'return_statement')) {
      if (this.index.closest(n, NESTED_SCOPES)?.id !== fn.id) continue;
      const value = named(n)[0];
      objects.push(value ? this.objectOf(value) : UNKNOWN_OBJECT);
    }
    return this.combineObjects(objects);
  }

  private foreign(node: Node) {
    const model = this.resolver?.modelOfNode?.(node);
    return model && model !== this ? model : undefined;
  }

  private combineObjects(objects: TorchObject[]): TorchObject {
    if (!objects.length) return UNKNOWN_OBJECT;
    const first = objects[0];
    // Nodes compare by identity: ids are positions in one tree, and values may come from other files.
    const same = objects.every((o) => {
      if (o.kind !== first.kind) return false;
      // The same kind of loss built in two places (two callers each pass nn.CrossEntropyLoss()) is
      // that loss; fixes check that their definition is the one being edited (soleUse, same tree).
      if (o.kind === 'loss' && first.kind === 'loss') return o.loss === first.loss && o.functional === first.functional;
      if (o.kind === 'module' && first.kind === 'module') return o.module.node === first.module.node || (!!o.module.cls && o.module.cls === first.module.cls);
      return o.kind !== 'unknown';
    });
    return same ? first : UNKNOWN_OBJECT;
  }

  // ───────────────────────────── values ─────────────────────────────

  /** Analyses nested this deep give up (unknown) rather than recurse further. */
  private visitingTooDeep(): boolean {
    return this.visitingValues.size + this.visitingObjects.size > 200;
  }

  /** What the tensor value of `expr` is known to be (sigmoid output, logits, …) or unknown. */
  valueOf(expr: Node): ValueFact {
    const node = unparen(expr);
    if (node.tree !== this.root.tree) {
      // An argument bound from another file's call: that file's model answers; its nodes are no
      // position (nor edit) in this file.
      const f = this.foreign(node)?.valueOf(node);
      return !f || f.kind === 'unknown' ? UNKNOWN : { ...f, origin: undefined, via: f.via === 'inline' ? 'variable' : f.via };
    }
    const memo = this.valueMemo.get(node.id);
    if (memo) return memo;
    const key = node.id;
    if (this.visitingValues.has(key) || this.visitingTooDeep()) return UNKNOWN;
    this.visitingValues.add(key);
    try {
      const result = this.computeValue(node);
      this.valueMemo.set(node.id, result);
      return result;
    } finally {
      this.visitingValues.delete(key);
    }
  }

  private computeValue(node: Node): ValueFact {
    switch (node.type) {
      case 'identifier': {
        if (this.qualifiedName(node)) return UNKNOWN;
        const facts = this.definitions(node).map((d) => (d ? this.valueOf(d) : UNKNOWN));
        return viaVariable(combineFacts(facts));
      }
      case 'subscript':
        // Indexing/slicing a tensor keeps what it is: `out[:, 0]`, `logits[0]`.
        return this.valueOf(node.childForFieldName('value')!);
      case 'conditional_expression': {
        const parts = named(node);
        return combineFacts([this.valueOf(parts[0]), this.valueOf(parts[2])]);
      }
      case 'call':
        return this.valueOfCall(node);
      default:
        return UNKNOWN;
    }
  }

  private valueOfCall(call: Node): ValueFact {
    const fn = call.childForFieldName('function');
    if (!fn) return UNKNOWN;
    const args = callArgs(call);
    const qn = this.qualifiedName(fn);
    if (qn) {
      const kind = ACTIVATION_FUNCTIONS[qn];
      if (kind) return { kind, origin: call, via: 'inline' };
      if (PASSTHROUGH_FUNCTIONS.has(qn) && args.positional[0]) return this.valueOf(args.positional[0]);
      const external = this.resolver?.lookup(qn);
      const fnDef = external?.model.functions.get(external.name);
      if (fnDef) {
        const f = external!.model.returnsOf(fnDef);
        if (f.kind === 'unknown') return UNKNOWN;
        const owner = external!.model;
        const elsewhere = f.elsewhere ?? (f.origin && owner.path ? { path: owner.path, line: owner.lineAt(f.origin.startIndex) } : undefined);
        return { ...f, origin: undefined, via: 'variable', elsewhere };
      }
      return UNKNOWN;
    }
    const method = fn.type === 'attribute' ? optText(fn.childForFieldName('attribute')) : undefined;
    const recv = receiver(call);
    if (method && recv && this.torchInScope) {
      const kind = ACTIVATION_METHODS[method];
      if (kind && this.objectOf(recv).kind === 'unknown') return { kind, origin: call, via: 'inline' };
      if (PASSTHROUGH_METHODS.has(method) && this.objectOf(recv).kind === 'unknown') return this.valueOf(recv);
    }
    // A helper function of this file: what its returns are.
    if (fn.type === 'identifier' && this.functions.has(fn.text) && !this.bindingsIn(this.root).has(fn.text)) {
      return viaVariable(this.returnsOf(this.functions.get(fn.text)!));
    }
    const object = this.objectOf(fn);
    if (object.kind === 'module') return this.moduleOutput(object.module, call);
    return UNKNOWN;
  }

  /** What calling `module` returns; `call` is the application site (origin of activation layers). */
  moduleOutput(module: ModuleInfo, call?: Node): ValueFact {
    if (module.owner && module.owner !== this) {
      // The activation sits in another file: its node is no position (nor edit) in this one.
      const f = module.owner.moduleOutput(module);
      if (f.kind === 'unknown') return UNKNOWN;
      const elsewhere = f.elsewhere ?? (f.origin && module.owner.path ? { path: module.owner.path, line: module.owner.lineAt(f.origin.startIndex) } : undefined);
      return { ...f, origin: undefined, via: 'model', elsewhere };
    }
    if (module.cls) {
      const forward = module.cls.forward;
      if (!forward) return UNKNOWN;
      const f = this.returnsOf(forward);
      return f.kind === 'unknown' ? UNKNOWN : { ...f, via: 'model', model: module.cls.name };
    }
    const activation = ACTIVATION_LAYERS[module.qname];
    if (activation) return { kind: activation, origin: call ?? module.node, via: call ? 'inline' : 'model' };
    if (LOGIT_LAYERS.has(module.qname)) return { kind: 'logits', via: 'model', model: module.qname.split('.').pop() };
    if (module.qname === 'torch.nn.Sequential' && module.children) {
      for (let i = module.children.length - 1; i >= 0; i--) {
        const child = module.children[i];
        if (PASSTHROUGH_LAYERS.has(child.qname)) continue;
        const f = this.moduleOutput(child);
        return f.kind === 'unknown' ? UNKNOWN : { ...f, via: 'model', model: f.model && child.cls ? f.model : 'nn.Sequential' };
      }
    }
    return UNKNOWN;
  }

  /** Combined fact of a function's `return` expressions (nested functions excluded). */
  returnsOf(fn: Node): ValueFact {
    const facts: ValueFact[] = [];
    const body = fn.childForFieldName('body');
    if (!body) return UNKNOWN;
    for (const n of this.index.within(body, 'return_statement')) {
      // Returns of nested functions/classes are theirs, not fn's.
      if (this.index.closest(n, NESTED_SCOPES)?.id !== fn.id) continue;
      const value = named(n)[0];
      facts.push(value ? this.valueOf(value) : UNKNOWN);
    }
    return combineFacts(facts);
  }

  // ───────────────────────────── losses, regions ─────────────────────────────

  /** Every call of a loss in the file, with its input and target arguments. */
  lossCalls(): LossCall[] {
    if (this.lossCallCache) return this.lossCallCache;
    const out: LossCall[] = [];
    for (const call of this.calls) {
      const fn = call.childForFieldName('function');
      if (!fn) continue;
      const object = this.objectOf(fn);
      if (object.kind !== 'loss') continue;
      const args = callArgs(call);
      out.push({
        call,
        loss: object.loss,
        functional: object.functional,
        definition: object.node,
        input: args.keywords.get('input') ?? args.positional[0],
        target: args.keywords.get('target') ?? args.positional[1],
      });
    }
    this.lossCallCache = out;
    return out;
  }

  /** Method calls `<receiver>.<name>(...)` (e.g. `step`, `backward`, `zero_grad`), in source order. */
  methodCalls(name: string): Node[] {
    if (!this.methodIndex) this.indexCallsByCallee();
    return this.methodIndex!.get(name) ?? [];
  }

  /** `methodCalls(name)` that start inside `container`'s range, in source order. */
  private methodCallsWithin(name: string, container: Node): Node[] {
    const calls = this.methodCalls(name);
    const end = container.endIndex;
    const lo = firstStartingAt(calls, container.startIndex);
    let last = lo;
    while (last < calls.length && calls[last].startIndex <= end) last++;
    return lo === 0 && last === calls.length ? calls : calls.slice(lo, last);
  }

  /** All loss calls that use the same loss definition as `lossCall` (for fix safety). */
  usesOfLoss(definition: Node): LossCall[] {
    return this.lossCalls().filter((c) => c.definition.id === definition.id);
  }

  /** Loops whose body holds the start of `node`, innermost first. */
  enclosingLoops(node: Node): LoopInfo[] {
    const at = node.startIndex;
    const out: LoopInfo[] = [];
    // The indexed nodes containing `at` form one chain of ancestors; loops are indexed.
    for (let i = this.index.innermost(at, at); i >= 0; i = this.index.parents[i]) {
      const loop = this.loopByNode.get(this.index.nodes[i].id);
      if (loop && at >= loop.bodyStart && at < loop.bodyEnd) out.push(loop);
    }
    return out;
  }

  /** True inside `with torch.no_grad()` / `torch.inference_mode()` / `set_grad_enabled(False)` or a function decorated with them. */
  inNoGrad(node: Node): boolean {
    if (node.tree !== this.root.tree) return this.foreign(node)?.inNoGrad(node) ?? false;
    const isNoGrad = (expr: Node | null | undefined): boolean => {
      if (!expr) return false;
      const e = unparen(expr);
      const target = e.type === 'call' ? e.childForFieldName('function') : e;
      const qn = target ? this.qualifiedName(target) : undefined;
      if (qn === 'torch.no_grad' || qn === 'torch.inference_mode') return true;
      return qn === 'torch.set_grad_enabled' && e.type === 'call' && optText(callArgs(e).positional[0]) === 'False';
    };
    const disablesGrad = (p: Node): boolean => {
      if (p.type === 'with_statement') {
        const clause = named(p).find((c) => c.type === 'with_clause');
        for (const item of clause ? named(clause) : []) {
          const value = item.childForFieldName('value');
          if (isNoGrad(value && value.type === 'as_pattern' ? named(value)[0] : value)) return true;
        }
        return false;
      }
      for (const d of named(p).filter((c) => c.type === 'decorator')) if (isNoGrad(named(d)[0])) return true;
      return false;
    };
    const { nodes, parents, types } = this.index;
    for (let i = this.index.enclosingPosition(node); i >= 0; i = parents[i]) {
      if (!NO_GRAD_CONTEXTS.has(types[i])) continue;
      const p = nodes[i];
      let memo = this.noGradMemo.get(p.id);
      if (memo === undefined) {
        memo = disablesGrad(p);
        this.noGradMemo.set(p.id, memo);
      }
      if (memo) return true;
    }
    return false;
  }

  /** `x.train()` / `x.eval()` / `x.train(False)` calls on modules: mode is what they switch to. */
  modeToggles(): { call: Node; receiver: Node; mode: 'train' | 'eval' }[] {
    const out: { call: Node; receiver: Node; mode: 'train' | 'eval' }[] = [];
    for (const call of this.calls) {
      const fn = call.childForFieldName('function');
      const method = fn && fn.type === 'attribute' ? optText(fn.childForFieldName('attribute')) : undefined;
      const recv = receiver(call);
      if (!recv || (method !== 'train' && method !== 'eval')) continue;
      if (this.objectOf(recv).kind !== 'module') continue;
      const off = method === 'train' && optText(callArgs(call).positional[0]) === 'False';
      out.push({ call, receiver: recv, mode: method === 'eval' || off ? 'eval' : 'train' });
    }
    return out;
  }
}

function combineFacts(facts: ValueFact[]): ValueFact {
  if (!facts.length) return UNKNOWN;
  const first = facts[0];
  return facts.every((f) => f.kind === first.kind) ? first : UNKNOWN;
}

function viaVariable(f: ValueFact): ValueFact {
  return f.via === 'inline' && f.kind !== 'unknown' ? { ...f, via: 'variable' } : f;
}
