// Copy a web-tree-sitter Tree into a SyntaxTree (plain JavaScript objects) with one cursor walk.
//
// The public TreeCursor API re-marshals the cursor through wasm memory and allocates on every
// step; a 2,000-line module has ~27,000 visible nodes, five questions each. web-tree-sitter keeps
// the cursor of its `*_wasm` exports in a transfer buffer that those calls read and update in
// place, so when the runtime's exports are reachable (see `wasmExports` in ./parser.ts) the walk
// calls them directly — several times faster. Otherwise it falls back to the public API (same result).
import type { Tree } from 'web-tree-sitter';
import { ERROR_TYPE_ID, SyntaxNode, SyntaxTree, type GrammarNames } from './syntax-tree';

/** The cursor exports of web-tree-sitter's wasm module that the fast walk uses. */
export interface CursorExports {
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_delete_wasm(tree: number): void;
}

const CURSOR_EXPORTS: readonly (keyof CursorExports)[] = [
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_delete_wasm',
];

/** True when `module` has every export the fast walk calls. */
export function hasCursorExports(module: object): module is CursorExports {
  return CURSOR_EXPORTS.every((name) => typeof (module as Record<string, unknown>)[name] === 'function');
}

/** The questions the walk asks of a cursor positioned on the current node. */
interface Cursor {
  typeId(): number;
  start(): number;
  end(): number;
  fieldId(): number;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
  dispose(): void;
}

/** Named-ness per type id, per grammar (tree-sitter decides it by the node's symbol). */
const namedByGrammar = new WeakMap<object, boolean[]>();

function namedTypes(tree: Tree): boolean[] {
  const language = tree.language;
  let named = namedByGrammar.get(language);
  if (!named) {
    named = language.types.map((_t, id) => language.nodeTypeIsNamed(id));
    namedByGrammar.set(language, named);
  }
  return named;
}

/** A plain-JS copy of `tree`'s visible nodes; `text` must be the text `tree` was parsed from. */
export function copyTree(tree: Tree, text: string, exports?: CursorExports, reuse?: Reuse): SyntaxTree {
  const grammar: GrammarNames = { types: tree.language.types, fields: tree.language.fields };
  const named = namedTypes(tree);
  const result = new SyntaxTree(text, grammar, reuse?.previous.lineage);
  const cursor = exports ? rawCursor(tree, exports) : publicCursor(tree);
  const recycler = reuse ? new Recycler(reuse, result) : undefined;
  try {
    const make = (parent: SyntaxNode | null): SyntaxNode => {
      const typeId = cursor.typeId();
      const isError = typeId === ERROR_TYPE_ID;
      const node = new SyntaxNode(
        result.lineage,
        result.version,
        result.nodes.length,
        typeId,
        isError ? 'ERROR' : (grammar.types[typeId] ?? 'ERROR'),
        isError || (named[typeId] ?? false),
        cursor.start(),
        cursor.end(),
        parent ? cursor.fieldId() : 0,
      );
      parent?.addChild(node);
      result.nodes.push(node);
      return node;
    };
    /** The node under the cursor: the previous copy's, moved over, when unchanged; else a new one. */
    const next = (parent: SyntaxNode): { node: SyntaxNode; moved: boolean } => {
      const old = recycler?.unchanged(parent, cursor.typeId(), cursor.start(), cursor.end(), cursor.fieldId());
      if (old) return { node: recycler!.move(old, parent), moved: true };
      const node = make(parent);
      recycler?.pair(node);
      return { node, moved: false };
    };
    // Iterative pre-order walk: `current` is the node the cursor is on.
    let current = make(null);
    recycler?.pair(current);
    result.rootNode = current;
    let moved = false;
    for (;;) {
      // A moved subtree is complete: the walk does not descend into it.
      if (!moved && cursor.firstChild()) {
        ({ node: current, moved } = next(current));
        continue;
      }
      while (!cursor.nextSibling()) {
        if (!current.parent || !cursor.parent()) return result;
        current = current.parent;
      }
      ({ node: current, moved } = next(current.parent!));
    }
  } finally {
    cursor.dispose();
  }
}

/** What a copy after an edit may take from the copy before it. */
export interface Reuse {
  /** The copy of the tree before the edit (its nodes move into the new copy: do not use it after). */
  previous: SyntaxTree;
  /** The edit, in UTF-16 offsets: `[start, oldEnd)` of the old text became `[start, newEnd)`. */
  start: number;
  oldEnd: number;
  newEnd: number;
  /** tree-sitter's changed ranges (old tree → new tree), in the new text's offsets. */
  changed: readonly { startIndex: number; endIndex: number }[];
}

/**
 * Finds, for a node of the new tree, the node of the previous copy it is identical to. A node is
 * taken over only when its range touches neither the edited text nor any range tree-sitter reports
 * as structurally changed, and the previous copy has a node of the same type, field and (shifted)
 * range under the node's parent's counterpart: outside the changed ranges tree-sitter's old and
 * new trees are the same, so that node's whole subtree is.
 */
class Recycler {
  /** The previous copy's node each new node came from (new id → old node), for new nodes on the edited path. */
  private readonly counterparts: (SyntaxNode | undefined)[] = [];
  private readonly delta: number;
  /** Ranges (new offsets) whose nodes must be copied afresh, the edit's included. */
  private readonly dirty: [number, number][];
  /** Per old parent: where the scan for the next child's counterpart starts. */
  private readonly scanFrom = new Map<SyntaxNode, number>();

