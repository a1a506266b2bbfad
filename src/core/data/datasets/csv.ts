// A CSV file from the workspace: the target column becomes the class, numeric columns are
// standardised and string columns one-hot encoded (both fitted on the training split, in
// preprocess.ts), and missing values follow the experiment's policy.
import { z } from 'zod';
import { defineDataset } from '../dataset';
import { commonFields, splitRandomState } from '../specFields';
import { LogitLabError } from '../../errors';
import { MAX_CATEGORIES, MAX_ONE_HOT_FEATURES } from '../../limits';
import type { DataContext } from '../context';
import type { Column, Frame } from '../frame';
import { unknownNameHint } from '../didYouMean';
import { isMissing } from '../preprocess';
import { readCsv, type CsvText } from '../csv/readCsv';
import { resolveWorkspaceFile } from '../csv/workspacePath';

export const CsvData = z.object({
  kind: z.literal('csv'),
  path: z.string().min(1).describe('CSV file, relative to the experiment file; must stay inside the workspace folder.'),
  target: z.string().min(1).describe('Column holding the class label.'),
  numeric: z.array(z.string()).optional().describe('Numeric feature columns (default: every numeric column but the target).'),
  categorical: z.array(z.string()).optional().describe('Categorical feature columns, one-hot encoded from training values.'),
  drop: z.array(z.string()).default([]),
  missing: z.enum(['drop-rows', 'impute', 'error']).default('drop-rows').describe('What to do with rows that have missing values.'),
  standardize: z.boolean().default(true).describe('Scale numeric columns with the training split\'s mean and standard deviation; false feeds the values as they are.'),
  randomState: splitRandomState,
  ...commonFields,
}).strict();

type CsvSpec = z.output<typeof CsvData>;

interface ColumnRoles {
  target: number;
  /** Feature columns in file order. */
  features: { index: number; kind: 'numeric' | 'categorical' }[];
  ignored: string[];
  /** Columns left out because they hold no values at all. */
  empty: string[];
  /** Said to the user: columns that look like IDs. */
  notes: string[];
}

const isNumber = (cell: string) => cell.trim() !== '' && Number.isFinite(Number(cell));
/** "91,905" or "-1,234.5": a number written with thousands separators, which Number() refuses. */
const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;

function presentCells(text: CsvText, column: number): string[] {
  return text.rows.map((row) => row[column]).filter((cell) => !isMissing(cell));
}

/**
 * Refuses a column detected as categorical that is really numbers with thousands separators (one
 * category per number, silently), and one with so many distinct values it would blow up one-hot
 * encoding (an ID column); notes one that looks like an ID but stays within the limit.
 */
function checkCategorical(spec: CsvSpec, text: CsvText, index: number, listed: boolean, notes: string[]): number {
  const name = text.header[index];
  const cells = presentCells(text, index);
  const jsonPath = listed ? ['data', 'categorical', (spec.categorical ?? []).indexOf(name)] : ['data'];
  if (!listed && cells.length > 0) {
    const separated = cells.find((cell) => THOUSANDS.test(cell));
    if (separated !== undefined && cells.every((cell) => isNumber(cell) || THOUSANDS.test(cell))) {
      throw new LogitLabError(`${spec.path}: column "${name}" holds numbers with thousands separators (e.g. "${separated}"), which would be read as ${new Set(cells).size} unrelated categories`, {
        jsonPath,
        hint: `remove the separators in the file (write ${separated.replace(/,/g, '')}), or list "${name}" under data.categorical if it really names categories`,
      });
    }
  }
  const distinct = new Set(cells).size;
  if (distinct > MAX_CATEGORIES) {
    throw new LogitLabError(`${spec.path}: column "${name}" has ${distinct} distinct values; one-hot encoding it would add ${distinct} inputs (the limit is ${MAX_CATEGORIES} per column)`, {
      jsonPath,
      hint: `an identifier or free-text column does not generalise: add "${name}" to data.drop`,
    });
  }
  if (distinct > 50 && distinct > cells.length / 2) {
    notes.push(`column "${name}" has ${distinct} distinct values in ${cells.length} rows: it looks like an identifier, which a model cannot generalise from (add it to data.drop)`);
  }
  return distinct;
}

function looksNumeric(text: CsvText, column: number): boolean {
  const present = text.rows.map((row) => row[column]).filter((cell) => !isMissing(cell));
  return present.length > 0 && present.every(isNumber);
}

