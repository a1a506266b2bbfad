// A plain-JavaScript copy of a tree-sitter syntax tree, the one the linter works on.
//
// Why: in web-tree-sitter 0.25 every `node.type`, `.endIndex`, `.childForFieldName`, `.children`
// is a call into wasm that allocates fresh Node objects, and `.parent` re-descends from the root.
// A lint asks tens of thousands of such questions; copying the visible nodes once (see
// `copyTree` in ./tree-copy.ts) makes every later question a property read. `SyntaxNode` offers
// the subset of web-tree-sitter's `Node` API the linter uses, with the same answers (the tests
// compare both), so rules read like ordinary tree-sitter code.
//
// Offsets are UTF-16 code units, like web-tree-sitter's `startIndex`/`endIndex` for string input.

/** The grammar facts a copy needs to answer by name: node type and field names by id. */
export interface GrammarNames {
  /** Node type by type id (web-tree-sitter's `Language.types`). */
  readonly types: readonly (string | undefined | null)[];
  /** Field name by field id, 0 = no field (web-tree-sitter's `Language.fields`). */
  readonly fields: readonly (string | null)[];
}

/** tree-sitter's id for ERROR nodes (its `ts_builtin_sym_error`, as a uint16). */
export const ERROR_TYPE_ID = 65535;

const fieldIdsByGrammar = new WeakMap<GrammarNames['fields'], Map<string, number>>();

/**
 * The successive copies of one document (each edit's copy takes over the previous one's unchanged
 * nodes): `current` is the newest. Nodes point here rather than at their SyntaxTree, so moving a
 * node into the next copy writes only numbers into it (`id`, `version`, offsets). (Writing a pointer
 * to the young new tree into each of ~27,000 older nodes costs V8 a write barrier and a
 * remembered-set entry per node on every edit.)
 */
export class TreeLineage {
  current!: SyntaxTree;
  /** Copies made so far in this lineage (the next copy's `version`). */
  versions = 0;
}

export class SyntaxTree {
  /** The root node (a `module` for Python). Set by the builder. */
  rootNode!: SyntaxNode;
  /** Every node in pre-order: `nodes[node.id] === node`. Set by the builder (do not mutate). */
  readonly nodes: SyntaxNode[] = [];
  /** Field ids by name, shared by every copy made with the same grammar. */
  private readonly fieldIds: Map<string, number>;

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** This copy's number in its lineage (the `version` of the nodes it holds). */
  readonly version: number;

  constructor(
    /** The parsed text. */
    readonly text: string,
    readonly grammar: GrammarNames,
    /** The previous copy's lineage when this copy takes over its nodes; else a new one. */
    readonly lineage: TreeLineage = new TreeLineage(),
  ) {
    // From here on, every node of the lineage (moved or not yet) answers `tree` with this copy:
    // the previous copy is given up (see ./tree-copy.ts).
    lineage.current = this;
    this.version = ++lineage.versions;
    let ids = fieldIdsByGrammar.get(grammar.fields);
    if (!ids) fieldIdsByGrammar.set(grammar.fields, (ids = new Map()));
    this.fieldIds = ids;
  }

  /** The id of a field name, or -1 when the grammar has no such field. */
  fieldId(name: string): number {
    let id = this.fieldIds.get(name);
    if (id === undefined) {
      id = this.grammar.fields.indexOf(name);
      this.fieldIds.set(name, id > 0 ? id : -1);
    }
    return id > 0 ? id : -1;
  }
}

/** Up to this many children, `childForFieldName` scans them instead of caching per field. */
const FIELD_SCAN_LIMIT = 8;

/** The children of every leaf (one shared array: most nodes are leaves). */
const NO_CHILDREN: SyntaxNode[] = Object.freeze([]) as unknown as SyntaxNode[];

export class SyntaxNode {
  /** Visible children, named and anonymous, in order (as tree-sitter's `children`; do not mutate). */
  children: SyntaxNode[] = NO_CHILDREN;
  parent: SyntaxNode | null = null;
  private namedCache: SyntaxNode[] | undefined = undefined;
  private textCache: string | undefined = undefined;
  /** First child per field id (sparse), built on the first field lookup. */
  private fieldCache: (SyntaxNode | undefined)[] | undefined = undefined;
  /**
   * Answers about this node's own subtree that the semantic layer memoises (../semantic/syntax.ts):
   * kept on the node so that they move with it into the next version's copy after an edit.
   */
  memo: { named?: SyntaxNode[]; args?: unknown } | undefined = undefined;

