// The text edit an Explore change makes in the experiment file: only the value's own text is
// replaced, written on one line as a person would (`"hidden": [16, 16]`), so the rest of the file —
// comments, layout, the array on its line — stays as it was and one Ctrl+Z undoes it.
import { findNodeAtLocation, modify, parseTree, type Segment } from 'jsonc-parser';

/** JSON on one line with a space after commas and colons. */
export function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (value && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`).join(', ')} }`;
  return JSON.stringify(value);
}

/**
 * The minimal edit setting `path` (dots, numeric segments as indices) to `value`, or undefined if
 * nothing changes. `null` removes the setting: Explore's way back to a default of "none" (no penalty);
 * none of the settings Explore offers takes null as a value.
 */
export function exploreEdit(text: string, dotted: string, value: unknown): { offset: number; length: number; text: string } | undefined {
  const path: Segment[] = dotted.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const node = findNodeAtLocation(parseTree(text) ?? { type: 'object', offset: 0, length: 0 }, path);
  if (value === null) return node ? modifyEdit(text, path, undefined) : undefined;
  if (node) {
    const next = inlineJson(value);
    return text.slice(node.offset, node.offset + node.length) === next ? undefined : { offset: node.offset, length: node.length, text: next };
  }
  // A setting not in the file yet: jsonc-parser inserts it where it belongs.
  return modifyEdit(text, path, value);
}

/** jsonc-parser's edits for setting (or, with undefined, removing) `path`, as one replacement. */
function modifyEdit(text: string, path: Segment[], value: unknown): { offset: number; length: number; text: string } | undefined {
  const edits = modify(text, path, value, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  if (!edits.length) return undefined;
  const start = Math.min(...edits.map((e) => e.offset));
  const end = Math.max(...edits.map((e) => e.offset + e.length));
  let out = text.slice(start, end);
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset - start) + e.content + out.slice(e.offset - start + e.length);
  return { offset: start, length: end - start, text: out };
}
