// Tree-sitter Python parsing for the linter: one memoised wasm initialisation, and a PythonDocument
// that keeps its syntax tree up to date incrementally while the user types.
//
// Offsets: web-tree-sitter hands a JS string to the parser as UTF-16, so `node.startIndex` and
// `node.endIndex` are UTF-16 code-unit offsets, exactly like VS Code's document offsets. Line and
// column are always derived from those offsets by `LineIndex` (never from tree-sitter's Point).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tree } from 'web-tree-sitter';
import type * as WebTreeSitter from 'web-tree-sitter';
import type { SyntaxNode, SyntaxTree } from './syntax-tree';
import { copyTree, hasCursorExports, type CursorExports, type Reuse } from './tree-copy';

// `require`, not `import`: bundlers resolve `import` to web-tree-sitter's ES build, which needs
// `import.meta.url` and breaks inside our CommonJS bundles; the CommonJS build locates itself fine.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Parser, Language } = require('web-tree-sitter') as typeof WebTreeSitter;
type Parser = WebTreeSitter.Parser;
type Language = WebTreeSitter.Language;

/** The linter's syntax node: a plain-JS copy of tree-sitter's (see ./syntax-tree.ts). */
export type Node = SyntaxNode;
export type { SyntaxTree, Tree };

const RUNTIME_WASM = 'tree-sitter.wasm';
const PYTHON_WASM = 'tree-sitter-python.wasm';

/** Where a wasm file lives: next to the running bundle (dist/) or in node_modules (tests, tsx). */
export function locateWasm(file: string): string {
  const starts = [typeof __dirname !== 'undefined' ? __dirname : undefined, process.cwd()].filter(
    (d): d is string => !!d,
  );
  const pkg = file === RUNTIME_WASM ? 'web-tree-sitter' : 'tree-sitter-python';
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      for (const candidate of [join(dir, file), join(dir, 'node_modules', pkg, file)]) {
        if (existsSync(candidate)) return candidate;
      }
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`Logit Lab linter: cannot find ${file} (looked next to the bundle and in node_modules).`);
}

let ready: Promise<Language> | undefined;
let python: Language | undefined;
/** The runtime's wasm exports for the fast tree copy, when reachable (see ./tree-copy.ts). */
let cursorExports: CursorExports | undefined;

/** Initialise the wasm runtime and load the Python grammar once; every caller awaits the same promise. */
export function initParser(): Promise<Language> {
  ready ??= (async () => {
    // Emscripten builds its module object on the options object it is given, so after `init` this
    // object also carries the runtime's exports.
    const moduleOptions = { locateFile: () => locateWasm(RUNTIME_WASM) };
    await Parser.init(moduleOptions);
    if (hasCursorExports(moduleOptions)) cursorExports = moduleOptions;
    python = await Language.load(locateWasm(PYTHON_WASM));
    return python;
  })();
  return ready;
}

/** The loaded grammar, for synchronous callers that already awaited `initParser()`. */
export function pythonLanguage(): Language {
  if (!python) throw new Error('Logit Lab linter: call `await initParser()` before parsing synchronously.');
  return python;
}

/** 1-based line/column ⇄ UTF-16 offset conversion for one text. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  /** 1-based line and column (UTF-16 code units) of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }
  lineEnd(line: number): number {
    const next = this.starts[line];
    return next === undefined ? this.text.length : next - 1;
  }
  get lineCount(): number {
    return this.starts.length;
  }
}

/**
 * One Python text and its syntax tree. `edit()` re-parses incrementally; old trees are deleted at
 * once because they live in wasm memory, which JavaScript's garbage collector never frees.
 * The plain-JS copy (`syntax`, `root`) after an edit is built from the previous copy's unchanged
 * subtrees, which move into it: nodes obtained before an edit must not be used after it.
 */