  constructor(
    private readonly reuse: Reuse,
    private readonly into: SyntaxTree,
  ) {
    this.delta = reuse.newEnd - reuse.oldEnd;
    this.dirty = [[reuse.start, reuse.newEnd], ...reuse.changed.map((r): [number, number] => [r.startIndex, r.endIndex])];
  }

  /** Remember which old node a freshly made node corresponds to, so its children can be matched. */
  pair(node: SyntaxNode): void {
    const parent = node.parent;
    const old = parent ? this.find(this.counterparts[parent.id], node.typeId, node.startIndex, node.endIndex, node.fieldId) : this.reuse.previous.rootNode;
    this.counterparts[node.id] = old;
  }

  unchanged(parent: SyntaxNode, typeId: number, start: number, end: number, fieldId: number): SyntaxNode | undefined {
    for (const [a, b] of this.dirty) if (start <= b && end >= a) return undefined;
    return this.find(this.counterparts[parent.id], typeId, start, end, fieldId);
  }

  /** Move `old`'s subtree into the new copy under `parent`: new ids (pre-order), shifted offsets. */
  move(old: SyntaxNode, parent: SyntaxNode): SyntaxNode {
    renumber(old, this.into, old.startIndex >= this.reuse.oldEnd ? this.delta : 0);
    parent.addChild(old);
    return old;
  }

  /** The child of `oldParent` at the new range `[start, end)` mapped back to old offsets. */
  private find(oldParent: SyntaxNode | undefined, typeId: number, start: number, end: number, fieldId: number): SyntaxNode | undefined {
    if (!oldParent) return undefined;
    const oldStart = this.toOld(start);
    const oldEnd = this.toOld(end);
    if (oldStart === undefined || oldEnd === undefined) return undefined;
    // New children arrive in source order, so each old parent is scanned once, left to right; a
    // child already moved (its offsets shifted, its tree the new one) is passed over.
    const children = oldParent.children;
    let i = this.scanFrom.get(oldParent) ?? 0;
    while (i < children.length && (children[i].version === this.into.version || children[i].startIndex < oldStart)) i++;
    this.scanFrom.set(oldParent, i);
    for (; i < children.length && children[i].startIndex === oldStart; i++) {
      const c = children[i];
      if (c.version !== this.into.version && c.endIndex === oldEnd && c.typeId === typeId && c.fieldId === fieldId) return c;
    }
    return undefined;
  }

  private toOld(offset: number): number | undefined {
    if (offset <= this.reuse.start) return offset;
    if (offset >= this.reuse.newEnd) return offset - this.delta;
    return undefined;
  }
}

/** The exports' cursor, created by the public API (which leaves it in the transfer buffer). */
function rawCursor(tree: Tree, c: CursorExports): Cursor {
  // `tree.walk()` creates the cursor in wasm and leaves it in the transfer buffer; the `*_wasm`
  // cursor calls below read and update it there. Nothing else may call into web-tree-sitter until
  // `dispose`, which deletes the cursor from the buffer (the JS TreeCursor object is dropped unused:
  // its copy of the handle goes stale as the walk grows the cursor's stack).
  tree.walk();
  const t = (tree as unknown as { 0: number })[0];
  return {
    typeId: () => c._ts_tree_cursor_current_node_type_id_wasm(t),
    start: () => c._ts_tree_cursor_start_index_wasm(t),
    end: () => c._ts_tree_cursor_end_index_wasm(t),
    fieldId: () => c._ts_tree_cursor_current_field_id_wasm(t),
    firstChild: () => c._ts_tree_cursor_goto_first_child_wasm(t) !== 0,
    nextSibling: () => c._ts_tree_cursor_goto_next_sibling_wasm(t) !== 0,
    parent: () => c._ts_tree_cursor_goto_parent_wasm(t) !== 0,
    dispose: () => c._ts_tree_cursor_delete_wasm(t),
  };
}

function publicCursor(tree: Tree): Cursor {
  const cursor = tree.walk();
  return {
    typeId: () => cursor.nodeTypeId,
    start: () => cursor.startIndex,
    end: () => cursor.endIndex,
    fieldId: () => cursor.currentFieldId,
    firstChild: () => cursor.gotoFirstChild(),
    nextSibling: () => cursor.gotoNextSibling(),
    parent: () => cursor.gotoParent(),
    dispose: () => cursor.delete(),
  };
}

/** Gives a moved subtree its ids in the new copy (appending it to `tree.nodes` in pre-order) and its new offsets. */
function renumber(node: SyntaxNode, tree: SyntaxTree, shift: number, depth = 0): void {
  // Recursion is the fast way here; a pathologically deep subtree continues with an explicit stack.
  if (depth > 500) return renumberDeep(node, tree, shift);
  node.version = tree.version;
  node.id = tree.nodes.length;
  tree.nodes.push(node);
  if (shift) {
    node.startIndex += shift;
    node.endIndex += shift;
  }
  const children = node.children;
  for (let i = 0; i < children.length; i++) renumber(children[i], tree, shift, depth + 1);
}

function renumberDeep(root: SyntaxNode, tree: SyntaxTree, shift: number): void {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    node.version = tree.version;
    node.id = tree.nodes.length;
    tree.nodes.push(node);
    node.startIndex += shift;
    node.endIndex += shift;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
}
