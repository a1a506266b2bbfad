// The "Logit Lab" output channel: what happened, in the order it happened, for users and bug reports.
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Logit Lab', { log: true });
  return channel;
}

export function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'format' in err && typeof (err as { format: unknown }).format === 'function') {
    return (err as { format(): string }).format();
  }
  return err instanceof Error ? err.message : String(err);
}
