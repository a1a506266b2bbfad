// The error boundary of extension commands and webview message handlers: whatever a handler
// throws becomes one notification (a user error with its location and hint, or an internal error
// saying where to report it) and a log line with the stack, never an unhandled rejection. No
// `vscode` import: the caller passes how to notify and log.
import { describeFailure } from '../core/boundary';

export interface BoundaryReport {
  /** Shown to the user: the located message, or one line for an internal error. */
  notify(kind: 'user' | 'internal', text: string): void;
  /** For the output channel: the full text, with the stack of an internal error. */
  log(text: string): void;
}

export function guardCommand<A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>, report: BoundaryReport): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      const shown = describeFailure(err);
      report.log(`${name}: ${describeFailure(err, { verbose: true }).text}`);
      report.notify(shown.kind, `${name}: ${shown.text.replace(/\n\s*/g, ' — ').replace('(rerun with --verbose for the stack trace)', '(the stack trace is in the Logit Lab output)')}`);
      return undefined;
    }
  };
}
