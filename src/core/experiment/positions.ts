// Offsets ↔ line/column and JSON-path ↔ parse-tree lookups, so every diagnostic lands on the exact
// characters VS Code should underline. Columns count UTF-16 code units, as JS strings and VS Code do.
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import type { ErrorLocation, JsonPath } from '../errors';

export interface Position {
  line: number; // 1-based
  column: number; // 1-based
}

/** Line starts of a text, for offset → line/column in O(log lines). */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (ch === 10 /* \n */) {
        this.starts.push(i + 1);
      }
    }
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }

  offset(position: Position): number {
    return this.starts[position.line - 1] + position.column - 1;
  }
}

/** What to underline for a path: the value, or the key naming it (unknown keys, missing children). */
export type Target = 'value' | 'key';

/** The deepest node of `root` along `path`, and how many segments of the path it matched. */
export function deepestNode(root: Node, path: JsonPath): { node: Node; depth: number } {
  for (let depth = path.length; depth > 0; depth--) {
    const node = findNodeAtLocation(root, path.slice(0, depth));
    if (node) return { node, depth };
  }
  return { node: root, depth: 0 };
}

/** The key node of a property value, or undefined for array items and the root. */
export function keyNodeOf(valueNode: Node): Node | undefined {
  const parent = valueNode.parent;
  return parent?.type === 'property' ? parent.children?.[0] : undefined;
}

/** The source text of an experiment file with its parse tree: turns JSON paths into locations. */
export class SourceText {
  readonly lines: LineMap;

  constructor(readonly file: string, readonly text: string, readonly root: Node | undefined) {
    this.lines = new LineMap(text);
  }

  rangeLocation(offset: number, length: number): ErrorLocation {
    const start = this.lines.position(offset);
    const end = this.lines.position(offset + Math.max(length, 0));
    return { file: this.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }

  /** True when the file spells out `path` (rather than leaving it to a default). */
  has(path: JsonPath): boolean {
    return this.root !== undefined && findNodeAtLocation(this.root, path) !== undefined;
  }

  /**
   * Where `path` is written. When the path is absent (a missing key), the closest written ancestor
   * is blamed through its key, or through its opening bracket when it has no key (root, list item).
   */
  locate(path: JsonPath, target: Target = 'value'): ErrorLocation {
    if (!this.root) return { file: this.file, line: 1, column: 1, endLine: 1, endColumn: 1 };
    const { node, depth } = deepestNode(this.root, path);
    const exact = depth === path.length;
    if (exact && target === 'value') return this.rangeLocation(node.offset, node.length);
    const key = keyNodeOf(node);
    if (key) return this.rangeLocation(key.offset, key.length);
    return this.rangeLocation(node.offset, exact ? node.length : 1);
  }
}
