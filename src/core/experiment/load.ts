// The one entry point front ends use: text → parsed, expanded, checked experiment. Errors of any
// stage stop here as one ExperimentError carrying every diagnostic; warnings travel with the result.
import * as fs from 'node:fs';
import { LogitLabError } from '../errors';
import { MAX_EXPERIMENT_BYTES } from '../limits';
import { checkExperiment } from './check';
import { tryExpandRuns, type ExpandedRun } from './expand';
import { throwIfErrors } from './experiment-error';
import { parseExperiment, sortByLocation } from './parse';
import type { ExperimentFile } from './schema';

export interface LoadedExperiment {
  experiment: ExperimentFile;
  runs: ExpandedRun[];
  /** Warnings (errors throw). */
  diagnostics: LogitLabError[];
}

/** Every diagnostic of an experiment text, errors and warnings, without throwing. */
export function diagnoseExperimentText(text: string, file: string, workspaceRoot: string): { experiment?: ExperimentFile; runs: ExpandedRun[]; diagnostics: LogitLabError[] } {
  const parsed = parseExperiment(text, file);
  if (!parsed.value) return { runs: [], diagnostics: parsed.errors };
  const expanded = tryExpandRuns(parsed.value, { source: parsed.source, raw: parsed.raw });
  if (expanded.errors.length) return { experiment: parsed.value, runs: [], diagnostics: [...parsed.errors, ...expanded.errors] };
  const checks = checkExperiment(parsed.value, expanded.runs, { file, workspaceRoot, source: parsed.source, raw: parsed.raw });
  return { experiment: parsed.value, runs: expanded.runs, diagnostics: sortByLocation([...parsed.errors, ...checks]) };
}

/** For unsaved editor buffers: the same as loadExperiment, on the buffer's text. */
export function loadExperimentText(text: string, file: string, workspaceRoot: string): LoadedExperiment {
  const { experiment, runs, diagnostics } = diagnoseExperimentText(text, file, workspaceRoot);
  throwIfErrors(diagnostics);
  return { experiment: experiment!, runs, diagnostics };
}

export function loadExperiment(file: string, workspaceRoot: string): LoadedExperiment {
  let text: string;
  try {
    // The type before reading: a FIFO would block the read forever, a folder fails unclearly.
    const st = fs.statSync(file);
    if (!st.isFile()) {
      throw new LogitLabError(`this is ${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe (FIFO)' : 'not a regular file'}, not an experiment file`, { location: { file, line: 1, column: 1 }, hint: 'pass the path of an *.experiment.json file', severity: 'error' });
    }
    if (st.size > MAX_EXPERIMENT_BYTES) {
      throw new LogitLabError(`the experiment file is ${(st.size / 1024 / 1024).toFixed(1)} MB, more than the limit of ${MAX_EXPERIMENT_BYTES / 1024 / 1024} MB`, {
        location: { file, line: 1, column: 1 },
        hint: 'an experiment file describes runs; put data in a CSV file and refer to it with data.path',
        severity: 'error',
      });
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof LogitLabError) throw err;
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message;
    throw new LogitLabError(`cannot read experiment file ${file}: ${reason}`, { hint: 'check the path; experiment files end in .experiment.json', severity: 'error' });
  }
  // A BOM is invisible in editors but not valid JSON.
  return loadExperimentText(text.replace(/^\uFEFF/, ''), file, workspaceRoot);
}
