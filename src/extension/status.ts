// The status bar item: the backend when idle, the running run and its epoch while training.
import * as vscode from 'vscode';
import type { BackendName } from '../core/engine/types';
import { settings } from './config';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('logitLab.status', vscode.StatusBarAlignment.Left, 50);
  /** The backend the last training actually used (the setting may say "auto"). */
  backend?: BackendName;
  fallbackFrom?: string;

  constructor() {
    this.item.name = 'Logit Lab';
    this.idle();
    this.item.show();
  }

  idle(): void {
    const configured = settings().backend;
    const shown = this.backend ?? configured;
    this.item.text = `$(beaker) Logit Lab · ${shown}`;
    const used = this.backend ? `\n\nThe last training ran on ${this.backend}${this.fallbackFrom ? ` (${this.fallbackFrom} was unavailable)` : ''}.` : '';
    this.item.tooltip = new vscode.MarkdownString(`**Logit Lab** — backend setting: \`${configured}\`${used}\n\nClick to open the panel.`);
    this.item.command = 'logitLab.openPanel';
    this.item.backgroundColor = undefined;
  }

  training(text: string, tooltip: string): void {
    this.item.text = `$(sync~spin) ${text}${this.backend ? ` · ${this.backend}` : ''}`;
    this.item.tooltip = `${tooltip}\nClick to stop training.`;
    this.item.command = 'logitLab.stop';
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
