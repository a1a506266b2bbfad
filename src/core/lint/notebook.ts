// Jupyter notebooks: code cells are joined into one Python module (a model defined in cell 2 and its
// loss in cell 4 are one program), magics and shell lines are blanked so they parse, and findings
// are mapped back to the cell and its own line/column.
import { LogitLabError } from '../errors';
import { LineIndex } from './parser';
import type { Diagnostic, LintOptions } from './lint';
import { lintText } from './lint';

export interface NotebookSource {
  /** The joined module text. */
  text: string;
  /** For each code cell: its index in `cells[]`, its start offset in `text`, and its own source. */
  cells: { index: number; start: number; source: string }[];
  lines: LineIndex;
}

interface NotebookCell { cell_type?: unknown; source?: unknown }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The notebook's cells, checked to have the shape nbformat gives them (any JSON can end in .ipynb). */
function notebookCells(json: string, file: string): NotebookCell[] {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (e) {
    throw new LogitLabError(`${file} is not valid notebook JSON: ${(e as Error).message}`, { hint: 'Open and re-save the notebook in Jupyter.' });
  }
  const bad = (what: string) => new LogitLabError(`${file} is not a Jupyter notebook: ${what}`, { hint: 'A notebook is a JSON object with a "cells" list; open and re-save it in Jupyter.' });
  if (!isObject(nb)) throw bad(`expected a JSON object, got ${Array.isArray(nb) ? 'a list' : nb === null ? 'null' : typeof nb}`);
  if (nb.cells === undefined) return [];
  if (!Array.isArray(nb.cells)) throw bad('"cells" is not a list');
  nb.cells.forEach((cell, index) => {
    if (!isObject(cell)) throw bad(`cell ${index} is ${cell === null ? 'null' : Array.isArray(cell) ? 'a list' : typeof cell}, not an object`);
    const source = cell.source;
    const ok = source === undefined || typeof source === 'string' || (Array.isArray(source) && source.every((line) => typeof line === 'string'));
    if (!ok) throw bad(`the "source" of cell ${index} is ${describe(source)}, not a string or a list of strings`);
  });
  return nb.cells as NotebookCell[];
}

function describe(v: unknown): string {
  return Array.isArray(v) ? 'a list holding something other than strings' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/** Parse .ipynb JSON and join its code cells. */
export function notebookSource(json: string, file = 'notebook.ipynb'): NotebookSource {
  const cells: NotebookSource['cells'] = [];
  let text = '';
  notebookCells(json, file).forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const raw = Array.isArray(cell.source) ? cell.source.join('') : ((cell.source as string | undefined) ?? '');
    const source = blankMagics(raw);
    cells.push({ index, start: text.length, source: raw });
    text += source + (source.endsWith('\n') ? '\n' : '\n\n');
  });
  return { text, cells, lines: new LineIndex(text) };
}

/** `%matplotlib inline`, `!pip install …`, `%%time` → spaces of the same length (offsets stay). */
export function blankMagics(source: string): string {
  return source.replace(/^([ \t]*)([%!].*)$/gm, (_m, indent: string, rest: string) => indent + ' '.repeat(rest.length));
}

/** Map a diagnostic on the joined text to its cell. */
export function mapToCell(d: Diagnostic, nb: NotebookSource): Diagnostic | undefined {
  let cell: NotebookSource['cells'][number] | undefined;
  for (const c of nb.cells) if (c.start <= d.startIndex) cell = c;
  if (!cell) return undefined;
  const lines = new LineIndex(cell.source);
  const startIndex = d.startIndex - cell.start;
  const endIndex = Math.min(d.endIndex - cell.start, cell.source.length);
  const s = lines.position(startIndex);
  const e = lines.position(endIndex);
  const fix = d.fix && {
    ...d.fix,
    edits: d.fix.edits.map((ed) => ({ ...ed, start: ed.start - cell!.start, end: ed.end - cell!.start })),
    // A fix spanning cells cannot be applied to one cell.
    safe: d.fix.safe && d.fix.edits.every((ed) => ed.start >= cell!.start && ed.end <= cell!.start + cell!.source.length),
  };
  const fixInCell = fix && fix.edits.every((ed) => ed.start >= 0 && ed.end <= cell!.source.length) ? fix : undefined;
  // Messages cite lines of the joined module ("(line 12)"): say which cell and line that is.
  const message = d.message.replace(/\(line (\d+)\)/g, (m, line: string) => {
    const offset = nb.lines.lineStart(Number(line));
    const home = [...nb.cells].reverse().find((c) => c.start <= offset);
    // Cells are numbered as VS Code numbers them: 1-based, markdown cells included.
    return home ? `(cell ${home.index + 1}, line ${new LineIndex(home.source).position(offset - home.start).line})` : m;
  });
  const related = d.related?.map((r) => {
    if (r.startIndex === undefined) return r;
    const home = [...nb.cells].reverse().find((c) => c.start <= r.startIndex!);
    if (!home) return r;
    const index = new LineIndex(home.source);
    const a = index.position(r.startIndex - home.start);
    const b = index.position(Math.min((r.endIndex ?? r.startIndex) - home.start, home.source.length));
    return { ...r, cell: home.index, line: a.line, column: a.column, endLine: b.line, endColumn: b.column, startIndex: r.startIndex - home.start, endIndex: (r.endIndex ?? r.startIndex) - home.start };
  });
  return { ...d, message, cell: cell.index, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, startIndex, endIndex, fix: fixInCell, ...(related ? { related } : {}) };
}

export async function lintNotebook(json: string, opts: LintOptions = {}, file?: string): Promise<Diagnostic[]> {
  const nb = notebookSource(json, file);
  const diagnostics = await lintText(nb.text, opts);
  return diagnostics.map((d) => mapToCell(d, nb)).filter((d): d is Diagnostic => !!d);
}

/** Apply cell-relative edits back into the notebook JSON (used by `--fix`). */
export function applyNotebookEdits(json: string, editsByCell: Map<number, (source: string) => string>): string {
  const nb = JSON.parse(json) as { cells: { source: string | string[] }[] };
  for (const [index, edit] of editsByCell) {
    const cell = nb.cells[index];
    const raw = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    const next = edit(raw);
    cell.source = Array.isArray(cell.source) ? next.split(/(?<=\n)/) : next;
  }
  const indent = /^\{\s*\n(\s+)"/.exec(json)?.[1]?.length ?? 1;
  return JSON.stringify(nb, null, indent) + (json.endsWith('\n') ? '\n' : '');
}
