// An experiment file with errors fails as a whole, carrying every diagnostic, so the CLI prints them
// all at once and the editor can underline each of them.
import { LogitLabError } from '../errors';

export class ExperimentError extends LogitLabError {
  constructor(readonly diagnostics: LogitLabError[]) {
    super(diagnostics.map((d) => d.format()).join('\n'), { ...(diagnostics[0]?.details ?? {}), severity: 'error' });
    this.name = 'ExperimentError';
  }

  /** One diagnostic per line (hints indented below), already the whole message. */
  override format(): string {
    return this.message;
  }
}

export function isErrorDiagnostic(d: LogitLabError): boolean {
  return (d.details.severity ?? 'error') === 'error';
}

/** Throws an ExperimentError when any diagnostic is an error; warnings alone pass. */
export function throwIfErrors(diagnostics: LogitLabError[]): void {
  if (diagnostics.some(isErrorDiagnostic)) throw new ExperimentError(diagnostics);
}
