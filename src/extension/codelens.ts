// "▶ Train · Open last run" on top of every experiment file (and "Stop" while it trains).
import * as vscode from 'vscode';

export class ExperimentCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly isTraining: (uri: vscode.Uri) => boolean,
    private readonly hasLastRun: (uri: vscode.Uri) => boolean,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses: vscode.CodeLens[] = [];
    if (this.isTraining(doc.uri)) {
      lenses.push(new vscode.CodeLens(top, { title: '$(debug-stop) Stop training', command: 'logitLab.stop', tooltip: 'Stop; the partial run is kept' }));
    } else {
      lenses.push(new vscode.CodeLens(top, { title: '▶ Train', command: 'logitLab.train', arguments: [doc.uri], tooltip: 'Train this experiment (Logit Lab)' }));
    }
    if (this.hasLastRun(doc.uri)) {
      lenses.push(new vscode.CodeLens(top, { title: 'Open last run', command: 'logitLab.openLastRun', arguments: [doc.uri], tooltip: 'Show the most recent runs of this experiment in the panel' }));
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
