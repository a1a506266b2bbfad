// Experiment text → validated ExperimentFile, with every problem pinned to the characters that
// caused it: syntax errors where the parser stopped, wrong values on the value, unknown keys on the
// key, missing keys on their parent's key.
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LogitLabError, type JsonPath } from '../errors';
import { MAX_EXPERIMENT_BYTES, MAX_JSON_DEPTH } from '../limits';
import { foreignEncoding, tooDeepAt } from '../text-guards';
import { describeIssue, type Problem } from './issues';
import { SourceText } from './positions';
import { ExperimentFile } from './schema';

export interface ParseResult {
  value?: ExperimentFile;
  errors: LogitLabError[];
  /** The text and its parse tree, for locating later diagnostics (expansion, semantic checks). */
  source: SourceText;
  /** The value as written, before defaults: what variants and sweeps are merged onto. */
  raw?: unknown;
}

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected `:` after the property name',
  CommaExpected: 'expected `,` between entries',
  CloseBraceExpected: 'expected `}` to close the object',
  CloseBracketExpected: 'expected `]` to close the list',
  EndOfFileExpected: 'unexpected content after the end of the experiment object',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated block comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character in string',
  InvalidCharacter: 'invalid character in string (control characters must be escaped)',
};

function syntaxError(source: SourceText, e: ParseError): LogitLabError {
  const name = printParseErrorCode(e.error);
  return new LogitLabError(`syntax error: ${SYNTAX_MESSAGES[name] ?? name}`, {
    location: source.rangeLocation(e.offset, e.length),
    hint: 'experiment files are JSON with comments; trailing commas are fine',
    severity: 'error',
  });
}

/** A problem placed in `source` at `path` (which may differ from where the problem arose). */
export function locatedError(source: SourceText, path: JsonPath, problem: Pick<Problem, 'message' | 'hint' | 'target'>, severity: 'error' | 'warning' = 'error'): LogitLabError {
  return new LogitLabError(problem.message, {
    jsonPath: path,
    hint: problem.hint,
    location: source.locate(path, problem.target),
    severity,
  });
}

/** Keys written twice: JSON silently keeps the last, which hides edits. */
function duplicateKeys(source: SourceText, node: Node | undefined, path: JsonPath, out: LogitLabError[]): void {
  if (!node) return;
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (!key) continue;
      const name = String(key.value);
      if (seen.has(name)) {
        out.push(new LogitLabError(`duplicate key \`${name}\``, {
          jsonPath: [...path, name],
          hint: 'only the last one would count; remove the other',
          location: source.rangeLocation(key.offset, key.length),
          severity: 'error',
        }));
      }
      seen.add(name);
      duplicateKeys(source, value, [...path, name], out);
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((child, i) => duplicateKeys(source, child, [...path, i], out));
  }
}

/** A text the JSON parser must not be handed: not UTF-8, too big, or nested deeper than any experiment. */
function unparseable(text: string, file: string): LogitLabError | undefined {
  const source = new SourceText(file, text, undefined);
  const encoding = foreignEncoding(text);
  if (encoding) {
    return new LogitLabError(`the experiment file is encoded as ${encoding}, not UTF-8`, {
      location: source.rangeLocation(0, 0),
      hint: 'save it as UTF-8 (in VS Code: click the encoding in the status bar → Save with Encoding → UTF-8)',
      severity: 'error',
    });
  }
  if (text.length > MAX_EXPERIMENT_BYTES) {
    return new LogitLabError(`the experiment file is ${(text.length / 1024 / 1024).toFixed(1)} MB, more than the limit of ${MAX_EXPERIMENT_BYTES / 1024 / 1024} MB`, {
      location: source.rangeLocation(0, 0),
      hint: 'an experiment file describes runs; put data in a CSV file and refer to it with data.path',
      severity: 'error',
    });
  }
  const deep = tooDeepAt(text, MAX_JSON_DEPTH);
  if (deep >= 0) {
    return new LogitLabError(`lists and objects are nested more than ${MAX_JSON_DEPTH} deep here`, {
      location: source.rangeLocation(deep, 1),
      hint: 'an experiment needs only a few levels; check for a run of `[` or `{` (or a missing `]`/`}`)',
      severity: 'error',
    });
  }
  return undefined;
}

export function parseExperiment(text: string, file: string): ParseResult {
  const refused = unparseable(text, file);
  if (refused) return { errors: [refused], source: new SourceText(file, text, undefined) };
  const syntax: ParseError[] = [];
  const root = parseTree(text, syntax, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  const source = new SourceText(file, text, root);
  if (syntax.length) {
    // The parser can report the same spot twice while recovering (e.g. two unclosed objects at EOF).
    const distinct = syntax.filter((e, i) => syntax.findIndex((o) => o.offset === e.offset && o.error === e.error) === i);
    return { errors: distinct.map((e) => syntaxError(source, e)), source };
  }
  if (!root) {
    return { errors: [new LogitLabError('the experiment file is empty', { location: source.rangeLocation(0, 0), hint: 'start with { "name": "…", "data": { "kind": "moons" } }', severity: 'error' })], source };
  }
  if (root.type !== 'object') {
    return { errors: [new LogitLabError(`an experiment file is a JSON object, got ${root.type === 'array' ? 'a list' : `a ${root.type}`}`, { location: source.rangeLocation(root.offset, root.length), hint: 'start with { "name": "…", "data": { "kind": "moons" } }', severity: 'error' })], source };
  }

  const raw: unknown = getNodeValue(root);
  const errors: LogitLabError[] = [];
  duplicateKeys(source, root, [], errors);
  const result = ExperimentFile.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      for (const problem of describeIssue(issue, ExperimentFile, raw)) errors.push(locatedError(source, problem.path, problem));
    }
  }
  return { value: result.success && errors.length === 0 ? result.data : undefined, errors: sortByLocation(errors), source, raw };
}

export function sortByLocation(errors: LogitLabError[]): LogitLabError[] {
  const key = (e: LogitLabError) => (e.details.location ? e.details.location.line * 1e6 + e.details.location.column : Infinity);
  return [...errors].sort((a, b) => key(a) - key(b));
}
