// The extension in Restricted Mode (an untrusted folder, workspace trust on): it activates, lints
// and checks experiment files, but never trains — training reads data files from the workspace —
// and says so with a way to trust the folder. Run by `run-suite.ts --restricted`.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LogitLabApi } from '../../../src/extension/extension';

const EXTENSION_ID = 'logit-lab.logit-lab';

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Logit Lab in Restricted Mode', function () {
  let api: LogitLabApi;
  let ws: vscode.Uri;

  before(async function () {
    ws = vscode.workspace.workspaceFolders![0].uri;
    const ext = vscode.extensions.getExtension<LogitLabApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
  });

  it('runs in an untrusted workspace', function () {
    assert.equal(vscode.workspace.isTrusted, false, 'the test folder should be untrusted (Restricted Mode)');
  });

  it('refuses to train, says why and offers to manage trust, and starts nothing', async function () {
    const before = api.notifications.length;
    const result = await vscode.commands.executeCommand('logitLab.train', vscode.Uri.joinPath(ws, 'w1.experiment.json'));
    assert.equal(result, undefined);
    const n = await waitFor('the Restricted Mode notification', () => api.notifications.slice(before).find((x) => /Restricted Mode/.test(x.text)));
    assert.equal(n.severity, 'warning');
    assert.match(n.text, /Training is disabled in Restricted Mode/);
    assert.ok(n.actions.includes('Manage Workspace Trust'), `actions: ${n.actions.join(', ')}`);
    assert.equal(existsSync(join(ws.fsPath, '.logit-lab')), false, 'no run directory was made');
  });

  /** Opens a workspace file and waits for Logit Lab's diagnostics on it. */
  async function diagnosticsOf(name: string): Promise<vscode.Diagnostic[]> {
    const uri = vscode.Uri.joinPath(ws, name);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    return waitFor(`diagnostics on ${name}`, () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'logit-lab');
      return d.length ? d : undefined;
    });
  }

  it('still lints Python code', async function () {
    const ours = await diagnosticsOf('train_bad.py');
    const codes = ours.map((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code)));
    assert.ok(codes.some((c) => c.startsWith('LL102')), `codes: ${codes.join(', ')}`);
  });

  it('still checks experiment files', async function () {
    const problems = await diagnosticsOf('broken.experiment.json');
    assert.ok(problems.some((d) => d.severity === vscode.DiagnosticSeverity.Error), problems.map((d) => d.message).join('; '));
  });
});
