// The rule framework: a Rule is a code, a slug, a default severity, its documentation, and a
// `check` that reports findings through a RuleContext. One rule per file in ./rules, listed in
// ./rules/index.ts.
import type { Node, PythonDocument } from './parser';
import type { SemanticModel } from './semantic';

export type Severity = 'error' | 'warning' | 'info';
/** `LL101`, `LL203`, … */
export type RuleCode = `LL${number}`;

/** One text replacement; offsets are UTF-16 code units into the linted text. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe fixes keep the program's meaning apart from the bug fixed; only those run under `--fix`. */
  safe: boolean;
}

export interface Rule {
  code: RuleCode;
  /** kebab-case name, stable once shipped (`sigmoid-before-bce-with-logits`). */
  slug: string;
  /** Human title for the docs page. */
  name: string;
  severity: Severity;
  /** One line, shown on hover. */
  summary: string;
  /** Markdown with the sections `## What it does`, `## Why is this bad`, `## Example`, `## Use instead`. */
  docs: string;
  /** True when the rule offers a quick fix (shown in docs and SARIF). */
  fixable: boolean;
  check(ctx: RuleContext): void;
}

/** Another place that explains a finding (VS Code relatedInformation): the loss call for a sigmoid, … */
export interface RelatedPlace {
  message: string;
  /** UTF-16 offsets into the linted text; or `path`+`line` for a place in another file of the project. */
  start?: number;
  end?: number;
  path?: string;
  line?: number;
}

export interface Finding {
  rule: Rule;
  start: number;
  end: number;
  message: string;
  fix?: Fix;
  related?: RelatedPlace[];
}

export interface ReportArgs {
  /** The node to underline; or give `range` in UTF-16 offsets. */
  node?: Node;
  range?: { start: number; end: number };
  message: string;
  fix?: Fix;
  /** Places to link from the diagnostic (nodes of this file, or places in other files). */
  related?: ({ node: Node; message: string } | { path: string; line: number; message: string })[];
}

/** What a rule sees: the document, its tree, the shared semantic model, and `report`. */
export class RuleContext {
  readonly findings: Finding[] = [];
  rule!: Rule;

  constructor(
    readonly document: PythonDocument,
    readonly semantic: SemanticModel,
  ) {}

  get text(): string {
    return this.document.text;
  }
  get root(): Node {
    return this.document.root;
  }

  report({ node, range, message, fix, related }: ReportArgs): void {
    const start = node ? node.startIndex : range!.start;
    const end = node ? node.endIndex : range!.end;
    const places = related?.map((r): RelatedPlace => ('node' in r ? { message: r.message, start: r.node.startIndex, end: r.node.endIndex } : { ...r }));
    this.findings.push({ rule: this.rule, start, end, message, fix, ...(places?.length ? { related: places } : {}) });
  }

  /** Source text of a node. */
  source(node: Node): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }

  /** Line number (1-based) of an offset, for messages such as "sigmoid applied on line 12". */
  lineOf(offsetOrNode: number | Node): number {
    return this.document.lineIndex.position(typeof offsetOrNode === 'number' ? offsetOrNode : offsetOrNode.startIndex).line;
  }
}
