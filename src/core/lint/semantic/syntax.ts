// Small, allocation-light helpers over tree-sitter-python nodes, shared by the semantic layer and rules.
//
// Performance (web-tree-sitter 0.25): every `node.type`, `endIndex`, `childForFieldName`,
// `namedChildren` is a call into wasm that allocates fresh Node objects, and `node.parent`
// re-descends from the root. The helpers below memoise those answers per syntax tree (keyed by
// node id, in a WeakMap on the Tree, so they go away with it): call `typeOf`, `endOf`, `textOf`,
// `field`, `named`, `callArgs` freely in loops instead of the Node properties.
import type { Node, Tree } from '../parser';
import { allIndexed, TreeIndex } from './tree-index';

interface TreeCache {
  type: Map<number, string>;
  end: Map<number, number>;
  text: Map<number, string>;
  named: Map<number, Node[]>;
  fields: Map<string, Map<number, Node | null>>;
  args: Map<number, CallArgs>;
}

const caches = new WeakMap<Tree, TreeCache>();

/** The memo tables of a node's tree. */
function cacheOf(node: Node): TreeCache {
  let c = caches.get(node.tree);
  if (!c) caches.set(node.tree, (c = { type: new Map(), end: new Map(), text: new Map(), named: new Map(), fields: new Map(), args: new Map() }));
  return c;
}

/** `node.type`, memoised. */
export function typeOf(node: Node): string {
  const c = cacheOf(node).type;
  let t = c.get(node.id);
  if (t === undefined) c.set(node.id, (t = node.type));
  return t;
}

/** `node.endIndex`, memoised. */
export function endOf(node: Node): number {
  const c = cacheOf(node).end;
  let e = c.get(node.id);
  if (e === undefined) c.set(node.id, (e = node.endIndex));
  return e;
}

/** `node.text`, memoised. */
export function textOf(node: Node): string {
  const c = cacheOf(node).text;
  let t = c.get(node.id);
  if (t === undefined) c.set(node.id, (t = node.text));
  return t;
}

/** `node.childForFieldName(name)`, memoised (null when absent). */
export function field(node: Node, name: string): Node | null {
  const fields = cacheOf(node).fields;
  let c = fields.get(name);
  if (!c) fields.set(name, (c = new Map()));
  let f = c.get(node.id);
  if (f === undefined) c.set(node.id, (f = node.childForFieldName(name)));
  return f;
}

/** Record facts already known (from an index build) so later lookups skip wasm. */
export function primeNode(node: Node, type: string, end: number): void {
  const c = cacheOf(node);
  c.type.set(node.id, type);
  c.end.set(node.id, end);
}

/**
 * Depth-first pre-order walk; return `false` from `visit` to skip a node's children. With `only`,
 * `visit` sees just nodes of those types (much faster: tree-sitter finds them inside wasm and a
 * Node object is only built for them).
 */
export function walk(root: Node, visit: (node: Node) => boolean | void, only?: ReadonlySet<string>): void {
  if (only && allIndexed(only)) {
    TreeIndex.of(root).visit(root, visit, only);
    return;
  }
  if (only) {
    // Pre-order list from wasm; a `false` from visit skips the nodes inside that one.
    let skipUntil = -1;
    let skipFrom = -1;
    for (const node of root.descendantsOfType([...only])) {
      if (!node) continue;
      if (skipUntil >= 0 && node.startIndex >= skipFrom && node.startIndex < skipUntil) continue;
      if (visit(node) === false) {
        skipFrom = node.startIndex;
        skipUntil = endOf(node);
        if (skipUntil === skipFrom) skipUntil = -1;
      }
    }
    return;
  }
  const cursor = root.walk();
  try {
    let descend = true;
    for (;;) {
      if (descend && visit(cursor.currentNode) !== false && cursor.gotoFirstChild()) continue;
      descend = true;
      if (cursor.gotoNextSibling()) continue;
      let climbed = false;
      while (cursor.gotoParent()) {
        if (cursor.currentNode.id === root.id) return;
        if (cursor.gotoNextSibling()) {
          climbed = true;
          break;
        }
      }
      if (!climbed) return;
    }
  } finally {
    cursor.delete();
  }
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
  const c = cacheOf(node).named;
  let list = c.get(node.id);
  if (!list) c.set(node.id, (list = node.namedChildren.filter((n): n is Node => n !== null && typeOf(n) !== 'comment')));
  return list;
}

export interface CallArgs {
  positional: Node[];
  keywords: Map<string, Node>;
  /** `*args` / `**kwargs` present: positions are not known exactly. */
  splat: boolean;
}

/** The arguments of a call (memoised: do not mutate the result). */
export function callArgs(call: Node): CallArgs {
  const cache = cacheOf(call).args;
  const cached = cache.get(call.id);
  if (cached) return cached;
  const result: CallArgs = { positional: [], keywords: new Map(), splat: false };
  cache.set(call.id, result);
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
  return node.startIndex >= ancestor.startIndex && endOf(node) <= endOf(ancestor);
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