function chooseColumns(spec: CsvSpec, text: CsvText): ColumnRoles {
  const indexOf = (name: string, jsonPath: (string | number)[]) => {
    const index = text.header.indexOf(name);
    if (index < 0) {
      throw new LogitLabError(`${spec.path} has no column "${name}"`, { jsonPath, hint: unknownNameHint(name, text.header, 'columns') });
    }
    return index;
  };
  const target = indexOf(spec.target, ['data', 'target']);
  const listed = (key: 'numeric' | 'categorical' | 'drop') =>
    (spec[key] ?? []).map((name, i) => {
      const index = indexOf(name, ['data', key, i]);
      if (index === target) {
        throw new LogitLabError(`the target column "${name}" cannot also be listed in data.${key}`, {
          jsonPath: ['data', key, i],
          hint: `remove "${name}" from data.${key}.`,
        });
      }
      return index;
    });
  const numeric = listed('numeric');
  const categorical = listed('categorical');
  const dropped = new Set(listed('drop'));
  (spec.categorical ?? []).forEach((name, i) => {
    if (numeric.includes(categorical[i])) {
      throw new LogitLabError(`column "${name}" is listed as both numeric and categorical`, {
        jsonPath: ['data', 'categorical', i],
        hint: 'list it under one of data.numeric and data.categorical only.',
      });
    }
  });
  const features: ColumnRoles['features'] = [];
  const ignored: string[] = [];
  const empty: string[] = [];
  text.header.forEach((name, index) => {
    if (index === target || dropped.has(index)) return;
    if (presentCells(text, index).length === 0) {
      // An empty column would drop every row under drop-rows; say so instead of "no values in the target".
      const listedAt = numeric.includes(index) ? 'numeric' : categorical.includes(index) ? 'categorical' : undefined;
      if (listedAt) {
        throw new LogitLabError(`${spec.path}: column "${name}" (listed in data.${listedAt}) has no values in any row`, {
          jsonPath: ['data', listedAt, (spec[listedAt] ?? []).indexOf(name)],
          hint: `remove "${name}" from data.${listedAt} and add it to data.drop, or fill in its values`,
        });
      }
      empty.push(name);
      return;
    }
    // Explicit lists win; a column in neither list is detected unless both lists were given.
    const kind = numeric.includes(index) ? 'numeric'
      : categorical.includes(index) ? 'categorical'
        : looksNumeric(text, index) ? (spec.numeric ? undefined : 'numeric')
          : (spec.categorical ? undefined : 'categorical');
    if (kind) features.push({ index, kind });
    else ignored.push(name);
  });
  if (features.length === 0) {
    throw new LogitLabError(`${spec.path}: no feature columns are left besides the target "${spec.target}"${empty.length ? ` (${empty.join(', ')} ${empty.length === 1 ? 'is' : 'are'} empty)` : ''}`, {
      jsonPath: ['data'],
      hint: 'check data.numeric, data.categorical and data.drop.',
    });
  }
  const notes: string[] = [];
  let oneHot = 0;
  for (const f of features) {
    if (f.kind === 'categorical') oneHot += checkCategorical(spec, text, f.index, categorical.includes(f.index), notes);
  }
  if (oneHot > MAX_ONE_HOT_FEATURES) {
    throw new LogitLabError(`${spec.path}: the categorical columns together would become ${oneHot} one-hot inputs, more than the limit of ${MAX_ONE_HOT_FEATURES}`, {
      jsonPath: ['data'],
      hint: 'drop the categorical columns with the most distinct values (data.drop)',
    });
  }
  return { target, features, ignored, empty, notes };
}

