// A self-contained HTML report: the panel's own bundle (dist/webview.js) and CSS inlined, the runs
// embedded once, packed (src/core/run/packed.ts), a strict CSP with a nonce. It opens offline in any browser and shows what the
// extension's panel shows.
import { randomBytes } from 'node:crypto';
import type { RunRecord } from '../core/engine/types';
import { stringifyRunPart } from '../core/run/json';
import { packRun } from '../core/run/store';

export interface ReportHtmlOptions { title: string; webviewJs: string; css: string }

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON safe inside <script>: no "</script", no "<!--", and the line separators JS dislikes. NaN kept. */
export function jsonForScript(value: unknown): string {
  return stringifyRunPart(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderReportHtml(runs: RunRecord[], opts: ReportHtmlOptions): string {
  const nonce = randomBytes(16).toString('base64');
  // A literal "</script" inside the bundle would end the element early; "<\/" means the same in JS.
  const js = opts.webviewJs.replace(/<\/(script)/gi, '<\\/$1');
  const css = opts.css.replace(/<\/(style)/gi, '<\\/$1');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: blob:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<style nonce="${nonce}">${css}</style>
</head>
<body class="logit-lab-report">
<div id="app" data-mode="report"></div>
<script type="application/json" id="logit-lab-data">${jsonForScript({ title: opts.title, runs: runs.map(packRun) })}</script>
<script nonce="${nonce}">${js}</script>
</body>
</html>
`;
}
