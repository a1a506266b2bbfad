// A CSV file as a header and rows of trimmed strings, each row remembering its line in the file so
// errors can point at it.
import * as fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { LogitLabError } from '../../errors';
import { MAX_CSV_BYTES, MAX_CSV_ROWS } from '../../limits';
import { foreignEncoding } from '../../text-guards';

export interface CsvText {
  header: string[];
  rows: string[][];
  /** 1-based line of each row in the file. */
  lines: number[];
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

export function readCsv(file: string, shownPath: string): CsvText {
  const st = fs.statSync(file);
  if (!st.isFile()) {
    // Checked before reading: reading a FIFO would block forever.
    throw new LogitLabError(`${shownPath} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}, not a CSV file`, { jsonPath: ['data', 'path'], hint: 'data.path names a .csv file' });
  }
  const size = st.size;
  if (size > MAX_CSV_BYTES) {
    throw new LogitLabError(`${shownPath} is ${(size / 1024 / 1024).toFixed(0)} MB, more than the limit of ${MAX_CSV_BYTES / 1024 / 1024} MB`, {
      jsonPath: ['data', 'path'],
      hint: `use a sample of the file (at most ${MAX_CSV_ROWS.toLocaleString('en-US')} rows; README: Limits)`,
    });
  }
  const content = fs.readFileSync(file, 'utf8');
  if (foreignEncoding(content)) {
    throw new LogitLabError(`${shownPath} is encoded as UTF-16, not UTF-8`, { jsonPath: ['data', 'path'], hint: 'save the CSV file as UTF-8' });
  }
  let records: ParsedRecord[];
  try {
    records = parse(content, { bom: true, trim: true, skip_empty_lines: true, info: true }) as unknown as ParsedRecord[];
  } catch (error) {
    const e = error as { message: string; lines?: number };
    throw new LogitLabError(`${shownPath}${e.lines ? `:${e.lines}` : ''}: cannot read the CSV file: ${e.message}`, {
      jsonPath: ['data', 'path'],
      hint: 'every row needs as many comma-separated fields as the header; quote fields that contain commas.',
      location: e.lines ? { file, line: e.lines, column: 1 } : undefined,
    });
  }
  if (records.length === 0) {
    throw new LogitLabError(`${shownPath} is empty`, { jsonPath: ['data', 'path'], hint: 'the first line must name the columns.' });
  }
  const header = records[0].record;
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '' || seen.has(name)) {
      throw new LogitLabError(`${shownPath}:1: column ${i + 1} ${name === '' ? 'has no name' : `repeats the name "${name}"`}`, {
        jsonPath: ['data', 'path'],
        hint: 'give every column a distinct name in the header line.',
        location: { file, line: 1, column: 1 },
      });
    }
    seen.add(name);
  });
  if (records.length > MAX_CSV_ROWS + 1) {
    throw new LogitLabError(`${shownPath} has more than ${MAX_CSV_ROWS.toLocaleString('en-US')} data rows, the limit`, {
      jsonPath: ['data', 'path'],
      hint: 'use a random sample of the rows (README: Limits)',
    });
  }
  const body = records.slice(1);
  return { header, rows: body.map((r) => r.record), lines: body.map((r) => r.info.lines) };
}
