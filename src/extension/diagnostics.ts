// The core's semantic checks of experiment files as VS Code diagnostics — the same messages the CLI
// prints, at the same ranges — refreshed while typing (debounced). Schema-level completion and
// validation come from contributes.jsonValidation; these add what a JSON Schema cannot say.
import * as vscode from 'vscode';
import { diagnoseExperimentText } from '../core/experiment';
import { LogitLabError } from '../core/errors';
import { isExperimentFile } from './config';
import { errorText, log } from './log';
import { workspaceRootFor } from './trainer';
import { KeyedDebouncer } from './debounce';

const DEBOUNCE_MS = 300;

export class ExperimentDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('logit-lab');
  private readonly pending = new KeyedDebouncer();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        // Closed files keep no squiggles, like the JSON language service.
        if (isExperimentFile(d.uri)) this.collection.delete(d.uri);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  schedule(doc: vscode.TextDocument, ms: number): void {
    if (!isExperimentFile(doc.uri) || doc.uri.scheme === 'git') return;
    this.pending.schedule(doc.uri.toString(), ms, () => this.check(doc));
  }

  /** Checks one document now; returns its diagnostics. */
  check(doc: vscode.TextDocument): vscode.Diagnostic[] {
    if (doc.isClosed) return [];
    let problems: LogitLabError[];
    try {
      problems = diagnoseExperimentText(doc.getText().replace(/^\uFEFF/, ''), doc.uri.fsPath, workspaceRootFor(doc.uri)).diagnostics;
    } catch (err) {
      // The checks never throw on bad input; anything that does is our bug, shown rather than hidden.
      log().warn(`Checking ${doc.uri.fsPath} failed: ${errorText(err)}`);
      problems = [err instanceof LogitLabError ? err : new LogitLabError(`Logit Lab could not check this file: ${errorText(err)}`)];
    }
    const diagnostics = problems.map((p) => toDiagnostic(p, doc));
    this.collection.set(doc.uri, diagnostics);
    return diagnostics;
  }

  /** Errors (not warnings) of a file, checked now: training refuses to start on these. */
  errorsOf(doc: vscode.TextDocument): vscode.Diagnostic[] {
    return this.check(doc).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
  }

  dispose(): void {
    this.pending.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function toDiagnostic(p: LogitLabError, doc: vscode.TextDocument): vscode.Diagnostic {
  const loc = p.details?.location;
  let range: vscode.Range;
  if (loc) {
    const start = doc.validatePosition(new vscode.Position(Math.max(0, loc.line - 1), Math.max(0, loc.column - 1)));
    const end = loc.endLine ? doc.validatePosition(new vscode.Position(loc.endLine - 1, Math.max(0, (loc.endColumn ?? loc.column) - 1))) : start;
    range = end.isAfter(start) ? new vscode.Range(start, end) : doc.getWordRangeAtPosition(start, /"(?:[^"\\]|\\.)*"|[^\s,:{}[\]]+/) ?? new vscode.Range(start, start.translate(0, 1));
  } else {
    range = new vscode.Range(0, 0, 0, doc.lineAt(0).text.length);
  }
  const hint = p.details?.hint ? `\nhint: ${p.details.hint}` : '';
  const d = new vscode.Diagnostic(range, `${p.message}${hint}`, p.details?.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
  d.source = 'logit-lab';
  if (p.details?.jsonPath?.length) d.code = p.details.jsonPath.map(String).join('.');
  return d;
}
