// Small helpers over syntax nodes, shared by the semantic layer and rules.
//
// Nodes are plain-JS copies of tree-sitter's (../syntax-tree.ts), so `node.type`, `.endIndex`,
// `.text`, `.parent` are property reads. `typeOf`, `endOf`, `textOf`, `field` remain as the
// shared vocabulary; `named` and `callArgs` are memoised on the node (they depend only on its
// subtree, so the answers stay right when an edit moves the node into the next copy; do not
// mutate what they return).
import type { Node } from '../parser';
import { allIndexed, TreeIndex } from './tree-index';

export function typeOf(node: Node): string {
  return node.type;
}

export function endOf(node: Node): number {
  return node.endIndex;
}

export function textOf(node: Node): string {
  return node.text;
}

/** `node.childForFieldName(name)` (null when absent). */
export function field(node: Node, name: string): Node | null {
  return node.childForFieldName(name);
}

/**
 * Depth-first pre-order walk; return `false` from `visit` to skip a node's children, `'stop'` to end
 * the walk (a question already answered need not see the rest of the file). With `only`,
 * `visit` sees just nodes of those types: named ones from the shared TreeIndex when it holds every
 * type, else any node of those types (as tree-sitter's `descendantsOfType`). `only` is remembered by
 * identity: pass a constant Set and do not change it afterwards.
 */
export function walk(root: Node, visit: (node: Node) => boolean | void | 'stop', only?: ReadonlySet<string>): void {
  if (only && allIndexed(only)) {
    TreeIndex.of(root).visit(root, visit, only);
    return;
  }
  // A subtree is one run of ids in the tree's pre-order `nodes`.
  const nodes = root.tree.nodes;
  const last = lastDescendant(root).id;
  const wanted = only ? typeIdsOf(only, root.tree.grammar.types) : undefined;
  for (let id = root.id; id <= last; id++) {
    const node = nodes[id];
    if (wanted && !wanted[node.typeId]) continue;
    const answer = visit(node);
    if (answer === false) id = lastDescendant(node).id;
    else if (answer === 'stop') return;
  }
}

/** Per grammar and set of type names: 1 at the type ids whose `type` is in the set (callers often build a new Set per call). */
const typeIdSets = new WeakMap<object, Map<string, Uint8Array>>();
/** The same, by the Set itself (most callers pass a constant Set: no key to build per walk). */
const typeIdsBySet = new WeakMap<ReadonlySet<string>, { names: readonly (string | null | undefined)[]; ids: Uint8Array }>();
function typeIdsOf(types: ReadonlySet<string>, names: readonly (string | null | undefined)[]): Uint8Array {
  const known = typeIdsBySet.get(types);
  if (known && known.names === names) return known.ids;
  const ids = typeIdsByKey(types, names);
  typeIdsBySet.set(types, { names, ids });
  return ids;
}
function typeIdsByKey(types: ReadonlySet<string>, names: readonly (string | null | undefined)[]): Uint8Array {
  let byKey = typeIdSets.get(names);
  if (!byKey) typeIdSets.set(names, (byKey = new Map()));
  const key = [...types].join(' ');
  let ids = byKey.get(key);
  if (!ids) {
    // Every uint16 id: a node's type is its grammar name, or ERROR (id 65535, or a name the grammar lacks).
    ids = new Uint8Array(65536);
    for (let id = 0; id < ids.length; id++) ids[id] = types.has((id === 65535 ? undefined : names[id]) ?? 'ERROR') ? 1 : 0;
    byKey.set(key, ids);
  }
  return ids;
}

/** The last node of `node`'s subtree in pre-order (itself when it is a leaf). */
function lastDescendant(node: Node): Node {
  let last = node;
  while (last.children.length) last = last.children[last.children.length - 1];
  return last;
}

/** `(x)` → `x`, repeatedly. */
export function unparen(node: Node): Node {
  let n = node;
  while (typeOf(n) === 'parenthesized_expression') {
    const inner = named(n);
    if (inner.length !== 1 || n.namedChildCount !== 1) break;
    n = inner[0];
  }
  return n;
}

/** Named children without comments (memoised: do not mutate the array). */
export function named(node: Node): Node[] {
  const memo = (node.memo ??= {});
  return (memo.named ??= node.namedChildren.filter((n) => n.type !== 'comment'));
}

export interface CallArgs {
  positional: Node[];
  keywords: Map<string, Node>;
  /** `*args` / `**kwargs` present: positions are not known exactly. */
  splat: boolean;
}

/** The arguments of a call (memoised: do not mutate the result). */
export function callArgs(call: Node): CallArgs {
  const memo = (call.memo ??= {});
  if (memo.args) return memo.args as CallArgs;
  const result: CallArgs = { positional: [], keywords: new Map(), splat: false };
  memo.args = result;
  const list = field(call, 'arguments');
  if (!list) return result;
  if (typeOf(list) === 'generator_expression') {
    result.positional.push(list);
    return result;
  }
  for (const arg of named(list)) {
    const type = typeOf(arg);
    if (type === 'keyword_argument') {
      const name = field(arg, 'name');
      const value = field(arg, 'value');
      if (name && value) result.keywords.set(textOf(name), value);
    } else if (type === 'list_splat' || type === 'dictionary_splat') {
      result.splat = true;
    } else {
      result.positional.push(arg);
    }
  }
  return result;
}

/** Argument by keyword, else by position. */
export function argument(call: Node, position: number, keyword?: string): Node | undefined {
  const args = callArgs(call);
  return (keyword ? args.keywords.get(keyword) : undefined) ?? args.positional[position];
}

export function isInside(node: Node, ancestor: Node): boolean {
  return node.startIndex >= ancestor.startIndex && node.endIndex <= ancestor.endIndex;
}

export function ancestors(node: Node): Node[] {
  const out: Node[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  return out;
}

export function closest(node: Node, types: string[]): Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (types.includes(p.type)) return p;
  return undefined;
}

/** The statement (direct child of a block or module) that contains `node`. */
export function statementOf(node: Node): Node {
  let n = node;
  while (n.parent && n.parent.type !== 'block' && n.parent.type !== 'module') n = n.parent;
  return n;
}

/** Function name of a method call `a.b.c(...)` → `c`; of `f(...)` → `f`. */
export function calleeName(call: Node): string | undefined {
  const fn = field(call, 'function');
  if (!fn) return undefined;
  const type = typeOf(fn);
  if (type === 'identifier') return textOf(fn);
  if (type === 'attribute') {
    const attr = field(fn, 'attribute');
    return attr ? textOf(attr) : undefined;
  }
  return undefined;
}

/** `obj` of a method call `obj.m(...)`. */
export function receiver(call: Node): Node | undefined {
  const fn = field(call, 'function');
  return fn && typeOf(fn) === 'attribute' ? (field(fn, 'object') ?? undefined) : undefined;
}

export function isNumber(node: Node | undefined, value?: number): boolean {
  if (!node) return false;
  const n = unparen(node);
  const type = typeOf(n);
  if (type !== 'integer' && type !== 'float') return false;
  return value === undefined || Number(textOf(n)) === value;
}
