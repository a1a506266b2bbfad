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
    // A still icon: a spinning one redraws the workbench 20 times a second, and in code-server the
    // live panel shares that thread — measured (bench/editor-live.ts, every20, alternated runs)
    // a median of 20 boundaries a second with the spin and 100 ms updates, 26 without (trainer.ts).
    // The epoch count in the text shows the training moving.
    this.item.text = `$(sync) ${text}${this.backend ? ` · ${this.backend}` : ''}`;
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