export class PythonDocument {
  private readonly parser: Parser;
  private current: Tree;
  private copy: SyntaxTree | undefined;
  /** After an edit: the previous copy and what changed, so the next copy moves unchanged subtrees over. */
  private reuse: Reuse | undefined;
  private lines: LineIndex | undefined;
  /** Bumped on every edit so callers can cache per-version analyses. */
  version = 0;

  /** Synchronous; requires `await initParser()` first. Use `PythonDocument.create` otherwise. */
  constructor(private source: string) {
    this.parser = new Parser();
    this.parser.setLanguage(pythonLanguage());
    this.current = this.parseOrThrow(source);
  }

  static async create(text: string): Promise<PythonDocument> {
    await initParser();
    return new PythonDocument(text);
  }

  get text(): string {
    return this.source;
  }
  /** The tree-sitter tree (wasm). */
  get tree(): Tree {
    return this.current;
  }
  /** The plain-JS copy of the current tree that the linter reads (made on first use per version). */
  get syntax(): SyntaxTree {
    if (!this.copy) {
      this.copy = copyTree(this.current, this.source, cursorExports, this.reuse);
      this.reuse = undefined;
    }
    return this.copy;
  }
  get root(): Node {
    return this.syntax.rootNode;
  }
  get lineIndex(): LineIndex {
    this.lines ??= new LineIndex(this.source);
    return this.lines;
  }

  /** Replace `text[startIndex, oldEndIndex)` with `newText` (UTF-16 offsets) and re-parse incrementally. */
  edit(startIndex: number, oldEndIndex: number, newText: string): void {
    const before = this.lineIndex;
    const updated = this.source.slice(0, startIndex) + newText + this.source.slice(oldEndIndex);
    const after = new LineIndex(updated);
    const point = (lines: LineIndex, offset: number) => {
      const p = lines.position(offset);
      return { row: p.line - 1, column: p.column - 1 };
    };
    const newEndIndex = startIndex + newText.length;
    this.current.edit({
      startIndex,
      oldEndIndex,
      newEndIndex,
      startPosition: point(before, startIndex),
      oldEndPosition: point(before, oldEndIndex),
      newEndPosition: point(after, newEndIndex),
    });
    const next = this.parseOrThrow(updated, this.current);
    // The copy of the tree before this edit can lend its unchanged subtrees to the next copy — when
    // it is the copy of the text just before this edit (two edits in a row without a copy between: none).
    this.reuse = this.copy
      ? { previous: this.copy, start: startIndex, oldEnd: oldEndIndex, newEnd: newEndIndex, changed: this.current.getChangedRanges(next) }
      : undefined;
    this.current.delete();
    this.current = next;
    this.copy = undefined;
    this.source = updated;
    this.lines = after;
    this.version++;
  }

  /**
   * Bring the document to `text` (the editor's whole text after any number of changes): the one
   * range that differs is applied as a single incremental edit, so the tree and the syntax copy are
   * re-used where they did not change. Returns false when the text is the same.
   */
  update(text: string): boolean {
    if (text === this.source) return false;
    const { start, oldEnd, newEnd } = changedRange(this.source, text);
    this.edit(start, oldEnd, text.slice(start, newEnd));
    return true;
  }

  /** Replace the whole text (e.g. a notebook re-assembled from its cells). */
  setText(text: string): void {
    if (text === this.source) return;
    const next = this.parseOrThrow(text);
    this.current.delete();
    this.current = next;
    this.copy = undefined;
    this.reuse = undefined;
    this.source = text;
    this.lines = undefined;
    this.version++;
  }

  dispose(): void {
    this.current.delete();
    this.parser.delete();
  }

  private parseOrThrow(text: string, old?: Tree): Tree {
    const tree = this.parser.parse(text, old ?? null);
    if (!tree) throw new Error('Logit Lab linter: tree-sitter returned no tree.');
    return tree;
  }
}

/** The one range that differs between two texts (their common prefix and suffix kept). */
export function changedRange(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}