  // `version`, `id`, `startIndex` and `endIndex` are written only by the copier: after a one-line
  // edit it moves the unchanged subtrees of the previous copy into the new one (see ./tree-copy.ts),
  // which re-numbers them and shifts their offsets. Everything else about a node never changes.
  constructor(
    /** The copies this node belongs to (`tree` is the newest). */
    readonly lineage: TreeLineage,
    /** The `version` of the copy that holds this node. */
    public version: number,
    /** Unique within its tree: the node's pre-order position (`tree.nodes[id]`). */
    public id: number,
    readonly typeId: number,
    readonly type: string,
    readonly isNamed: boolean,
    public startIndex: number,
    public endIndex: number,
    /** The id of the field this node fills in its parent, 0 for none. */
    readonly fieldId: number,
  ) {}

  /** Append a child (used while copying a tree). */
  addChild(child: SyntaxNode): void {
    if (this.children === NO_CHILDREN) this.children = [];
    this.children.push(child);
    child.parent = this;
  }

  /** The copy this node belongs to: its lineage's newest. */
  get tree(): SyntaxTree {
    return this.lineage.current;
  }

  get text(): string {
    return (this.textCache ??= this.tree.text.slice(this.startIndex, this.endIndex));
  }

  /** Named children, comments included (as tree-sitter's `namedChildren`; do not mutate). */
  get namedChildren(): SyntaxNode[] {
    return (this.namedCache ??= this.children.filter((c) => c.isNamed));
  }
  get namedChildCount(): number {
    return this.namedChildren.length;
  }
  get childCount(): number {
    return this.children.length;
  }
  child(index: number): SyntaxNode | null {
    return this.children[index] ?? null;
  }
  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }

  /** The first child in field `name`, or null. */
  childForFieldName(name: string): SyntaxNode | null {
    const id = this.tree.fieldId(name);
    if (id < 0) return null;
    const children = this.children;
    // Most nodes asked for a field (calls, attributes, assignments, definitions) have a handful of
    // children: a scan is faster than any cache. (A sparse per-node array, tried before, fell into
    // V8's slow dictionary elements: its first write is at the highest field id.)
    if (children.length <= FIELD_SCAN_LIMIT) {
      for (let i = 0; i < children.length; i++) if (children[i].fieldId === id) return children[i];
      return null;
    }
    // Many children (a long argument list, a block): the first child of each field, found once
    // per node (it moves with the node into the next copy after an edit), in a dense array.
    let byField = this.fieldCache;
    if (!byField) {
      byField = this.fieldCache = new Array<SyntaxNode | undefined>(this.tree.grammar.fields.length).fill(undefined);
      for (let i = children.length - 1; i >= 0; i--) {
        const f = children[i].fieldId;
        if (f) byField[f] = children[i];
      }
    }
    return byField[id] ?? null;
  }

  /** Every child in field `name`. */
  childrenForFieldName(name: string): SyntaxNode[] {
    const id = this.tree.fieldId(name);
    return id < 0 ? [] : this.children.filter((c) => c.fieldId === id);
  }

  /** This node and its descendants of the given types, in pre-order (anonymous ones included, as in tree-sitter). */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = new Set(typeof types === 'string' ? [types] : types);
    const out: SyntaxNode[] = [];
    const stack: SyntaxNode[] = [this];
    while (stack.length) {
      const node = stack.pop()!;
      if (wanted.has(node.type)) out.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
    return out;
  }

  /** The smallest node (anonymous ones included) spanning [start, end), as tree-sitter's `descendantForIndex`. */
  descendantForIndex(start: number, end = start): SyntaxNode {
    return smallestSpanning(this, start, end, false);
  }

  /** The smallest named node spanning [start, end), as tree-sitter's `namedDescendantForIndex`. */
  namedDescendantForIndex(start: number, end = start): SyntaxNode {
    return smallestSpanning(this, start, end, true);
  }
}

// tree-sitter's rules: a child must reach the range's end, and pass its start unless it is empty.
function smallestSpanning(root: SyntaxNode, start: number, end: number, namedOnly: boolean): SyntaxNode {
  let node = root;
  let found = root;
  for (let descended = true; descended; ) {
    descended = false;
    for (const c of node.children) {
      if (c.endIndex < end) continue;
      if (c.startIndex === c.endIndex ? c.endIndex < start : c.endIndex <= start) continue;
      if (start < c.startIndex) break;
      node = c;
      if (c.isNamed || !namedOnly) found = c;
      descended = true;
      break;
    }
  }
  return found;
}
