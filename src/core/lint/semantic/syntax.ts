// Small, allocation-light helpers over tree-sitter-python nodes, shared by the semantic layer and rules.
import type { Node } from '../parser';

/**
 * Depth-first pre-order walk; return `false` from `visit` to skip a node's children. With `only`,
 * `visit` sees just nodes of those types (much faster: a Node object is only built for them).
 */
export function walk(root: Node, visit: (node: Node) => boolean | void, only?: ReadonlySet<string>): void {
  const cursor = root.walk();
  try {
    let descend = true;
    for (;;) {
      const wanted = !only || only.has(cursor.nodeType);
      if (descend && (!wanted || visit(cursor.currentNode) !== false) && cursor.gotoFirstChild()) continue;
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
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

export interface CallArgs {
  positional: Node[];
  keywords: Map<string, Node>;
  /** `*args` / `**kwargs` present: positions are not known exactly. */
  splat: boolean;
}

export function callArgs(call: Node): CallArgs {
  const result: CallArgs = { positional: [], keywords: new Map(), splat: false };
  const list = call.childForFieldName('arguments');
  if (!list) return result;
  if (list.type === 'generator_expression') {
    result.positional.push(list);
    return result;
  }
  for (const arg of named(list)) {
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name');
      const value = arg.childForFieldName('value');
      if (name && value) result.keywords.set(name.text, value);
    } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
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
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** `obj` of a method call `obj.m(...)`. */
export function receiver(call: Node): Node | undefined {
  const fn = call.childForFieldName('function');
  return fn?.type === 'attribute' ? (fn.childForFieldName('object') ?? undefined) : undefined;
}

export function isNumber(node: Node | undefined, value?: number): boolean {
  if (!node) return false;
  const n = unparen(node);
  if (n.type !== 'integer' && n.type !== 'float') return false;
  return value === undefined || Number(n.text) === value;
}
