// One pass over a syntax tree that every rule shares: the nodes of the types the semantic layer
// and rules look for, in source (pre-)order, with their ranges and their nearest indexed ancestor.
// Answers "which calls are there", "which loop/with/class encloses this node" by binary search
// over arrays instead of walking the tree again.
import type { Node, SyntaxTree } from '../parser';

/** Node types the index holds. Ask `byType` only for these (others return []). */
export const INDEXED_TYPES: readonly string[] = [
  'call',
  'assignment',
  'augmented_assignment',
  'named_expression',
  'for_statement',
  'for_in_clause',
  'while_statement',
  'as_pattern',
  'function_definition',
  'lambda',
  'class_definition',
  'decorated_definition',
  'if_statement',
  'try_statement',
  'match_statement',
  'with_statement',
  'return_statement',
  'import_statement',
  'import_from_statement',
];
const INDEXED = new Set(INDEXED_TYPES);

const built = new WeakMap<SyntaxTree, TreeIndex>();

/** Per grammar: 1 at the type ids whose type is indexed (a lookup by number, not by string, per node). */
const indexedIdsByGrammar = new WeakMap<object, Uint8Array>();
function indexedTypeIds(tree: SyntaxTree): Uint8Array {
  const types = tree.grammar.types;
  let ids = indexedIdsByGrammar.get(types);
  if (!ids) {
    // 65536: every uint16 type id, ERROR's (65535) included.
    ids = new Uint8Array(65536);
    types.forEach((t, id) => {
      if (t && INDEXED.has(t)) ids![id] = 1;
    });
    indexedIdsByGrammar.set(types, ids);
  }
  return ids;
}

/** True when every type of `types` is indexed (so a TreeIndex can answer a walk over them). */
export function allIndexed(types: ReadonlySet<string>): boolean {
  for (const t of types) if (!INDEXED.has(t)) return false;
  return true;
}

export class TreeIndex {
  /** The index of a node's whole tree, built once per tree and shared (semantic model, rules, `walk`). */
  static of(node: Node): TreeIndex {
    let index = built.get(node.tree);
    if (!index) built.set(node.tree, (index = new TreeIndex(node.tree.rootNode)));
    return index;
  }

  /** Indexed nodes in pre-order. */
  readonly nodes: Node[] = [];
  readonly types: string[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** Position (in `nodes`) of the nearest indexed ancestor, or -1. */
  readonly parents: number[] = [];
  /** Position (in `nodes`) of an indexed node by node id, -1 for other nodes. */
  private readonly positions: Int32Array;
  private readonly lists = new Map<string, Node[]>();

  constructor(readonly root: Node) {
    // The tree's nodes are stored in pre-order, so `root`'s subtree is one run of ids.
    const all = root.tree.nodes;
    let last = root;
    while (last.children.length) last = last.children[last.children.length - 1];
    this.positions = new Int32Array(all.length).fill(-1);
    const indexed = indexedTypeIds(root.tree);
    for (let id = root.id; id <= last.id; id++) {
      const node = all[id];
      // Named only: anonymous tokens such as the `lambda` keyword share type names.
      if (!indexed[node.typeId] || !node.isNamed) continue;
      let parent = node.parent;
      while (parent && parent.id >= root.id && this.positions[parent.id] < 0) parent = parent.parent;
      const i = this.nodes.length;
      this.nodes.push(node);
      this.types.push(node.type);
      this.starts.push(node.startIndex);
      this.ends.push(node.endIndex);
      this.parents.push(parent && parent.id >= root.id ? this.positions[parent.id] : -1);
      this.positions[id] = i;
      let list = this.lists.get(node.type);
      if (!list) this.lists.set(node.type, (list = []));
      list.push(node);
    }
  }

  /** Indexed nodes of one type, in source order (do not mutate). */
  byType(type: string): Node[] {
    return this.lists.get(type) ?? [];
  }

  /** Position of an indexed node, or undefined. */
  positionOf(node: Node): number | undefined {
    const i = this.positions[node.id];
    return i >= 0 ? i : undefined;
  }

  /**
   * Position of the innermost indexed node that contains `node` and is not `node` itself, or -1.
   * (A node with the same range as an indexed descendant, e.g. a block holding one statement,
   * counts that descendant as enclosing it.)
   */
  enclosingPosition(node: Node): number {
    const own = this.positions[node.id];
    if (own >= 0) return this.parents[own];
    return this.innermost(node.startIndex, node.endIndex);
  }

  /** Innermost indexed node containing the range [start, end), or -1. */
  innermost(start: number, end: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= start) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (let i = found; i >= 0; i = this.parents[i]) if (this.ends[i] >= end && this.starts[i] <= start) return i;
    return -1;
  }

  /** Indexed ancestors of `node` (innermost first) whose type is in `types`. */
  *ancestors(node: Node, types?: ReadonlySet<string>): Generator<Node> {
    for (let i = this.enclosingPosition(node); i >= 0; i = this.parents[i]) if (!types || types.has(this.types[i])) yield this.nodes[i];
  }

  /** The innermost indexed ancestor of `node` of one of `types`. */
  closest(node: Node, types: ReadonlySet<string>): Node | undefined {
    for (let i = this.enclosingPosition(node); i >= 0; i = this.parents[i]) if (types.has(this.types[i])) return this.nodes[i];
    return undefined;
  }

  /** Indexed nodes of `type` inside `container` (its range), in source order. */
  within(container: Node, type: string): Node[] {
    const list = this.lists.get(type);
    if (!list) return [];
    const end = container.endIndex;
    const lo = firstStartingAt(list, container.startIndex);
    const out: Node[] = [];
    for (let i = lo; i < list.length && list[i].startIndex < end; i++) if (list[i].endIndex <= end && list[i].id !== container.id) out.push(list[i]);
    return out;
  }

  /**
   * Pre-order visit of the indexed nodes of `types` in `root`'s range (root included); `false` from
   * `visit` skips the nodes inside that one, `'stop'` ends the visit — what `walk(root, visit, types)` does.
   */
  visit(root: Node, visit: (node: Node) => boolean | void | 'stop', types: ReadonlySet<string>): void {
    const start = root.startIndex;
    const end = root.endIndex;
    // From the root itself when indexed (not from a same-range ancestor), else the first node at its start.
    let i = this.positions[root.id] >= 0 ? this.positions[root.id] : this.firstAtOrAfter(start);
    let skipEnd = -1;
    for (; i < this.nodes.length && this.starts[i] <= end; i++) {
      if (this.ends[i] > end) continue;
      if (skipEnd >= 0 && this.starts[i] < skipEnd) continue;
      skipEnd = -1;
      if (!types.has(this.types[i])) continue;
      const answer = visit(this.nodes[i]);
      if (answer === 'stop') return;
      if (answer === false && this.ends[i] > this.starts[i]) skipEnd = this.ends[i];
    }
  }

  private firstAtOrAfter(start: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  typeOf(node: Node): string {
    return node.type;
  }
}

/** In nodes sorted by start, the index of the first that starts at or after `start` (binary search). */
export function firstStartingAt(sorted: readonly Node[], start: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].startIndex < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
