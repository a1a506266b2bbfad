// `logit-lab predict RUN_DIR --input '{...}'`: the lesson's "predict a new patient" — rows go
// through exactly the training preprocessing (saved scaler statistics and category maps).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { loadPredictor } from '../core/engine';
import { encodeRows } from '../core/data';
import { LogitLabError } from '../core/errors';
import { readRunDir } from '../core/run/store';
import { foreignEncoding } from '../core/text-guards';
import { formatTable } from './table';
import { sanitize } from './sanitize';

export interface PredictCliOptions {
  input?: string;
  csv?: string;
  json?: boolean;
}

type Row = Record<string, string | number>;

export async function predictCommand(runDir: string, opts: PredictCliOptions): Promise<number> {
  // The run store says what the run is; its model sits beside it (wherever the folder moved).
  const run = readRunDir(resolve(runDir));
  const modelDir = join(resolve(runDir), 'model');
  if (!run || !existsSync(join(modelDir, 'model.json'))) {
    const why = run ? ` (the run ${run.name} ended ${run.stopReason ?? run.status}${run.stopReason === 'diverged' ? ': a diverged model is not saved' : ''})` : '';
    process.stderr.write(sanitize(`${runDir}: no trained model here${why}\n  hint: pass a run directory written by \`logit-lab train\`, e.g. .logit-lab/runs/<time>-<name>/<run-id>\n`));
    return 2;
  }
  try {
    const rows = readRows(opts);
    const predictor = await loadPredictor(modelDir);
    const x = encodeRows(predictor.preprocessing, rows);
    const probs = predictor.predict(x, rows.length);
    const classes = predictor.classNames;
    if (opts.json) {
      process.stdout.write(JSON.stringify(probs.map((p) => Object.fromEntries(classes.map((c, i) => [c, p[i]])))) + '\n');
    } else {
      const table = probs.map((p, i) => {
        const best = p.reduce((b, v, k) => (v > p[b] ? k : b), 0);
        return [String(i + 1), ...p.map((v) => v.toFixed(4)), classes[best] ?? '—'];
      });
      process.stdout.write(formatTable(['row', ...classes.map((c) => `P(${c})`), 'predicted'], table) + '\n');
    }
    return 0;
  } catch (err) {
    if (err instanceof LogitLabError) {
      process.stderr.write(sanitize(err.format()) + '\n');
      return 2;
    }
    throw err;
  }
}

function readRows(opts: PredictCliOptions): Row[] {
  if (opts.input !== undefined && opts.csv !== undefined) throw new LogitLabError('give either --input or --csv, not both', { hint: 'predict rows from one source at a time' });
  const rows = opts.csv !== undefined ? csvRows(opts.csv) : opts.input !== undefined ? inputRows(opts.input) : undefined;
  if (!rows) throw new LogitLabError('nothing to predict', { hint: 'give --input \'{"column": value, …}\' or --csv rows.csv' });
  if (rows.length === 0) {
    throw new LogitLabError(`${opts.csv !== undefined ? `${opts.csv} has no data rows` : '--input is an empty list'}: nothing to predict`, {
      hint: opts.csv !== undefined ? 'the first line names the columns; each following line is one row to predict' : 'give at least one row, e.g. --input \'[{"age": 60}]\'',
    });
  }
  return rows;
}

function csvRows(file: string): Row[] {
  if (!existsSync(file) || !statSync(file).isFile()) throw new LogitLabError(`${file}: no such CSV file`, { hint: 'check the path given to --csv' });
  const text = readFileSync(file, 'utf8');
  if (foreignEncoding(text)) throw new LogitLabError(`${file} is encoded as UTF-16, not UTF-8`, { hint: 'save the CSV file as UTF-8' });
  try {
    // bom: a byte-order mark would otherwise become part of the first column's name.
    return parseCsv(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Row[];
  } catch (err) {
    const e = err as { message: string; lines?: number };
    throw new LogitLabError(`${file}${e.lines ? `:${e.lines}` : ''}: cannot read the CSV file: ${e.message}`, { hint: 'every row needs as many comma-separated fields as the header' });
  }
}

function inputRows(input: string): Row[] {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch (err) {
    throw new LogitLabError(`--input is not valid JSON: ${(err as Error).message}`, { hint: 'quote it for the shell, e.g. --input \'{"age": 60, "thal": "fixed"}\'' });
  }
  const list = Array.isArray(value) ? value : [value];
  list.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new LogitLabError(`--input${Array.isArray(value) ? `[${i}]` : ''} must be a JSON object (one row), got ${row === null ? 'null' : Array.isArray(row) ? 'a list' : typeof row}`, {
        hint: 'give one row as {"column": value, …} or a list of such rows',
      });
    }
    for (const [column, cell] of Object.entries(row as object)) {
      const ok = typeof cell === 'string' || cell === null || (typeof cell === 'number' && Number.isFinite(cell));
      if (!ok) {
        throw new LogitLabError(`--input row ${i + 1}, column "${column}": expected a number or a string, got ${Array.isArray(cell) ? 'a list' : typeof cell === 'object' ? 'an object' : JSON.stringify(cell)}`, {
          hint: 'each value is one cell: a number (60), a category ("fixed"), or null for a missing value',
        });
      }
    }
  });
  // null is a missing value, as an empty CSV cell.
  return list.map((row) => Object.fromEntries(Object.entries(row as object).map(([k, v]) => [k, v === null ? '' : v])));
}
