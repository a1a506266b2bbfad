// The one place an entry point (CLI command, worker request, extension command) turns whatever it
// caught into what a person should read: a user error (bad input, a file that cannot be read) with
// its location and hint, or an internal error — a bug — as one line saying where to report it, the
// stack only when asked for. No entry point prints a raw stack trace or throws past its boundary.
import { LogitLabError } from './errors';

/** Exit codes of every CLI command. */
export const EXIT = { ok: 0, runFailed: 1, badInput: 2, internal: 3 } as const;

export const REPORT_HINT = 'this is a bug in Logit Lab: please report it with the command you ran and this message (rerun with --verbose for the stack trace)';

export type Failure =
  | { kind: 'user'; message: string; error: Error }
  | { kind: 'internal'; message: string; error: Error };

/** Operating-system errors a user can fix (a missing or unreadable file, a full disk), with a hint each. */
const SYSTEM_HINTS: Record<string, string> = {
  ENOENT: 'check the path',
  EACCES: 'check the file\'s permissions',
  EPERM: 'check the file\'s permissions',
  EISDIR: 'give a file, not a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOSPC: 'the disk is full: free some space and run again',
  EDQUOT: 'the disk quota is used up: free some space and run again',
  EROFS: 'the file system is read-only: choose another output folder',
  EMFILE: 'too many open files: close some programs and run again',
  ELOOP: 'a symbolic link points to itself (or a loop of links)',
  ENAMETOOLONG: 'use a shorter path',
};

function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : safeString(err));
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** What went wrong, as a user error (exit 2) or an internal one (exit 3). */
export function classifyError(err: unknown): Failure {
  const error = asError(err);
  if (error instanceof LogitLabError) return { kind: 'user', message: error.format(), error };
  const code = (error as NodeJS.ErrnoException).code;
  if (code && code in SYSTEM_HINTS) {
    const path = (error as NodeJS.ErrnoException).path;
    const reason = error.message.replace(/^[A-Z]+: /, '');
    return { kind: 'user', message: `${path ? `${path}: ` : ''}${reason}\n  hint: ${SYSTEM_HINTS[code]}`, error };
  }
  const firstLine = (error.message || error.name || 'unknown error').split('\n')[0];
  return { kind: 'internal', message: `internal error: ${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${firstLine}\n  ${REPORT_HINT}`, error };
}

/** The text to show for a failure; internal errors carry their stack only when `verbose`. */
export function describeFailure(err: unknown, options: { verbose?: boolean } = {}): { text: string; exitCode: number; kind: Failure['kind'] } {
  const failure = classifyError(err);
  const stack = options.verbose && failure.error.stack ? `\n${failure.error.stack}` : '';
  return {
    text: failure.message + (failure.kind === 'internal' ? stack : ''),
    exitCode: failure.kind === 'user' ? EXIT.badInput : EXIT.internal,
    kind: failure.kind,
  };
}

/**
 * For worker entry points: the message to post for a caught error, with the location a front end
 * can underline. Never throws, whatever was thrown.
 */
export function failureMessage(err: unknown): { message: string; internal: boolean; location?: { file: string; line: number; column: number; path: string } } {
  const failure = classifyError(err);
  const loc = failure.error instanceof LogitLabError ? failure.error.details.location : undefined;
  const jsonPath = failure.error instanceof LogitLabError ? failure.error.details.jsonPath : undefined;
  return {
    message: failure.message,
    internal: failure.kind === 'internal',
    location: loc ? { file: loc.file, line: loc.line, column: loc.column, path: (jsonPath ?? []).join('.') } : undefined,
  };
}