/** Rows to keep under the missing-value policy, with the notes saying what happened. */
function applyMissingPolicy(spec: CsvSpec, text: CsvText, roles: ColumnRoles, file: string): { keep: number[]; notes: string[] } {
  const used = [roles.target, ...roles.features.map((f) => f.index)];
  const keep: number[] = [];
  let droppedForFeatures = 0;
  let droppedForTarget = 0;
  let imputed = 0;
  text.rows.forEach((row, r) => {
    const missing = used.filter((c) => isMissing(row[c]));
    if (missing.length === 0) {
      keep.push(r);
      return;
    }
    if (spec.missing === 'error') {
      const column = text.header[missing[0]];
      throw new LogitLabError(`${spec.path}:${text.lines[r]}: missing value in column "${column}"`, {
        jsonPath: ['data', 'missing'],
        hint: 'fix the file, or set data.missing to "drop-rows" or "impute".',
        location: { file, line: text.lines[r], column: missing[0] + 1 },
      });
    }
    // A class label cannot be imputed: such rows are dropped under either policy.
    if (missing.includes(roles.target)) droppedForTarget++;
    else if (spec.missing === 'drop-rows') droppedForFeatures++;
    else {
      imputed += missing.length;
      keep.push(r);
    }
  });
  const notes: string[] = [];
  if (droppedForFeatures > 0) notes.push(`dropped ${droppedForFeatures} of ${text.rows.length} rows with missing values (policy drop-rows)`);
  if (droppedForTarget > 0) notes.push(`dropped ${droppedForTarget} rows without a value in the target column "${spec.target}"`);
  if (imputed > 0) notes.push(`imputed ${imputed} missing values with the training mean (numeric) or most frequent value (categorical) (policy impute)`);
  if (roles.ignored.length > 0) notes.push(`ignored columns not listed in data.numeric / data.categorical: ${roles.ignored.join(', ')}`);
  if (roles.empty.length > 0) notes.push(`ignored ${roles.empty.length === 1 ? 'a column' : 'columns'} without any value: ${roles.empty.join(', ')}`);
  notes.push(...roles.notes);
  return { keep, notes };
}

/** Integer labels 0..k-1 are class indices as they are; anything else is named by its sorted distinct values. */
function classLabels(values: string[], spec: CsvSpec): { y: Int32Array; classNames: string[] } {
  const distinct = [...new Set(values)];
  const allNumbers = distinct.every(isNumber);
  const isIndexRange = allNumbers && distinct.every((v) => /^\d+$/.test(v)) &&
    distinct.map(Number).sort((a, b) => a - b).every((v, i) => v === i);
  const classNames = isIndexRange
    ? distinct.map(Number).sort((a, b) => a - b).map(String)
    : distinct.sort(allNumbers ? (a, b) => Number(a) - Number(b) : undefined);
  if (classNames.length < 2) {
    throw new LogitLabError(`the target column "${spec.target}" has ${classNames.length === 0 ? 'no values' : `only one class ("${classNames[0]}")`}`, {
      jsonPath: ['data', 'target'],
      hint: 'a classifier needs at least two classes; check data.target.',
    });
  }
  const indexOfValue = new Map(isIndexRange ? distinct.map((v) => [v, Number(v)]) : classNames.map((name, i) => [name, i]));
  return { y: Int32Array.from(values, (v) => indexOfValue.get(v)!), classNames };
}

function featureColumn(spec: CsvSpec, text: CsvText, keep: number[], index: number, kind: 'numeric' | 'categorical', file: string): Column {
  const name = text.header[index];
  const cells = keep.map((r) => text.rows[r][index]);
  if (kind === 'categorical') return { kind, name, values: cells.map((cell) => (isMissing(cell) ? null : cell)) };
  const values = new Float64Array(cells.length);
  cells.forEach((cell, i) => {
    if (isMissing(cell)) values[i] = NaN;
    else if (isNumber(cell)) values[i] = Number(cell);
    else {
      const line = text.lines[keep[i]];
      throw new LogitLabError(`${spec.path}:${line}: column "${name}" is listed as numeric but holds "${cell}"`, {
        jsonPath: ['data', 'numeric', (spec.numeric ?? []).indexOf(name)],
        hint: `list "${name}" under data.categorical instead, or fix the value.`,
        location: { file, line, column: index + 1 },
      });
    }
  });
  return { kind, name, values };
}

export function loadCsv(spec: CsvSpec, ctx: DataContext): Frame {
  const file = resolveWorkspaceFile(spec.path, ctx);
  const text = readCsv(file, spec.path);
  const roles = chooseColumns(spec, text);
  const { keep, notes } = applyMissingPolicy(spec, text, roles, file);
  const { y, classNames } = classLabels(keep.map((r) => text.rows[r][roles.target]), spec);
  return {
    columns: roles.features.map((f) => featureColumn(spec, text, keep, f.index, f.kind, file)),
    y,
    n: keep.length,
    classNames,
    notes,
    standardise: spec.standardize,
    impute: spec.missing === 'impute',
    fileColumns: text.header,
  };
}

export const csv = defineDataset({
  schema: CsvData,
  describe: 'A CSV file in the workspace: numeric columns standardised (unless standardize is false), string columns one-hot encoded.',
  load: loadCsv,
});
