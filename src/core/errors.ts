// One error type for everything a user can get wrong, so every front end (CLI, VS Code diagnostics,
// worker messages) can say where — file, line, column, JSON path — and how to fix it.

export type JsonPath = (string | number)[];

export interface ErrorLocation {
  file: string;
  line: number; // 1-based
  column: number; // 1-based
  endLine?: number;
  endColumn?: number;
}

export class LogitLabError extends Error {
  constructor(
    message: string,
    readonly details: {
      /** Where in the experiment file, e.g. ['data', 'path']. */
      jsonPath?: JsonPath;
      hint?: string;
      location?: ErrorLocation;
      /** 'error' stops the run; 'warning' is reported and training goes on. */
      severity?: 'error' | 'warning';
    } = {},
  ) {
    super(message);
    this.name = 'LogitLabError';
  }

  get hint(): string | undefined {
    return this.details.hint;
  }

  /** `file:line:col: message (at data.path) — hint`, the CLI's one-line form. */
  format(): string {
    const d = this.details;
    const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column}: ` : '';
    const path = d.jsonPath?.length ? ` (at ${formatJsonPath(d.jsonPath)})` : '';
    const hint = d.hint ? `\n  hint: ${d.hint}` : '';
    return `${where}${this.message}${path}${hint}`;
  }
}

export function formatJsonPath(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
