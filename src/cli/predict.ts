// `logit-lab predict RUN_DIR --input '{...}'`: the lesson's "predict a new patient" — rows go
// through exactly the training preprocessing (saved scaler statistics and category maps).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { loadPredictor } from '../core/engine';
import { encodeRows } from '../core/data';
import { LogitLabError } from '../core/errors';
import { readRunDir } from '../core/run/store';
import { formatTable } from './table';

export interface PredictCliOptions {
  input?: string;
  csv?: string;
  json?: boolean;
}

export async function predictCommand(runDir: string, opts: PredictCliOptions): Promise<number> {
  // The run store says what the run is; its model sits beside it (wherever the folder moved).
  const run = readRunDir(resolve(runDir));
  const modelDir = join(resolve(runDir), 'model');
  if (!run || !existsSync(join(modelDir, 'model.json'))) {
    const why = run ? ` (the run ${run.name} ended ${run.stopReason ?? run.status}${run.stopReason === 'diverged' ? ': a diverged model is not saved' : ''})` : '';
    process.stderr.write(`${runDir}: no trained model here${why}\n  hint: pass a run directory written by \`logit-lab train\`, e.g. .logit-lab/runs/<time>-<name>/<run-id>\n`);
    return 2;
  }
  let rows: Record<string, string | number>[];
  try {
    rows = readRows(opts);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  try {
    const predictor = await loadPredictor(modelDir);
    const x = encodeRows(predictor.preprocessing, rows);
    const probs = predictor.predict(x, rows.length);
    const classes = predictor.classNames;
    if (opts.json) {
      process.stdout.write(JSON.stringify(probs.map((p) => Object.fromEntries(classes.map((c, i) => [c, p[i]])))) + '\n');
    } else {
      const table = probs.map((p, i) => {
        const best = p.indexOf(Math.max(...p));
        return [String(i + 1), ...p.map((v) => v.toFixed(4)), classes[best]];
      });
      process.stdout.write(formatTable(['row', ...classes.map((c) => `P(${c})`), 'predicted'], table) + '\n');
    }
    return 0;
  } catch (err) {
    if (err instanceof LogitLabError) {
      process.stderr.write(err.format() + '\n');
      return 2;
    }
    throw err;
  }
}

function readRows(opts: PredictCliOptions): Record<string, string | number>[] {
  if (opts.input && opts.csv) throw new Error('give either --input or --csv, not both');
  if (opts.csv) {
    return parseCsv(readFileSync(opts.csv, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  }
  if (opts.input) {
    let value: unknown;
    try {
      value = JSON.parse(opts.input);
    } catch (err) {
      throw new Error(`--input is not valid JSON: ${(err as Error).message}\n  hint: quote it for the shell, e.g. --input '{"age": 60, "thal": "fixed"}'`);
    }
    const list = Array.isArray(value) ? value : [value];
    for (const row of list) {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new Error('--input must be a JSON object (one row) or an array of objects');
    }
    return list as Record<string, string | number>[];
  }
  throw new Error('nothing to predict: give --input \'{"column": value, …}\' or --csv rows.csv');
}
