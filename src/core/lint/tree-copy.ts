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
export function copyTree(tree: Tree, text: string, exports?: CursorExports): SyntaxTree {
  const grammar: GrammarNames = { types: tree.language.types, fields: tree.language.fields };
  const named = namedTypes(tree);
  const result = new SyntaxTree(text, grammar);
  const cursor = exports ? rawCursor(tree, exports) : publicCursor(tree);
  try {
    let id = 0;
    const make = (parent: SyntaxNode | null): SyntaxNode => {
      const typeId = cursor.typeId();
      const isError = typeId === ERROR_TYPE_ID;
      const node = new SyntaxNode(
        result,
        id++,
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
    // Iterative pre-order walk: `current` is the node the cursor is on.
    let current = make(null);
    result.rootNode = current;
    for (;;) {
      if (cursor.firstChild()) {
        current = make(current);
        continue;
      }
      while (!cursor.nextSibling()) {
        if (!current.parent || !cursor.parent()) return result;
        current = current.parent;
      }
      current = make(current.parent);
    }
  } finally {
    cursor.dispose();
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
